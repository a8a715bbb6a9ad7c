"""After a run with failures: which configs' play jobs failed, and the logs to read.

A grid run with --keep-going (and on SLURM, retries) can end with some configs unplayed among
thousands of jobs; Snakemake's own log names each failed job once, far apart. The Snakefile's
`onerror:` handler prints :func:`report`: one line per failed config with its games, then the
play logs and the last SLURM logs the executor kept for it.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from clemgrid.registry import Grid, PlayConfig

SLURM_LOGS = "logs/slurm"  # where profiles/slurm has the executor keep its job logs
SLURM_LOGS_SHOWN = 3  # the latest attempts of a config: older ones are rarely what failed


@dataclass(frozen=True)
class FailedConfig:
    config: PlayConfig
    games: tuple[str, ...]


def _wildcards(c: PlayConfig) -> dict[str, str]:
    """The wildcards of a config's play jobs, but `game`."""
    return {"model": c.model, "backend": c.backend, "quant": c.quant}


def snakemake_errors(log_text: str) -> str:
    """The part of a Snakemake log from its first "Error in" on: the failed jobs, not the
    outputs of every job it planned."""
    return log_text[log_text.find("Error in") :] if "Error in" in log_text else ""


def failed_configs(grid: Grid, transcripts: str, errors: str | None) -> list[FailedConfig]:
    """Configs, in grid order, with games whose `transcripts` file (the play rule's output
    pattern) is missing and named in `errors` (see :func:`snakemake_errors`). Without a
    Snakemake log (None) every missing transcript counts: there is nothing to tell a failed
    job from one that was never run."""
    failed = []
    for c in grid.configs:
        keys = _wildcards(c)
        games = []
        for game in grid.games_for(c):
            output = transcripts.format(**keys, game=game)
            if not os.path.exists(output) and (errors is None or output in errors):
                games.append(game)
        if games:
            failed.append(FailedConfig(c, tuple(games)))
    return failed


def slurm_logs(config: PlayConfig, folder: str = SLURM_LOGS) -> list[str]:
    """The latest SLURM logs of a config's play job group (profiles/slurm names the group
    play_<model>_<backend>_<quant>)."""
    group = glob.escape(f"play_{config.model}_{config.backend}_{config.quant}")
    return sorted(glob.glob(f"{folder}/group_{group}*/*.log"))[-SLURM_LOGS_SHOWN:]


def report_text(
    grid: Grid,
    transcripts: str,
    play_log: str,
    snakemake_log: str | Sequence[str] | None = None,
) -> str:
    """The report ('' when no play job failed): `transcripts` and `play_log` are the play
    rule's output and log patterns, `snakemake_log` the log (or logs) `onerror:` is given."""
    logs = [snakemake_log] if isinstance(snakemake_log, str) else list(snakemake_log or [])
    text = "".join(Path(p).read_text() for p in logs if os.path.exists(p))
    failed = failed_configs(grid, transcripts, snakemake_errors(text) if logs else None)
    if not failed:
        return ""
    lines = [f"\nPlay jobs failed for {len(failed)} of {len(grid.configs)} configs:"]
    for f in failed:
        c = f.config
        lines.append(f"  {c.model} / {c.backend} / {c.quant}: {', '.join(f.games)}")
        lines += [f"    log: {play_log.format(**_wildcards(c), game=game)}" for game in f.games]
        lines += [f"    SLURM log: {path}" for path in slurm_logs(c)]
    lines += [f"Snakemake log: {path}" for path in logs]
    return "\n".join(lines)


def report(
    grid: Grid,
    transcripts: str,
    play_log: str,
    snakemake_log: str | Sequence[str] | None = None,
    stream: TextIO | None = None,
) -> None:
    """Print :func:`report_text` to `stream` (stderr, beside Snakemake's own error), if any."""
    if text := report_text(grid, transcripts, play_log, snakemake_log):
        print(text, file=stream or sys.stderr)
