"""Seed 004's Fig. 2 question for each played config: does its C-rate depend on the context
(the scenario's story: IR, biz, athletes, ...) and on the game (prison, snowdrift, ...)?

A scenario id is `<context>_<game>` (ood_game's variants keep their suffix in the game). Per
config and factor, C and D are pooled per level and tested for independence with Pearson's
chi-square (2 x k, no continuity correction). Beside p stands the smallest p attainable with
those levels' n: chi-square is convex in the table, so over tables of fixed level sizes its
maximum lies at a vertex, where every level is all C or all D, and there chi-square = N.
A p that cannot get below 0.05 at its n says the grid cannot show the dependence, not that there
is none.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scipy.stats import chi2, chi2_contingency

FACTORS = ("context", "game")


def level(scenario: str, factor: str) -> str:
    context, _, game = scenario.partition("_")
    return context if factor == "context" else (game or context)


def pooled(counts: Mapping[str, tuple[int, int]], factor: str) -> dict[str, list[int]]:
    """{level: [n_C, n_D]} over the scenarios' counts {scenario: (n_C, n_D)}."""
    out: dict[str, list[int]] = {}
    for scenario, (c, d) in counts.items():
        cell = out.setdefault(level(scenario, factor), [0, 0])
        cell[0] += c
        cell[1] += d
    return out


def chi_square(table: Sequence[Sequence[int]]) -> tuple[float, float, int] | None:
    """(statistic, p, dof) of a k x 2 table of (C, D); None where it has fewer than two levels
    with answers or no variation in one column (all C or all D: no test)."""
    rows = [list(r) for r in table if sum(r) > 0]
    if len(rows) < 2 or any(sum(col) == 0 for col in zip(*rows, strict=True)):
        return None
    stat, p, dof, _ = chi2_contingency(rows, correction=False)
    return float(stat), float(p), int(dof)


def min_attainable_p(sizes: Sequence[int]) -> float | None:
    """The smallest chi-square p over all k x 2 tables whose levels have these sizes. At every
    vertex (each level all C or all D, both columns used) the association is perfect, so
    chi-square = N (Cramer's V = 1) on k - 1 degrees of freedom."""
    sizes = [n for n in sizes if n > 0]
    if len(sizes) < 2:
        return None
    return float(chi2.sf(sum(sizes), len(sizes) - 1))


def sensitivity_rows(scenario_rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per config and factor: levels, chi-square, p, and the smallest attainable p. Rows are
    dilemma_modes.scenario_rows (n, n_C per config and scenario; all splits together)."""
    by_config: dict[str, dict[str, tuple[int, int]]] = {}
    for r in scenario_rows:
        config = "/".join((r["model"], r["backend"], r["quant"]))
        n, c = int(r["n"]), int(r["n_C"])
        by_config.setdefault(config, {})[r["scenario"]] = (c, n - c)
    out = []
    for config, counts in by_config.items():
        for factor in FACTORS:
            table = pooled(counts, factor)
            result = chi_square(list(table.values()))
            out.append(
                {
                    "config": config,
                    "factor": factor,
                    "levels": len(table),
                    "n": sum(map(sum, table.values())),
                    "chi2": None if result is None else result[0],
                    "dof": None if result is None else result[2],
                    "p": None if result is None else result[1],
                    "min_p": min_attainable_p([sum(v) for v in table.values()]),
                }
            )
    return out


def _p(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return f"{value:.2g}" if value >= 0.001 else "<0.001"


def format_sensitivity(rows: Sequence[Mapping[str, Any]]) -> str:
    """The compact table (<= 100 columns) for summary.txt."""
    lines = [
        "Does the C-rate depend on context / on game? (chi-square of C/D by level, all splits;",
        "min p = the smallest p its levels' n allow)",
        f"{'config':<46} {'factor':<8} {'levels':>6} {'n':>5} {'chi2':>7} {'p':>7} {'min p':>7}",
    ]
    for r in rows:
        chi2 = "n/a" if r["chi2"] is None else f"{r['chi2']:.1f}"
        lines.append(
            f"{r['config'][:46]:<46} {r['factor']:<8} {r['levels']:>6} {r['n']:>5} {chi2:>7} "
            f"{_p(r['p']):>7} {_p(r['min_p']):>7}"
        )
    return "\n".join(lines) + "\n"
