"""Seed 004's transfer as the grid measures it: the LoRA student's C-rates beside its base's and
its teacher's, per scenario, and the paper's improvement per split with bootstrap CIs.

Roles. The student is a played config whose quant is a `lora` source. Its base is the config of
the same model on the quant the adapter was trained on (`lora.from`) that plays the dilemma,
preferably on the student's backend; where only another backend plays it, the table names the
base config it used (a like-for-like base would need that backend's play). The teacher is what
the student was trained on: a synthetic `teacher_rates` teacher's declared counts (the published
70B counts it samples from, labelled synthetic), else a played teacher config's answers.

Improvement is computed on rates here (the roles' n differ: N samples per scenario against the
teacher's 300); on equal n it equals the paper's count formula.

Bootstrap. Two-level and seeded: scenarios are resampled with replacement within a split, and
each role's C-count of a resampled scenario is redrawn binomially at its observed rate and n (the
sampling noise of N answers); the mean and median of the defined improvements give the percentile
95 % interval. Flagged scenarios stay in (the paper's number); the unflagged mean is reported
beside it, and the flagged scenarios are listed (analysis.dilemma).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from clemgrid.analysis import settings
from clemgrid.analysis.dilemma import (
    MIN_GAP,
    Counts,
    counts_from_scores,
    improvement,
    improvement_table,
    read_counts,
    summarize,
)
from clemgrid.analysis.proportions import wilson

Table = dict[tuple[str, str], dict[str, Counts]]


def transfer_roles(plays: Iterable[tuple[Any, str]]) -> list[dict[str, Any]]:
    """Per LoRA student playing the dilemma: its base config and its teacher (data spec).
    `plays` are (PlayConfig, game) pairs; a student without a base that plays is skipped."""
    playing = [cfg for cfg, game in plays if game == "dilemma"]
    keys = {(c.model, c.backend, c.quant) for c in playing}
    out = []
    for cfg in playing:
        lora = cfg.weight_source.get("lora") if isinstance(cfg.weight_source, Mapping) else None
        if not lora:
            continue
        same = (cfg.model, cfg.backend, lora["from"])
        others = sorted(k for k in keys if k[0] == cfg.model and k[2] == lora["from"])
        base = same if same in keys else (others[0] if others else None)
        if base is None:
            continue
        out.append(
            {
                "student": [cfg.model, cfg.backend, cfg.quant],
                "base": list(base),
                "base_same_backend": base == same,
                "teacher": dict(lora["data"]["teacher"]),
            }
        )
    return out


def transfer_plan(
    plays: Iterable[tuple[Any, str]], models: Mapping[str, Any], backends: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """transfer_roles with each teacher's `teacher_rates` source (None for a model teacher) and
    a label that says a synthetic teacher is synthetic."""
    from clemgrid.sources import TEACHER_RATES_KIND
    from clemgrid.transfer.recipes import teacher_config

    roles = transfer_roles(plays)
    for role in roles:
        teacher = teacher_config(role, models, backends)
        source = teacher.weight_source.get(TEACHER_RATES_KIND)
        role["teacher_counts"] = source
        label = "/".join(role["teacher"].values())
        if source:
            label += f" (synthetic: {source['role']} rates of {source['counts']})"
        role["teacher_label"] = label
    return roles


def config_counts(scores: Sequence[dict], config: Sequence[str]) -> dict[tuple[str, str], Counts]:
    rows = [r for r in scores if [r["model"], r["backend"], r["quant"]] == list(config)]
    return {
        (c["split"], c["scenario"]): Counts(c["n_C"], c["n_D"])
        for c in counts_from_scores(rows, role="played")
        if c["n_C"] + c["n_D"] > 0
    }


def transfer_counts(
    scores: Sequence[dict],
    base: Sequence[str],
    student: Sequence[str],
    teacher: Mapping[tuple[str, str], Counts],
) -> Table:
    """{(split, scenario): {base, finetuned[, teacher]}} for the scenarios base and student
    both have; the teacher where it has counts of the scenario (the published counts are
    in-sample only: other splits show base and student with no improvement, never dropped)."""
    b, s = config_counts(scores, base), config_counts(scores, student)
    return {
        key: {"base": b[key], "finetuned": s[key]}
        | ({"teacher": teacher[key]} if key in teacher else {})
        for key in s
        if key in b
    }


def teacher_counts_from_file(path: str, role: str) -> dict[tuple[str, str], Counts]:
    """A synthetic teacher's declared counts (its `teacher_rates` counts file and role)."""
    import csv

    with open(path, newline="", encoding="utf-8-sig") as handle:
        return {
            (r["split"], r["scenario"]): Counts(int(r["n_C"]), int(r["n_D"]))
            for r in csv.DictReader(handle)
            if r["role"] == role
        }


def bootstrap_improvement(
    table: Table, n_boot: int = 2000, seed: int = 0, level: float | None = None
) -> dict[str, dict[str, tuple[float, float] | None]]:
    """Per split: percentile CIs of the mean and median improvement (on counts, the paper's
    formula) over scenarios and samples; None where no resample had a defined improvement."""
    rng = np.random.default_rng(seed)
    by_split: dict[str, list[dict[str, Counts]]] = {}
    for (split, _), roles in table.items():
        by_split.setdefault(split, []).append(roles)
    out: dict[str, dict[str, tuple[float, float] | None]] = {}
    alpha = settings.interval_alpha(level) / 2
    for split, cells in by_split.items():
        means, medians = [], []
        n = np.array([[c[r].n for r in ("base", "finetuned", "teacher")] for c in cells])
        p = np.array([[c[r].rate for r in ("base", "finetuned", "teacher")] for c in cells])
        for _ in range(n_boot):
            pick = rng.integers(0, len(cells), len(cells))
            k = rng.binomial(n[pick], p[pick])
            r = k / n[pick]
            values = [
                v
                for v in (improvement(b, f, t) for b, f, t in r)
                if v is not None and not math.isnan(v)
            ]
            if values:
                means.append(float(np.mean(values)))
                medians.append(float(np.median(values)))
        out[split] = {
            "mean_ci": _interval(means, alpha),
            "median_ci": _interval(medians, alpha),
        }
    return out


def _interval(values: list[float], alpha: float) -> tuple[float, float] | None:
    if not values:
        return None
    low, high = np.quantile(values, [alpha, 1 - alpha])
    return float(low), float(high)


def split_rates(table: Table) -> list[dict[str, Any]]:
    """Per split and role: pooled C-rate with its Wilson interval (settings.LEVEL)."""
    pooled: dict[tuple[str, str], list[int]] = {}
    for (split, _), roles in table.items():
        for role, c in roles.items():
            cell = pooled.setdefault((split, role), [0, 0])
            cell[0] += c.n_C
            cell[1] += c.n
    rows = []
    for (split, role), (k, n) in pooled.items():
        low, high = wilson(k, n)
        rows.append({"split": split, "role": role, "n": n, "rate": k / n, "low": low, "high": high})
    return rows


def two_proportion_min_p(n1: int, n2: int) -> float | None:
    """Smallest p the pooled two-proportion z-test can give with samples of n1 and n2: its z^2
    is the 2 x 2 chi-square, at most N = n1 + n2 (one sample all C, the other all D). Below
    alpha only from N = 4 on; None without answers on both sides."""
    if n1 <= 0 or n2 <= 0:
        return None
    return math.erfc(math.sqrt(n1 + n2) / math.sqrt(2))


def pgg_answers(
    scores: Sequence[dict], configs: Mapping[str, Sequence[str]]
) -> list[dict[str, Any]]:
    """Public-goods answers per role {role: config}: one row per amount given (0-10) with its
    count, and amount None for the answers the strict parse could not read. Roles that did not
    play the game have no rows (a synthetic teacher knows only the in-sample rates)."""
    rows = []
    for role, config in configs.items():
        counts: Counter[int | None] = Counter()
        for r in scores:
            if [r["model"], r["backend"], r["quant"]] != list(config):
                continue
            if r["game"] != "dilemma" or r["experiment"] != "pgg":
                continue
            metrics = r["metrics"]
            value = (json.loads(metrics) if isinstance(metrics, str) else metrics).get(
                "Cooperation"
            )
            amount = None if value is None or math.isnan(value) else round(value / 10)
            counts[amount] += 1
        rows += [
            {"role": role, "amount": a, "count": counts[a]}
            for a in sorted(counts, key=lambda a: (a is None, a or 0))
        ]
    return rows


def pgg_stats(rows: Sequence[dict[str, Any]], role: str) -> dict[str, float | int | None]:
    """A role's public-goods answers: n read, n unread, mean amount and its standard error."""
    mine = [r for r in rows if r["role"] == role]
    read = [(int(r["amount"]), int(r["count"])) for r in mine if _number(r["amount"]) is not None]
    unread = sum(int(r["count"]) for r in mine if _number(r["amount"]) is None)
    n = sum(c for _, c in read)
    if n == 0:
        return {"n": 0, "unread": unread, "mean": None, "se": None}
    mean = sum(a * c for a, c in read) / n
    var = sum(c * (a - mean) ** 2 for a, c in read) / (n - 1) if n > 1 else float("nan")
    return {"n": n, "unread": unread, "mean": mean, "se": math.sqrt(var / n)}


def _number(value: object) -> float | None:
    """A number, or None for a missing or NaN one (a CSV's empty cell)."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _pct(v: float | None) -> str:
    return "n/a" if v is None or math.isnan(v) else f"{100 * v:.0f}"


def _num(v: float | None) -> str:
    return "n/a" if v is None or math.isnan(v) else f"{v:.0f}"


def _ci(ci: tuple[float, float] | None) -> str:
    return "[n/a]" if ci is None else f"[{ci[0]:.0f}, {ci[1]:.0f}]"


def transfer_summary(
    table: Table, roles: Mapping[str, Any], n_boot: int = 2000, seed: int = 0
) -> tuple[list[dict], str]:
    """Per-scenario rows (analysis.dilemma's) and the compact per-split text (<= 100 columns)."""
    taught = {k: v for k, v in table.items() if "teacher" in v}
    untaught = sorted({split for (split, _), v in table.items() if "teacher" not in v})
    rows = improvement_table(taught, MIN_GAP)
    for row in rows:
        # the grid's roles have different n (N samples vs the teacher's 300): rates, not counts
        row["improvement"] = row["improvement_rates"]
        if row["improvement"] is None:
            row["flag"] = "undefined"
    summary = summarize(rows)
    boot = bootstrap_improvement(taught, n_boot, seed)
    n_scenarios = Counter(split for split, _ in table)
    rates = {(r["split"], r["role"]): r for r in split_rates(table)}
    student = "/".join(roles["student"])
    base = "/".join(roles["base"])
    teacher = roles.get("teacher_label") or "/".join(roles["teacher"].values())
    label, _, note = teacher.partition(" (")
    lines = [
        f"Transfer: student {student}",
        f"  base {base}"
        + ("" if roles.get("base_same_backend") else " (the only base config that plays it)"),
        f"  teacher {label}",
        *([f"    ({note}"] if note else []),
        f"  C-rate % [Wilson {settings.percent()} % CI]; improvement % (the paper's formula, on "
        "rates) with bootstrap",
        f"  {settings.percent()} % CIs over scenarios and samples; scn = scenarios in the split",
        f"{'split':<11} {'scn':>3} {'base':>14} {'student':>14} {'teacher':>14} "
        f"{'mean impr [CI]':>19} {'median [CI]':>17}",
    ]

    def cell(split: str, role: str) -> str:
        r = rates.get((split, role))
        return "-" if r is None else f"{_pct(r['rate'])} [{_pct(r['low'])},{_pct(r['high'])}]"

    for s in summary:
        split = s["split"]
        b = boot[split]
        lines.append(
            f"{split:<11} {n_scenarios[split]:>3} {cell(split, 'base'):>14} "
            f"{cell(split, 'finetuned'):>14} {cell(split, 'teacher'):>14} "
            f"{_num(s['mean']) + ' ' + _ci(b['mean_ci']):>19} "
            f"{_num(s['median']) + ' ' + _ci(b['median_ci']):>17}"
        )
    for split in untaught:
        lines.append(
            f"{split:<11} {n_scenarios[split]:>3} {cell(split, 'base'):>14} "
            f"{cell(split, 'finetuned'):>14} {'-':>14} {'no teacher counts':>19}"
        )
    for s in summary:
        if s["flagged"]:
            lines.append(
                f"{s['split']}: {len(s['flagged'])} flagged (teacher-base gap under "
                f"{100 * MIN_GAP:g} points); unflagged mean {_num(s['mean_unflagged'])} %"
            )
            lines.append("  " + ", ".join(s["flagged"]))
    return rows, "\n".join(lines) + "\n"


__all__ = [
    "bootstrap_improvement",
    "config_counts",
    "pgg_answers",
    "pgg_stats",
    "read_counts",
    "split_rates",
    "teacher_counts_from_file",
    "transfer_counts",
    "transfer_plan",
    "transfer_roles",
    "transfer_summary",
    "two_proportion_min_p",
]
