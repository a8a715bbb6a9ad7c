"""The agreement and turn_taking rules on the scripted test grid: without pairs they say so,
with declared pairs and a misconfigured entry they write every report."""

from __future__ import annotations

import pandas as pd
import pytest
from agreement_support import WRONG_EOT
from support import edit_yaml, run_snakemake

pytestmark = pytest.mark.slow

TARGETS = ["results/analysis/agreement/summary.md", "results/analysis/turn_taking/summary.md"]
PERFECT = {"model": "scripted-perfect", "backend": "scripted", "quant": "none"}
NEVER = {**PERFECT, "model": "scripted-never-right"}
WRONG = {**PERFECT, "model": "scripted-perfect-wrong"}


def test_rules_follow_the_grid(workdir) -> None:
    run_snakemake(workdir, *TARGETS)
    analysis = workdir / "results" / "analysis"
    assert "No pairs" in (analysis / "agreement" / "summary.md").read_text()
    assert pd.read_csv(analysis / "agreement" / "summary.csv").empty
    assert "none in this run" in (analysis / "agreement" / "summary.tex").read_text()
    note = (analysis / "turn_taking" / "summary.md").read_text()
    assert f"{WRONG_EOT} (" in note and "not in the grid" in note
    assert f"{{model: {WRONG_EOT}, backend: llama_cpp, quant: Q4_1}}" in note
    assert "not in the grid" in (workdir / "logs" / "turn_taking" / "turn_taking.log").read_text()

    # Declared pairs, and a misconfigured copy of a scripted player next to it.
    edit_yaml(
        workdir / "config" / "models.yaml",
        lambda m: m.update(
            {
                "scripted-perfect-wrong": {
                    "facts": {
                        "synthetic": True,
                        "misconfigured": {"of": "scripted-perfect", "what": "a test"},
                    },
                    "chat": {"end_of_turn": ["<x>"]},
                    "weights": {"none": {"scripted": "perfect"}},
                }
            }
        ),
    )
    edit_yaml(
        workdir / "config" / "config.yaml",
        lambda c: c.update(
            grid=[*c["grid"], WRONG],
            agreement=[{"a": PERFECT, "b": NEVER}, {"a": PERFECT, "b": WRONG}],
        ),
    )
    run_snakemake(workdir, *TARGETS)
    summary = pd.read_csv(analysis / "agreement" / "summary.csv").set_index("pair")
    same = "scripted-perfect.scripted.none--scripted-perfect-wrong.scripted.none"
    other = "scripted-perfect.scripted.none--scripted-never-right.scripted.none"
    assert summary.loc[same, "identical_share"] == 100.0
    assert summary.loc[other, "identical_share"] < 100.0
    for pair in (same, other):
        folder = analysis / "agreement" / "pairs" / pair
        for name in ("games.csv", "summary.csv", "episodes.csv", "turns.parquet"):
            assert (folder / name).is_file()
        assert (workdir / "logs" / "agreement_pair" / f"{pair}.log").is_file()
        assert (workdir / "benchmarks" / "agreement_pair" / f"{pair}.tsv").is_file()
    details = (analysis / "agreement" / "pairs" / other / "differences.md").read_text()
    assert "CLUE:" in details
    turn_taking = pd.read_csv(analysis / "turn_taking" / "summary.csv")
    assert set(turn_taking["game"]) == {"taboo", "all games"}
    assert set(turn_taking["configured_end_of_turn_misconfigured"]) == {"<x>"}
