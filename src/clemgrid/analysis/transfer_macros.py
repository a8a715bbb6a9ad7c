"""The paper's transfer section: every number from results/analysis/dilemma/transfer.csv (the
dilemma_summary rule's per-scenario rows with a teacher), transfer_rates.csv (C-counts of every
split and role) and transfer_pgg.csv (public-goods answers), its verdicts worded from the
numbers (transfer_prose); where the grid plays no dilemma (the .test grid), a switch that makes
the section one generated sentence.

Per split (in-sample, out-of-sample contexts, doubled-payoff games) the macros are always all
defined, "--" where a split or role has no answers, so the section's tables never break."""

from __future__ import annotations

from typing import Any

import pandas as pd

from clemgrid.analysis import latex, settings
from clemgrid.analysis.dilemma import MIN_GAP, Counts, summarize
from clemgrid.analysis.dilemma_sensitivity import FACTORS, chi_square, min_attainable_p, pooled
from clemgrid.analysis.macros import camel
from clemgrid.analysis.proportions import two_proportion_z
from clemgrid.analysis.transfer_figures import CHOICE_SPLITS
from clemgrid.analysis.transfer_prose import (
    percent_ci,
    sensitivity_sentence,
    split_sentence,
    test_phrase,
    verdict,
)
from clemgrid.analysis.transfer_report import (
    bootstrap_improvement,
    pgg_stats,
    split_rates,
    two_proportion_min_p,
)

ROLES = ("base", "finetuned", "teacher")


def _table(frame: pd.DataFrame) -> dict[tuple[str, str], dict[str, Counts]]:
    return {
        (r["split"], r["scenario"]): {
            role: Counts(int(r[f"C_{role}"]), int(r[f"n_{role}"]) - int(r[f"C_{role}"]))
            for role in ROLES
        }
        for _, r in frame.iterrows()
    }


def transfer_macros(
    macros: Any,
    frame: pd.DataFrame | None,
    bootstrap: dict,
    rates: pd.DataFrame | None = None,
    pgg: pd.DataFrame | None = None,
) -> None:
    """Macros of the first student: its first split with teacher counts (the published teacher
    counts are in-sample only), then every split, the context/game sensitivity and the
    public-goods answers; `frame` None or empty where the grid has no transfer play."""
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
    rates = _of(rates, student)
    per_split_macros(
        macros, frame, rates_table(rates) if rates is not None else _table(frame), bootstrap
    )
    sensitivity_macros(macros, rates_table(rates) if rates is not None else _table(frame))
    pgg_macros(macros, _of(pgg, student))
    macros.number("TransferMinGap", 100 * MIN_GAP, digits=0, note="flag: teacher-base gap, points")
    split = frame["split"].iloc[0]
    frame = frame[frame["split"] == split]
    table = _table(frame)
    summary = _summary(split, frame)
    boot = bootstrap_improvement(table, bootstrap["resamples"], bootstrap["seed"])[split]
    rates = {r["role"]: r for r in split_rates(table)}
    for name, label in (
        ("Student", student),
        ("Base", frame["base"].iloc[0]),
        ("Teacher", teacher),
    ):
        macros.add(f"Transfer{name}", latex.breakable(label))  # long config labels
    macros.text("TransferSplit", split.replace("_", " "))
    macros.integer("TransferScenarios", len(frame))
    macros.text("TransferScenarioWord", "scenario" if len(frame) == 1 else "scenarios")
    macros.integer("TransferSamples", int(frame["n_finetuned"].min()), "answers per scenario")
    macros.integer("TransferTeacherN", int(frame["n_teacher"].min()), "teacher answers")
    for role, stem in zip(ROLES, ("Base", "Student", "Teacher"), strict=True):
        r = rates[role]
        macros.number(f"TransferRate{stem}", 100 * r["rate"], digits=1, note="C-rate %")
        macros.add(
            f"TransferRate{stem}CI",
            latex.interval(100 * r["low"], 100 * r["high"], 1),
            f"Wilson {settings.percent()} %",
        )
    macros.number("TransferMean", summary["mean"], digits=1, note="improvement %")
    macros.number("TransferMedian", summary["median"], digits=1)
    mean_ci, median_ci = boot["mean_ci"] or (None, None), boot["median_ci"] or (None, None)
    macros.add(
        "TransferMeanCI",
        latex.interval(mean_ci[0], mean_ci[1], 1),
        f"bootstrap percentile {settings.percent()} %",
    )
    macros.add(
        "TransferMedianCI",
        latex.interval(median_ci[0], median_ci[1], 1),
        f"bootstrap percentile {settings.percent()} %",
    )
    macros.integer("TransferResamples", bootstrap["resamples"])
    macros.integer("TransferFlagged", len(summary["flagged"]))
    macros.text("TransferFlaggedNames", ", ".join(summary["flagged"]) or "none")
    macros.text("TransferVerdict", verdict(*mean_ci))


STEMS = {"base": "Base", "finetuned": "Student", "teacher": "Teacher"}


def _of(frame: pd.DataFrame | None, student: str) -> pd.DataFrame | None:
    """One student's rows; None for an absent or header-only file."""
    if frame is None or frame.empty or "student" not in frame:
        return None
    return frame[frame["student"] == student]


def rates_table(rates: pd.DataFrame) -> dict[tuple[str, str], dict[str, Counts]]:
    """{(split, scenario): {role: Counts}} from transfer_rates.csv (c_rates rows)."""
    table: dict[tuple[str, str], dict[str, Counts]] = {}
    for _, r in rates.iterrows():
        counts = Counts(int(r["n_C"]), int(r["n"]) - int(r["n_C"]))
        table.setdefault((r["split"], r["scenario"]), {})[r["role"]] = counts
    return table


def pooled_test(table: dict, a: str, b: str) -> str:
    """The two-proportion z-test of roles a and b on a split's pooled counts."""
    cells = [roles for roles in table.values() if a in roles and b in roles]
    if not cells:
        return latex.MISSING
    ka, na = sum(c[a].n_C for c in cells), sum(c[a].n for c in cells)
    kb, nb = sum(c[b].n_C for c in cells), sum(c[b].n for c in cells)
    z, p = two_proportion_z(ka, na, kb, nb)
    return test_phrase(z, p, two_proportion_min_p(na, nb))


def scenario_tests(table: dict, a: str, b: str) -> str:
    """'k of m': scenarios whose a and b differ at alpha, of those where the test can reach it."""
    testable = rejected = 0
    for roles in table.values():
        if a not in roles or b not in roles:
            continue
        min_p = two_proportion_min_p(roles[a].n, roles[b].n)
        if min_p is None or not min_p < settings.ALPHA:
            continue
        testable += 1
        rejected += two_proportion_z(roles[a].n_C, roles[a].n, roles[b].n_C, roles[b].n)[1] < (
            settings.ALPHA
        )
    return f"{rejected} of {testable}"


def _mean(values: pd.Series, scale: float = 1.0) -> float | None:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return None if values.empty else scale * float(values.mean())


def per_split_macros(
    macros: Any,
    frame: pd.DataFrame,
    table: dict[tuple[str, str], dict[str, Counts]],
    bootstrap: dict,
) -> None:
    """Transfer<Split>...: C-rates, improvement with bootstrap CIs, bridging, JSD, tests and a
    verdict sentence for each C/D split; "--" where the split or its teacher has no answers."""
    for split in CHOICE_SPLITS:
        stem = "Transfer" + camel(split)
        cells = {k: v for k, v in table.items() if k[0] == split}
        rates = {r["role"]: r for r in split_rates(cells)}
        for role, name in STEMS.items():
            r = rates.get(role)
            value = None if r is None else 100 * r["rate"]
            ci = None if r is None else (100 * r["low"], 100 * r["high"])
            macros.add(
                f"{stem}Rate{name}", percent_ci(value, ci), f"C-rate, Wilson {settings.percent()} %"
            )
        macros.integer(f"{stem}Scenarios", len(cells))
        rows = frame[frame["split"] == split]
        taught = {k: v for k, v in cells.items() if "teacher" in v}
        have = len(rows) > 0 and bool(taught)
        summary = _summary(split, rows) if have else {}
        boot = (
            bootstrap_improvement(taught, bootstrap["resamples"], bootstrap["seed"]).get(split, {})
            if have
            else {}
        )
        for key, label in (("mean", "Mean"), ("median", "Median")):
            macros.add(
                f"{stem}{label}",
                percent_ci(summary.get(key), boot.get(f"{key}_ci")),
                f"improvement %, bootstrap percentile 95 % ({bootstrap['resamples']})",
            )
        unflagged = summary.get("mean_unflagged")
        macros.add(f"{stem}MeanUnflagged", percent_ci(unflagged, None))
        macros.add(
            f"{stem}Flagged", latex.integer(len(summary["flagged"])) if have else latex.MISSING
        )
        macros.add(
            f"{stem}Bridging", percent_ci(_mean(rows.get("bridging", pd.Series()), 100), None)
        )
        for column, name in (("jsd_base_teacher", "Base"), ("jsd_finetuned_teacher", "Student")):
            macros.number(f"{stem}Jsd{name}", _mean(rows.get(column, pd.Series())), digits=3)
        moved = pooled_test(cells, "finetuned", "base")
        macros.add(f"{stem}MovedTest", moved, "pooled two-proportion z-test, student vs base")
        macros.add(f"{stem}TeacherTest", pooled_test(cells, "finetuned", "teacher"))
        macros.add(f"{stem}MovedScenarios", scenario_tests(cells, "finetuned", "base"))
        macros.add(f"{stem}TeacherScenarios", scenario_tests(cells, "finetuned", "teacher"))
        ci = boot.get("mean_ci")
        macros.add(
            f"{stem}Sentence",
            split_sentence(split, len(cells), summary.get("mean"), ci, moved, have),
            "worded from the data (transfer_prose)",
        )


def _summary(split: str, rows: pd.DataFrame) -> dict[str, Any]:
    return summarize(
        [
            {
                "split": split,
                "scenario": s,
                "improvement": None if pd.isna(i) else float(i),
                "flag": f if isinstance(f, str) else "",
            }
            for s, i, f in zip(rows["scenario"], rows["improvement"], rows["flag"], strict=True)
        ]
    )[0]


def _sensitivity_cell(counts: dict[str, tuple[int, int]], factor: str) -> tuple[str, bool | None]:
    """A chi-square of C/D by the factor's levels, as text, and whether it rejects at alpha
    (None where it cannot: one level, one choice only, or a smallest attainable p >= alpha)."""
    table = pooled(counts, factor)
    min_p = min_attainable_p([sum(v) for v in table.values()])
    result = chi_square(list(table.values()))
    if min_p is None:
        return "no test (one level only)", None
    if not min_p < settings.ALPHA:
        return f"not testable at this $n$ (smallest attainable {latex.p_relation(min_p)})", None
    if result is None:
        return "no test (one choice only)", None
    stat, p, dof = result
    return f"$\\chi^2({dof}) = {stat:.2f}$, {latex.p_relation(p)}", p < settings.ALPHA


def sensitivity_macros(macros: Any, table: dict[tuple[str, str], dict[str, Counts]]) -> None:
    """TransferSens<Role><Factor>: does a role's in-sample C-rate depend on the context, on the
    game (the original paper's Fig. 2 question), with a sentence over the roles."""
    depends: dict[str, dict[str, bool | None]] = {}
    names = {"base": "base", "finetuned": "student", "teacher": "teacher"}
    for role, stem in STEMS.items():
        counts = {
            scenario: (roles[role].n_C, roles[role].n_D)
            for (split, scenario), roles in table.items()
            if split == "in_sample" and role in roles
        }
        for factor in FACTORS:
            text, rejects = _sensitivity_cell(counts, factor) if counts else (latex.MISSING, None)
            macros.add(f"TransferSens{stem}{camel(factor)}", text, f"in-sample, {role}")
            if counts:
                depends.setdefault(names[role], {})[factor] = rejects
    macros.add("TransferSensitivitySentence", sensitivity_sentence(depends))


def pgg_macros(macros: Any, pgg: pd.DataFrame | None) -> None:
    """TransferPgg<Role>: mean amount given (of 10) with its standard error and n."""
    rows = [] if pgg is None else pgg.to_dict("records")
    for role, stem in STEMS.items():
        s = pgg_stats(rows, role)
        text = latex.MISSING
        if s["n"]:
            text = f"{latex.number(s['mean'], 1)} (SE {latex.number(s['se'], 1)}, $n = {s['n']}$)"
        macros.add(f"TransferPgg{stem}", text, "public-goods amount given, of 10")
