"""Logging for Snakemake jobs: everything a job says goes to its `log:` file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clemgrid.backends.base import InfraError


@contextmanager
def job_log(path: str | Path) -> Iterator[logging.Logger]:
    """A logger writing to the job's log file; an exception is logged with its traceback, then
    re-raised. An `InfraError` (an endpoint or server that failed after its retries; nothing of
    it was scored) is logged and ends the job with its message only: the message says all there
    is, and a traceback would make it look like a bug. The job fails all the same, so
    Snakemake's retries and reruns apply."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("clemgrid")
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield logger
    except InfraError as exc:
        logger.error("infrastructure failure, job not finished (nothing was scored): %s", exc)
        raise SystemExit(f"InfraError: {exc}") from None
    except Exception:
        logger.exception("job failed")
        raise
    finally:
        handler.close()
