"""The Snakemake DAG end to end on the scripted backend, and its rerun semantics."""

import re
import subprocess
import sys

import pandas as pd
import pytest
from support import ROOT, edit_yaml

pytestmark = pytest.mark.slow


def snakemake(workdir, *args):
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--cores", "2", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout + run.stderr


# The score table: play, score and aggregate jobs (the analysis and the paper are tested in
# tests/paper on the same grid).
TARGET = "results/scores/clemscore.md"


def planned_jobs(workdir) -> set[tuple[str, ...]]:
    """(rule, wildcard values…) of every job a dry run of TARGET would run."""
    out = snakemake(workdir, "--dry-run", TARGET)
    jobs = set()
    for block in re.split(r"\n(?=\s*(?:local)?rule \w+:)", out):
        head = re.match(r"(?:local)?rule (\w+):", block.strip())
        if not head:
            continue
        wildcards = re.search(r"wildcards: (.*)", block)
        values = (
            tuple(v.split("=", 1)[1] for v in wildcards.group(1).split(", ")) if wildcards else ()
        )
        if head.group(1) != "all":  # the target rule itself runs no code
            jobs.add((head.group(1), *values))
    return jobs


@pytest.fixture
def finished(workdir):
    snakemake(workdir, TARGET)
    return workdir


def test_end_to_end_scores(finished):
    scores = pd.read_parquet(finished / "results/scores/clemscore.parquet").set_index("model")
    assert scores.loc[
        "scripted-perfect", ["avg_pct_played", "avg_quality", "clemscore"]
    ].tolist() == [100, 100, 100]
    assert scores.loc[
        "scripted-never-right", ["avg_pct_played", "avg_quality", "clemscore"]
    ].tolist() == [100, 0, 0]
    episodes = pd.read_parquet(
        finished / "results/scores/scripted-perfect/scripted/none/taboo.parquet"
    )
    assert len(episodes) == 6  # 3 experiments x per_experiment 2
    assert set(episodes.outcome) == {"success"}
    table = (finished / "results/scores/clemscore.md").read_text()
    assert "| scripted-perfect | scripted | none | 100.00 |" in table
    log = (finished / "logs/play/scripted-perfect/scripted/none/taboo.log").read_text()
    assert "6/6" in log  # the progress bar reached the end


def test_nothing_to_do_after_a_run(finished):
    assert planned_jobs(finished) == set()


def test_editing_one_model_reruns_only_its_jobs(finished):
    edit_yaml(
        finished / "config/models.yaml",
        lambda m: m["scripted-never-right"].update(chat={"end_of_turn": ["<eot>"]}),
    )
    assert planned_jobs(finished) == {
        ("play", "scripted-never-right", "scripted", "none", "taboo"),
        ("score", "scripted-never-right", "scripted", "none", "taboo"),
        ("aggregate",),
    }


def test_editing_facts_replays_nothing(finished):
    edit_yaml(
        finished / "config/models.yaml",
        lambda m: m["scripted-perfect"]["facts"].update(base_model="x"),
    )
    assert planned_jobs(finished) == set()


def test_adding_a_model_runs_only_the_new_one(finished):
    edit_yaml(
        finished / "config/models.yaml",
        lambda m: m.update(
            {
                "scripted-slow": {
                    "facts": {"synthetic": True},
                    "weights": {"none": {"scripted": "rule_breaker"}},
                }
            }
        ),
    )
    edit_yaml(
        finished / "config/config.yaml",
        lambda c: c["grid"].append(
            {"model": "scripted-slow", "backend": "scripted", "quant": "none"}
        ),
    )
    assert planned_jobs(finished) == {
        ("play", "scripted-slow", "scripted", "none", "taboo"),
        ("score", "scripted-slow", "scripted", "none", "taboo"),
        ("aggregate",),
    }


def test_reruns_are_byte_identical(finished, tmp_path_factory):
    other = tmp_path_factory.mktemp("again")
    (other / "config").mkdir()
    for name in ("config.yaml", "models.yaml", "backends.yaml"):
        (other / "config" / name).write_bytes((finished / "config" / name).read_bytes())
    snakemake(other, TARGET)
    for part in ("transcripts", "scores"):
        for path in sorted((finished / "results" / part).rglob("*.parquet")):
            twin = other / path.relative_to(finished)
            assert path.read_bytes() == twin.read_bytes(), path
