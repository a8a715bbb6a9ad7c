"""benchmarks/run_breakdown.py reads job times by rule from a Snakemake log."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import run_breakdown  # noqa: E402

LOG = """Building DAG of jobs...
[Sun Dec  6 16:31:10 2026]
localrule play:
    input: a
    jobid: 19
    wildcards: game=taboo

[Sun Dec  6 16:31:10 2026]
rule score:
    jobid: 22

[Sun Dec  6 16:31:15 2026]
Finished jobid: 19 (Rule: play)
1 of 3 steps (33%) done

[Sun Dec  6 16:31:16 2026]
localrule play:
    jobid: 7

[Sun Dec  6 16:31:40 2026]
Finished jobid: 22 (Rule: score)

[Sun Dec  6 16:31:46 2026]
Finished jobid: 7 (Rule: play)
"""


def test_job_times_by_rule_and_wall_time(tmp_path: Path) -> None:
    log = tmp_path / "run.snakemake.log"
    log.write_text(LOG)
    durations, wall = run_breakdown.parse(log)
    assert dict(durations) == {"play": [5.0, 30.0], "score": [30.0]}
    assert wall == 36.0
    text = run_breakdown.table(durations, wall)
    assert "| play | 2 | 35 | 53.8 % | 30 |" in text
    assert text.startswith("wall time 0.6 min; summed job time 1.1 min")
