"""The quantize rule in the DAG: built weights are planned before the plays that need them, a
changed source rebuilds them and replays those plays, and a grid entry's `games` limits its
plays (and leaves the other cells of the score matrix missing, not zero)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from quant_support import MODEL
from support import edit_yaml
from test_workflow import TARGET, snakemake

from clemgrid.backends.weights import weight_file
from clemgrid.registry import PlayConfig

pytestmark = pytest.mark.slow


def planned(workdir: Path, *targets: str) -> list[tuple[str, ...]]:
    """(rule, wildcard values…) of the jobs a dry run would run, in the order it lists them."""
    out = snakemake(workdir, "--dry-run", *(targets or (TARGET,)))
    jobs = []
    for block in re.split(r"\n(?=\s*(?:local)?rule \w+:)", out):
        head = re.match(r"(?:local)?rule (\w+):", block.strip())
        if not head or head.group(1) == "all":
            continue
        wildcards = re.search(r"wildcards: (.*)", block)
        values = (
            tuple(v.split("=", 1)[1] for v in wildcards.group(1).split(", ")) if wildcards else ()
        )
        jobs.append((head.group(1), *values))
    return jobs


def smol(backend: str, quant: str, *games: str) -> dict:
    entry = {"model": MODEL, "backend": backend, "quant": quant}
    return {**entry, "games": list(games)} if games else entry


@pytest.fixture
def quant_grid(workdir: Path) -> Path:
    """The test grid on taboo and wordle, plus SmolLM2 Q8_0 (built from F16, built from Q4_1)
    on llama.cpp for taboo only."""

    def change(c):
        c["games"] = ["taboo", "wordle"]
        c["grid"].append(smol("llama_cpp", "Q8_0", "taboo"))
        c["instances"] = {"per_experiment": 1}

    edit_yaml(workdir / "config" / "config.yaml", change)
    return workdir


def test_dry_run_builds_weights_before_their_plays(quant_grid) -> None:
    jobs = planned(quant_grid)
    position = {job: i for i, job in enumerate(jobs)}
    f16, q8_0 = ("quantize", MODEL, "F16"), ("quantize", MODEL, "Q8_0")
    play = ("play", MODEL, "llama_cpp", "Q8_0", "taboo")
    assert position[f16] < position[q8_0] < position[play]
    # The entry's `games`: no wordle play for SmolLM2, both games for the scripted players.
    plays = {job[1:] for job in jobs if job[0] == "play"}
    assert plays == {
        (MODEL, "llama_cpp", "Q8_0", "taboo"),
        *(
            (m, "scripted", "none", g)
            for m in ("scripted-perfect", "scripted-never-right")
            for g in ("taboo", "wordle")
        ),
    }
    assert [job for job in jobs if job[0] == "quantize"] == [f16, q8_0]


def test_quant_without_built_source_plans_no_quantize_job(workdir) -> None:
    edit_yaml(
        workdir / "config" / "config.yaml",
        lambda c: c["grid"].append(smol("llama_cpp", "Q4_1")),
    )
    assert not [job for job in planned(workdir) if job[0] == "quantize"]


def test_built_weights_rebuild_and_replay_when_their_source_changes(quant_grid) -> None:
    # Q4_1 from a file of the working directory, so that the test can change it.
    local = quant_grid / "weights" / "Q4_1.gguf"
    local.parent.mkdir()
    models = quant_grid / "config" / "models.yaml"
    entry = yaml.safe_load(models.read_text())[MODEL]
    shutil.copy(weight_file(PlayConfig(MODEL, "llama_cpp", "Q4_1", entry, {})), local)
    edit_yaml(models, lambda m: m[MODEL]["weights"].update(Q4_1={"path": "weights/Q4_1.gguf"}))

    snakemake(quant_grid, TARGET)
    sidecar = (quant_grid / f"results/weights/{MODEL}/Q8_0.json").read_text()
    assert '"label": "Q8_0 from F16 derived from Q4_1"' in sidecar
    assert "llama.cpp quantizer" in (quant_grid / f"logs/quantize/{MODEL}/Q8_0.log").read_text()
    assert planned(quant_grid) == []

    # Missing cells stay missing: SmolLM2 has no wordle row, its clemscore is over taboo only.
    matrix = pd.read_parquet(quant_grid / "results/scores/matrix.parquet")
    smol_rows = matrix[matrix.model == MODEL]
    assert smol_rows.game.tolist() == ["taboo"]
    table = (quant_grid / "results/scores/clemscore.md").read_text()
    # The score table names the quant by its label, and shows the wordle cells as missing.
    label = "Q8_0 from F16 derived from Q4_1"
    assert re.search(rf"\| {MODEL} \| llama_cpp \| {label} \|.*\| – \| – \|\n", table)

    # A newer source file rebuilds both quants and replays the play that uses them.
    local.touch()
    replay = [
        ("quantize", MODEL, "F16"),
        ("quantize", MODEL, "Q8_0"),
        ("play", MODEL, "llama_cpp", "Q8_0", "taboo"),
        ("score", MODEL, "llama_cpp", "Q8_0", "taboo"),
        ("aggregate",),
    ]
    assert planned(quant_grid) == replay
    snakemake(quant_grid, "--touch", TARGET)  # mark it all done again without running it
    assert planned(quant_grid) == []
    # A changed recipe rebuilds that quant only.
    edit_yaml(models, lambda m: m[MODEL]["weights"]["Q8_0"]["quantize"].update(type="Q4_0"))
    assert planned(quant_grid) == replay[1:]
