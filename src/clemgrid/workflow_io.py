"""Logging for Snakemake jobs: everything a job says goes to its `log:` file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def job_log(path: str | Path) -> Iterator[logging.Logger]:
    """A logger writing to the job's log file; an exception is logged with its traceback, then re-raised."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("clemgrid")
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield logger
    except Exception:
        logger.exception("job failed")
        raise
    finally:
        handler.close()
