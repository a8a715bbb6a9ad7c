"""Where the wall time of one `snakemake` run went, by rule, from the run's own log.

    .venv/bin/python benchmarks/run_breakdown.py [.snakemake/log/<run>.snakemake.log]

Snakemake stamps every job start (`rule NAME:` / `localrule NAME:` with its `jobid`) and end
(`Finished jobid: N`) with the time to the second. Per rule: jobs, the summed job time (CPU
slots are shared, so sums exceed the wall time when jobs overlap) and the share of the summed
time. The default log is the newest under `.snakemake/log/`.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path

STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
START = re.compile(r"^(?:local)?rule (\w+):$")
JOBID = re.compile(r"^\s+jobid: (\d+)$")
END = re.compile(r"^Finished jobid: (\d+)")


def parse(log: Path) -> tuple[dict[str, list[float]], float]:
    """Durations (s) of finished jobs by rule, and the run's wall time from first to last stamp."""
    started: dict[str, tuple[str, datetime]] = {}
    durations: dict[str, list[float]] = defaultdict(list)
    stamps: list[datetime] = []
    rule = None
    for line in log.read_text(errors="replace").splitlines():
        if m := STAMP.match(line):
            stamps.append(datetime.strptime(" ".join(m[1].split()), "%a %b %d %H:%M:%S %Y"))
        elif m := START.match(line):
            rule = m[1]
        elif (m := JOBID.match(line)) and rule:
            started[m[1]] = (rule, stamps[-1])
            rule = None
        elif (m := END.match(line)) and m[1] in started:
            name, begin = started.pop(m[1])
            durations[name].append((stamps[-1] - begin).total_seconds())
    wall = (stamps[-1] - stamps[0]).total_seconds() if stamps else 0.0
    return durations, wall


def table(durations: dict[str, list[float]], wall: float) -> str:
    total = sum(sum(d) for d in durations.values()) or 1.0
    lines = [
        f"wall time {wall / 60:.1f} min; summed job time {total / 60:.1f} min",
        "",
        "| rule | jobs | summed job s | share | longest job s |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, times in sorted(durations.items(), key=lambda kv: -sum(kv[1])):
        lines.append(
            f"| {name} | {len(times)} | {sum(times):.0f} | {100 * sum(times) / total:.1f} % "
            f"| {max(times):.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", nargs="?", type=Path, help="a .snakemake/log/*.snakemake.log")
    args = parser.parse_args()
    log = args.log or max(Path(".snakemake/log").glob("*.snakemake.log"), key=lambda p: p.name)
    print(f"{log}\n")
    print(table(*parse(log)))


if __name__ == "__main__":
    main()
