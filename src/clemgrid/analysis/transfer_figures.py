"""Seed 004's Figs. 2-4 for the grid's transfer: per scenario, the C-rate of base, fine-tuned
student and teacher with Wilson 95 % intervals (left), and the improvement per scenario with
flagged scenarios marked (right). Roles differ by marker shape and grey, so the figure reads in
greyscale; sizes are for the paper's full text width (analysis.readability)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure

ROLES = (
    ("base", "base", "o", "#000000"),
    ("finetuned", "fine-tuned", "s", "#666666"),
    ("teacher", "teacher (synthetic)", "^", "#aaaaaa"),
)


def transfer_figure(rows: Sequence[dict[str, Any]], width: float = 6.3) -> Figure:
    """`rows` are transfer_report.transfer_summary's per-scenario rows."""
    n = len(rows)
    figure = Figure(figsize=(width, max(2.0, 0.32 * n + 1.0)), layout="constrained")
    rates, impr = figure.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    labels = [f"{r['split']}: {r['scenario']}" for r in rows]
    ys = list(range(n))
    for offset, (role, name, marker, colour) in zip((-0.2, 0.0, 0.2), ROLES, strict=True):
        x = [100 * r[f"rate_{role}"] for r in rows]
        low = [100 * (r[f"rate_{role}"] - r[f"rate_{role}_low"]) for r in rows]
        high = [100 * (r[f"rate_{role}_high"] - r[f"rate_{role}"]) for r in rows]
        rates.errorbar(
            x,
            [y + offset for y in ys],
            xerr=[low, high],
            fmt=marker,
            color=colour,
            markeredgecolor="black",
            label=name,
            capsize=2,
        )
    rates.set_yticks(ys, labels, fontsize=8)
    rates.invert_yaxis()
    rates.set_xlim(0, 100)
    rates.set_xlabel("C-rate % (Wilson 95 % CI)", fontsize=8)
    rates.tick_params(labelsize=8)
    rates.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3)
    values = [r["improvement"] for r in rows]
    for y, value, row in zip(ys, values, rows, strict=True):
        if value is None:
            impr.text(0, y, "undefined", fontsize=8, va="center")
            continue
        hatch = "//" if row["flag"] else None
        impr.barh(y, value, color="white" if hatch else "#555555", edgecolor="black", hatch=hatch)
    impr.axvline(0, color="black", linewidth=0.8)
    impr.axvline(100, color="black", linewidth=0.8, linestyle="--")
    impr.set_xlabel("improvement %\n(hatched: flagged)", fontsize=8)
    impr.tick_params(labelsize=8)
    return figure
