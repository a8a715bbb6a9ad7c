"""Sampled vs exact C-rates of played dilemma configs, and the per-split summary table.

Sampled: strict C / (C + D) of a config's samples per scenario, with a Wilson 95 % interval.
Exact: P(C) / (P(C) + P(D)) of the first answer token at the same temperature (the share of C
among answers that are a choice, as the sampled rate is). Agreement of a config = the share of
scenarios whose exact value lies in the sampled interval (about 95 % if both measure the same
thing) and the mean absolute difference. A split's C-rate pools its scenarios' counts; its
Wilson interval treats the answers as independent, so it is the sampling error only, not the
spread between scenarios.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from clemgrid.analysis.dilemma import counts_from_scores
from clemgrid.analysis.proportions import wilson

CONFIG = ("model", "backend", "quant")


def _config(row: dict) -> tuple[str, str, str]:
    return (row["model"], row["backend"], row["quant"])


def scenario_rows(scores: Iterable[dict], exact: Iterable[dict] = ()) -> list[dict]:
    """Per config and two-player scenario: sampled counts, rate and CI, exact P(C) if known."""
    by_config: dict[tuple[str, str, str], list[dict]] = {}
    for row in scores:
        by_config.setdefault(_config(row), []).append(row)
    exact_by = {(*_config(e), e["experiment"], e["instance_id"]): e for e in exact}
    rows = []
    for config in sorted(by_config):
        for c in counts_from_scores(by_config[config], role="played"):
            n = c["n_C"] + c["n_D"]
            low, high = wilson(c["n_C"], n)
            e = exact_by.get((*config, c["split"], c["scenario"]))
            p_exact = None
            if e is not None and e["p_C"] + e["p_D"] > 0:
                p_exact = e["p_C"] / (e["p_C"] + e["p_D"])
            rows.append(
                dict(zip(CONFIG, config, strict=True))
                | {"split": c["split"], "scenario": c["scenario"], "n": n, "n_C": c["n_C"]}
                | {"n_aborted": c["n_aborted"], "rate": c["n_C"] / n if n else None}
                | {"low": low, "high": high, "exact": p_exact}
                | {"p_choice": None if e is None else e["p_C"] + e["p_D"]}
            )
    return rows


def agreement(rows: Sequence[dict]) -> dict[tuple[str, str, str], dict]:
    """Per config with exact values: scenarios compared, share inside the CI, mean |diff|."""
    out: dict[tuple[str, str, str], dict] = {}
    for config in sorted({_config(r) for r in rows}):
        pairs = [
            r
            for r in rows
            if _config(r) == config and r["exact"] is not None and r["rate"] is not None
        ]
        if not pairs:
            continue
        inside = sum(r["low"] <= r["exact"] <= r["high"] for r in pairs)
        out[config] = {
            "scenarios": len(pairs),
            "inside": inside / len(pairs),
            "mad": sum(abs(r["rate"] - r["exact"]) for r in pairs) / len(pairs),
        }
    return out


def split_rows(rows: Sequence[dict]) -> list[dict]:
    """Per config and split: pooled counts, C-rate with Wilson CI, mean exact P(C)."""
    cells: dict[tuple, list[dict]] = {}
    for r in rows:
        cells.setdefault((*_config(r), r["split"]), []).append(r)
    out = []
    for key in sorted(cells):
        group = cells[key]
        n, k = sum(r["n"] for r in group), sum(r["n_C"] for r in group)
        exact = [r["exact"] for r in group if r["exact"] is not None]
        low, high = wilson(k, n)
        out.append(
            dict(zip((*CONFIG, "split"), key, strict=True))
            | {"n": n, "rate": k / n if n else None, "low": low, "high": high}
            | {"n_aborted": sum(r["n_aborted"] for r in group)}
            | {"exact": sum(exact) / len(exact) if exact else None}
        )
    return out


def _pct(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{100 * value:.1f}"


def format_summary(rows: Sequence[dict]) -> str:
    """The compact table the summary screen prints (results/analysis/dilemma/summary.txt)."""
    lines = [
        "Dilemma C-rates (strict C / (C+D), %; Wilson 95 % CI of the sampled answers;",
        "exact = mean P(C | C or D) of the first answer token at the same temperature)",
        "",
        f"{'config':<48} {'split':<12} {'n':>6} {'aborted':>7} {'C-rate':>6} "
        f"{'95% CI':>13} {'exact':>6}",
    ]
    for r in split_rows(rows):
        config = "/".join(r[k] for k in CONFIG)
        ci = f"{_pct(r['low'])}-{_pct(r['high'])}" if r["n"] else "–"
        lines.append(
            f"{config:<48} {r['split']:<12} {r['n']:>6} {r['n_aborted']:>7} "
            f"{_pct(r['rate']):>6} {ci:>13} {_pct(r['exact']):>6}"
        )
    agree = agreement(rows)
    if agree:
        lines += ["", "Exact vs sampled, per scenario (the C/D games):"]
        for key, a in agree.items():
            lines.append(
                f"  {'/'.join(key)}: exact inside the sampled CI in "
                f"{100 * a['inside']:.0f} % of {a['scenarios']} scenarios; "
                f"mean |sampled - exact| = {100 * a['mad']:.1f} points"
            )
    return "\n".join(lines) + "\n"


def config_counts(scores: Iterable[dict]) -> list[dict]:
    """Counts rows (analysis.dilemma's format) per played config: the role is the config's
    `model/backend/quant`, so a teacher's or student's counts are read like the published ones."""
    by_config: dict[tuple[str, str, str], list[dict]] = {}
    for row in scores:
        by_config.setdefault(_config(row), []).append(row)
    return [
        row
        for config in sorted(by_config)
        for row in counts_from_scores(by_config[config], role="/".join(config))
    ]
