"""The paper's transfer section: every number from results/analysis/dilemma/transfer.csv (the
dilemma_summary rule's per-scenario rows), its verdict worded from the numbers; where the grid
plays no dilemma (the .test grid), a switch that makes the section one generated sentence."""

from __future__ import annotations

from typing import Any

import pandas as pd

from clemgrid.analysis import latex
from clemgrid.analysis.dilemma import Counts, summarize
from clemgrid.analysis.transfer_report import bootstrap_improvement, split_rates

ROLES = ("base", "finetuned", "teacher")


def _table(frame: pd.DataFrame) -> dict[tuple[str, str], dict[str, Counts]]:
    return {
        (r["split"], r["scenario"]): {
            role: Counts(int(r[f"C_{role}"]), int(r[f"n_{role}"]) - int(r[f"C_{role}"]))
            for role in ROLES
        }
        for _, r in frame.iterrows()
    }


def _ci(low: float | None, high: float | None) -> str:
    return f"[{latex.number(low, 1)}, {latex.number(high, 1)}]"


def verdict(low: float | None, high: float | None) -> str:
    """How the student moved, from the bootstrap interval of its mean improvement."""
    if low is None or high is None:
        return "cannot be placed: no resample had a defined improvement"
    if low > 0:
        return "moved toward the teacher's C-rates"
    if high < 0:
        return "moved away from the teacher's C-rates"
    return "did not move measurably toward or away from the teacher's C-rates"


def transfer_macros(macros: Any, frame: pd.DataFrame | None, bootstrap: dict) -> None:
    """Macros of the first student's first split with teacher counts (the published teacher
    counts are in-sample only); `frame` None or empty where the grid has no transfer play."""
    have = frame is not None and len(frame) > 0 and "split" in frame
    macros.flag("TransferHave", have, "a LoRA student, its base and teacher played the dilemma?")
    teacher = str(frame["teacher"].iloc[0]) if have and frame is not None else ""
    # defined in both cases: TeX skipping the false branch must know the nested \if
    macros.flag("TransferTeacherSynthetic", "synthetic" in teacher, "a teacher_rates teacher?")
    if not have:
        macros.text(
            "TransferNone",
            "This run's grid plays no dilemma with a fine-tuned student, so the transfer "
            "analysis has nothing to report.",
        )
        return
    assert frame is not None
    student = frame["student"].iloc[0]
    frame = frame[frame["student"] == student]
    split = frame["split"].iloc[0]
    frame = frame[frame["split"] == split]
    table = _table(frame)
    summary = summarize(
        [
            {
                "split": split,
                "scenario": s,
                "improvement": None if pd.isna(i) else float(i),
                "flag": f if isinstance(f, str) else "",
            }
            for s, i, f in zip(frame["scenario"], frame["improvement"], frame["flag"], strict=True)
        ]
    )[0]
    boot = bootstrap_improvement(table, bootstrap["resamples"], bootstrap["seed"])[split]
    rates = {r["role"]: r for r in split_rates(table)}
    macros.text("TransferStudent", student)
    macros.text("TransferBase", frame["base"].iloc[0])
    macros.text("TransferTeacher", teacher)
    macros.text("TransferSplit", split.replace("_", " "))
    macros.integer("TransferScenarios", len(frame))
    macros.integer("TransferSamples", int(frame["n_finetuned"].min()), "answers per scenario")
    macros.integer("TransferTeacherN", int(frame["n_teacher"].min()), "teacher answers")
    for role, stem in zip(ROLES, ("Base", "Student", "Teacher"), strict=True):
        r = rates[role]
        macros.number(f"TransferRate{stem}", 100 * r["rate"], digits=1, note="C-rate %")
        macros.add(f"TransferRate{stem}CI", _ci(100 * r["low"], 100 * r["high"]), "Wilson 95 %")
    macros.number("TransferMean", summary["mean"], digits=1, note="improvement %")
    macros.number("TransferMedian", summary["median"], digits=1)
    mean_ci, median_ci = boot["mean_ci"] or (None, None), boot["median_ci"] or (None, None)
    macros.add("TransferMeanCI", _ci(*mean_ci), "bootstrap percentile 95 %")
    macros.add("TransferMedianCI", _ci(*median_ci), "bootstrap percentile 95 %")
    macros.integer("TransferResamples", bootstrap["resamples"])
    macros.integer("TransferFlagged", len(summary["flagged"]))
    macros.text("TransferFlaggedNames", ", ".join(summary["flagged"]) or "none")
    macros.text("TransferVerdict", verdict(*mean_ci))
