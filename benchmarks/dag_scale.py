"""DAG scale: how long `snakemake -n` takes for a grid of 10,000 play jobs.

Builds, in a temporary working directory, a grid of synthetic players (`scripted` backend
entries with a `synthetic` weight source, like config/models.yaml's `synthetic-*`) times games
(zero-shot games first, then their few-shot variants), and times a dry run of the repository's
Snakefile on it (`snakemake -n -s Snakefile`, its default target). The default, 500 models x 20
games, is 10,000 play jobs (and as many score jobs). Target: <= 10 s.

    .venv/bin/python benchmarks/dag_scale.py                     # 500 x 20 = 10,000 play jobs
    .venv/bin/python benchmarks/dag_scale.py --models 50 --games 4 --profile

--profile runs the dry run under cProfile (kept as dag_scale.prof) and prints where the time goes (the functions of
workflow/rules/common.smk, e.g. `play_identity`, run once per job). Appends a row to
results/benchmarks/dag_scale.csv.
"""

from __future__ import annotations

import argparse
import csv
import os
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 10.0


def write_grid(workdir: Path, n_models: int, n_games: int) -> list[str]:
    from clemgrid.games.registry import GAMES

    games = list(GAMES)[:n_games]
    if len(games) < n_games:
        raise SystemExit(f"only {len(GAMES)} games are registered, not {n_games}")
    models = {
        f"synthetic-{i:05d}": {
            "facts": {"synthetic": True},
            "weights": {
                "none": {
                    "synthetic": {
                        "format_error_rate": round((i % 10) / 20, 2),
                        "good_move_rate": round((i % 7) / 7, 3),
                        "seed": i,
                    }
                }
            },
        }
        for i in range(n_models)
    }
    config = {
        "models": "config/models.yaml",
        "backends": "config/backends.yaml",
        "games": games,
        "grid": [{"model": m, "backend": "scripted", "quant": "none"} for m in models],
        "instances": {"per_experiment": 2},
        "batch_size": 16,
    }
    (workdir / "config").mkdir(parents=True)
    (workdir / "config" / "models.yaml").write_text(yaml.safe_dump(models, sort_keys=False))
    (workdir / "config" / "backends.yaml").write_text(
        yaml.safe_dump({"scripted": {"kind": "scripted"}})
    )
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return games


def dry_run(workdir: Path, snakefile: Path, profile: Path | None) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, output) of `snakemake -n` in `workdir`."""
    command = [sys.executable]
    if profile:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "snakemake", "-n", "-s", str(snakefile), "--cores", "1"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    run = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if run.returncode != 0:
        raise SystemExit(f"snakemake -n failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    return seconds, cpu, run.stdout + run.stderr


def job_counts(output: str) -> dict[str, int]:
    """The job-stats table of `snakemake -n --quiet`: rule -> count."""
    counts = {}
    for line in output.splitlines():
        match = re.match(r"^(\w+)\s+(\d+)\s*$", line.strip())
        if match:
            counts[match.group(1)] = int(match.group(2))
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=500)
    parser.add_argument("--games", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="cProfile the dry run")
    parser.add_argument(
        "--snakefile", type=Path, default=ROOT / "Snakefile", help="to time a changed copy"
    )
    parser.add_argument("--out", default=str(ROOT / "results" / "benchmarks"))
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="clemgrid-dag-") as tmp:
        workdir = Path(tmp)
        write_grid(workdir, args.models, args.games)
        profile = Path(args.out) / "dag_scale.prof" if args.profile else None
        if profile:
            profile.parent.mkdir(parents=True, exist_ok=True)
        seconds, cpu, output = dry_run(workdir, args.snakefile, profile)
        counts = job_counts(output)
        play_jobs = counts.get("play", 0)
        print(
            f"snakemake -n: {seconds:.1f} s ({cpu:.1f} s CPU) for {args.models} models x {args.games} games = "
            f"{play_jobs} play jobs, {counts.get('total', sum(counts.values()))} jobs in all "
            f"(target <= {TARGET_S:.0f} s: {'met' if seconds <= TARGET_S else 'missed'})"
        )
        if profile:
            stats = pstats.Stats(str(profile))
            stats.sort_stats("cumulative").print_stats(r"common\.smk|registry\.py|Snakefile", 15)
            stats.sort_stats("tottime").print_stats(15)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "dag_scale.csv"
    new = not path.exists()
    with open(path, "a", newline="") as f:
        writer = csv.writer(f)
        if new:
            writer.writerow(
                [
                    "models",
                    "games",
                    "play_jobs",
                    "jobs",
                    "seconds",
                    "cpu_seconds",
                    "cpus",
                    "profiled",
                    "snakefile",
                ]
            )
        writer.writerow(
            [
                args.models,
                args.games,
                play_jobs,
                counts.get("total", ""),
                f"{seconds:.2f}",
                f"{cpu:.2f}",
                os.cpu_count(),
                args.profile,
                args.snakefile,
            ]
        )


if __name__ == "__main__":
    main()
