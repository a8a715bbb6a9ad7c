"""Seed 004's Figs. 2-4 for the grid's transfer: per scenario, the C-rate of base, fine-tuned
student and teacher with Wilson 95 % intervals (left), and the improvement per scenario with
flagged scenarios marked (right). Roles differ by marker shape and grey, so the figure reads in
greyscale; sizes are for the paper's full text width (analysis.readability)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from clemgrid.analysis.transfer_report import pgg_stats
from clemgrid.games.dilemma.scenarios import (
    GAME_TITLES,
    GAMES,
    IN_SAMPLE_CONTEXTS,
    OOS_CONTEXTS,
)

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


# --- the paper's Figs. 2-5 for the grid's transfer (rule transfer_figures) --------------------

CHOICE_SPLITS = ("in_sample", "oos_context", "ood_game")
"""The splits with a C/D choice, in the paper's order; the public-goods game has its own figure."""

SPLIT_TITLES = {
    "in_sample": "in-sample scenarios (trained on)",
    "oos_context": "out-of-sample contexts",
    "ood_game": "doubled-payoff games",
}
FONT = 8.0
"""Every text's size in points: the figures are drawn at the text width, so this is printed."""

FLAG_HATCH = "//"
UNDEFINED_MARKER = "x"


def role_names(teacher: str = "teacher") -> dict[str, str]:
    """Legend names of the roles; `teacher` says whether the teacher is synthetic."""
    return {"base": "base", "finetuned": "fine-tuned", "teacher": teacher}


def scenario_parts(scenario: str) -> tuple[str, str]:
    """(context, game) of `<context>_<game>[_x2]`."""
    context, _, game = scenario.partition("_")
    return context, game or context


def _rank(value: str, order: Sequence[str]) -> tuple[int, str]:
    return (order.index(value), "") if value in order else (len(order), value)


def scenario_order(scenarios: Iterable[str]) -> list[str]:
    """Scenarios grouped by game (the paper's order), contexts in the paper's order inside."""
    contexts = (*IN_SAMPLE_CONTEXTS, *OOS_CONTEXTS)

    def key(scenario: str) -> tuple:
        context, game = scenario_parts(scenario)
        return (_rank(game.split("_x")[0], tuple(GAMES)), game, _rank(context, contexts))

    return sorted(set(scenarios), key=key)


def game_title(game: str) -> str:
    base, _, scale = game.partition("_x")
    return GAME_TITLES.get(base, base) + (f" \N{MULTIPLICATION SIGN}{scale}" if scale else "")


def placeholder(ax: Axes, text: str) -> None:
    """An empty panel that says why it is empty (a missing role or split is never a crash)."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=FONT, transform=ax.transAxes)


def _grouped_axis(ax: Axes, scenarios: Sequence[str]) -> None:
    """Contexts as x tick labels, each game's name above its group, lines between groups."""
    ax.set_xticks(range(len(scenarios)), [scenario_parts(s)[0] for s in scenarios])
    ax.tick_params(axis="x", labelrotation=90, labelsize=FONT)
    ax.tick_params(axis="y", labelsize=FONT)
    ax.set_xlim(-0.6, len(scenarios) - 0.4)
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(scenarios):
        groups.setdefault(scenario_parts(s)[1], []).append(i)
    for members in list(groups.values())[1:]:
        ax.axvline(members[0] - 0.5, color="#999999", linewidth=0.6)
    top = ax.secondary_xaxis("top")
    top.set_xticks(
        [sum(m) / len(m) for m in groups.values()], [game_title(g) for g in groups], fontsize=FONT
    )
    top.tick_params(length=0)


def _handles(styles: Sequence[tuple[str, str, str]]) -> list[Line2D]:
    return [
        Line2D([], [], marker=m, color=c, markeredgecolor="black", linestyle="", label=name)
        for name, m, c in styles
    ]


def rates_figure(
    rates: Sequence[dict[str, Any]], teacher: str = "teacher", width: float = 6.3
) -> Figure:
    """The paper's Fig. 2 question per scenario: C-rate of base, fine-tuned student and teacher
    with Wilson 95 % intervals, one panel per split, scenarios grouped by game so that a
    context or game effect shows as a pattern. `rates` are dilemma.c_rates rows."""
    names = role_names(teacher)
    figure = Figure(figsize=(width, 2.5 * len(CHOICE_SPLITS) + 0.4), layout="constrained")
    axes = figure.subplots(len(CHOICE_SPLITS), 1)
    for ax, split in zip(axes, CHOICE_SPLITS, strict=True):
        rows = [r for r in rates if r["split"] == split]
        title = SPLIT_TITLES[split]
        if not rows:
            placeholder(ax, f"{title}: not played by base and student")
            ax.set_title(title, fontsize=FONT, loc="left")
            continue
        scenarios = scenario_order(r["scenario"] for r in rows)
        missing = []
        for offset, (role, _, marker, colour) in zip((-0.22, 0.0, 0.22), ROLES, strict=True):
            cells = {r["scenario"]: r for r in rows if r["role"] == role}
            if not cells:
                missing.append(names[role])
                continue
            xs = [i + offset for i, s in enumerate(scenarios) if s in cells]
            ys = [100 * cells[s]["rate"] for s in scenarios if s in cells]
            low = [100 * (cells[s]["rate"] - cells[s]["low"]) for s in scenarios if s in cells]
            high = [100 * (cells[s]["high"] - cells[s]["rate"]) for s in scenarios if s in cells]
            ax.errorbar(
                xs, ys, yerr=[low, high], fmt=marker, color=colour, markeredgecolor="black",
                markersize=4, capsize=1.5, elinewidth=0.8,
            )  # fmt: skip
        _grouped_axis(ax, scenarios)
        ax.set_ylim(-3, 103)
        ax.set_ylabel("C-rate %", fontsize=FONT)
        note = f" (no {' or '.join(missing)} answers)" if missing else ""
        ax.set_title(title + note, fontsize=FONT, loc="left")
    styles = [(names[role], marker, colour) for role, _, marker, colour in ROLES]
    figure.legend(
        handles=_handles(styles), loc="outside lower center", ncol=3, fontsize=FONT,
        title="Wilson 95 % intervals", title_fontsize=FONT,
    )  # fmt: skip
    return figure


def improvement_figure(rows: Sequence[dict[str, Any]], width: float = 6.3) -> Figure:
    """The paper's Figs. 3/4: improvement per scenario, one panel per split, with the split's
    mean as a dashed line. Flagged scenarios (teacher and base too close for the ratio) are
    drawn hatched and undefined ones as a cross at 0: marked, never dropped. A split without
    teacher answers gets a panel that says so. `rows` are transfer_summary's rows."""
    heights = [2.3 if any(r["split"] == s for r in rows) else 0.8 for s in CHOICE_SPLITS]
    figure = Figure(figsize=(width, sum(heights) + 0.8), layout="constrained")
    axes = figure.subplots(len(CHOICE_SPLITS), 1, height_ratios=heights)
    for ax, split in zip(axes, CHOICE_SPLITS, strict=True):
        cells = {r["scenario"]: r for r in rows if r["split"] == split}
        ax.set_title(SPLIT_TITLES[split], fontsize=FONT, loc="left")
        if not cells:
            placeholder(ax, "no teacher answers for this split: no improvement to compute")
            continue
        scenarios = scenario_order(cells)
        defined = []
        for i, s in enumerate(scenarios):
            value = _value(cells[s].get("improvement"))
            if value is None:
                ax.plot(i, 0, UNDEFINED_MARKER, color="black", markersize=6)
                continue
            defined.append(value)
            flagged = bool(cells[s].get("flag"))
            _clip_note(ax, i, value)
            ax.bar(
                i, value, width=0.7, color="white" if flagged else "#666666",
                edgecolor="black", linewidth=0.6, hatch=FLAG_HATCH if flagged else None,
            )  # fmt: skip
        ax.axhline(0, color="black", linewidth=0.8)
        ax.axhline(100, color="black", linewidth=0.6, linestyle=":")
        if defined:
            mean = sum(defined) / len(defined)
            ax.axhline(mean, color="black", linewidth=1.0, linestyle="--")
            ax.set_title(f"{SPLIT_TITLES[split]}: mean {mean:.0f} %", fontsize=FONT, loc="left")
        _grouped_axis(ax, scenarios)
        low, high = min([0.0, *defined]), max([100.0, *defined])
        ax.set_ylim(max(low, CLIP[0]) - 15, min(high, CLIP[1]) + 15)
        ax.set_ylabel("improvement %", fontsize=FONT)
    figure.legend(
        handles=[
            Patch(facecolor="#666666", edgecolor="black", label="improvement"),
            Patch(facecolor="white", edgecolor="black", hatch=FLAG_HATCH, label="flagged"),
            Line2D([], [], marker=UNDEFINED_MARKER, color="black", linestyle="",
                   label="undefined (teacher = base)"),
            Line2D([], [], color="black", linestyle="--", label="split mean"),
            Line2D([], [], color="black", linestyle=":", label="100 % = teacher"),
        ],
        loc="outside lower center", ncol=3, fontsize=FONT,
    )  # fmt: skip
    return figure


CLIP = (-200.0, 300.0)
"""The improvement axis' range: the ratio explodes where teacher and base are close, and one
such bar would flatten all others; a bar beyond it is cut and its value written at the cut."""


def _clip_note(ax: Axes, x: int, value: float) -> None:
    if CLIP[0] <= value <= CLIP[1]:
        return
    edge = CLIP[1] if value > CLIP[1] else CLIP[0]
    ax.text(
        x, edge, f"{value:.0f}", rotation=90, fontsize=FONT, ha="center",
        va="top" if value > 0 else "bottom",
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
    )  # fmt: skip


def _value(value: object) -> float | None:
    """A number, or None for a missing or NaN one (transfer.csv leaves undefined ones empty)."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def pgg_figure(
    rows: Sequence[dict[str, Any]], teacher: str = "teacher", width: float = 6.3
) -> Figure:
    """The paper's Fig. 5 as a distribution: the share of each amount (0-10 of 10) given to the
    public good per role, each role's mean and standard error in its legend entry. A role
    without answers is named in the title; none at all gives a placeholder.
    `rows` are transfer_report.pgg_answers rows (amount empty for unread answers)."""
    names = role_names(teacher)
    figure = Figure(figsize=(width, 2.8), layout="constrained")
    ax = figure.subplots()
    ax.set_title("public-goods game: amount given of 10", fontsize=FONT, loc="left")
    stats = {role: pgg_stats(rows, role) for role, *_ in ROLES}
    present = [r for r in ROLES if stats[r[0]]["n"]]
    if not present:
        placeholder(ax, "no role gave a readable public-goods answer")
        return figure
    bar = 0.8 / len(present)
    for i, (role, _, _, colour) in enumerate(present):
        s = stats[role]
        n = int(s["n"] or 0)
        counts: Counter[int] = Counter()
        for r in rows:
            if r["role"] == role and _value(r["amount"]) is not None:
                counts[int(r["amount"])] += int(r["count"])
        xs = [a + (i - (len(present) - 1) / 2) * bar for a in range(11)]
        label = f"{names[role]}: mean {s['mean']:.1f} (SE {_se(s['se'])}), n {s['n']}"
        if s["unread"]:
            label += f", {s['unread']} unread"
        ax.bar(
            xs, [100 * counts[a] / n for a in range(11)], width=bar, color=colour,
            edgecolor="black", linewidth=0.6, label=label,
        )  # fmt: skip
    absent = [names[role] for role, *_ in ROLES if not stats[role]["n"]]
    if absent:
        ax.set_title(
            f"public-goods game: amount given of 10 (no answers: {', '.join(absent)})",
            fontsize=FONT, loc="left",
        )  # fmt: skip
    ax.set_xticks(range(11), [str(a) for a in range(11)])
    ax.tick_params(labelsize=FONT)
    ax.set_xlabel("amount given to the public good", fontsize=FONT)
    ax.set_ylabel("% of readable answers", fontsize=FONT)
    ax.legend(fontsize=FONT, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=1)
    return figure


def _se(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.1f}"


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A CSV's rows as dicts with NaN as None; an absent or header-only file as no rows."""
    if frame is None or frame.empty:
        return []
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def first_student(*frames: pd.DataFrame | None) -> str | None:
    for frame in frames:
        if frame is not None and not frame.empty and "student" in frame:
            return str(frame["student"].iloc[0])
    return None


def paper_figures(
    transfer: pd.DataFrame | None, rates: pd.DataFrame | None, pgg: pd.DataFrame | None
) -> dict[str, Figure]:
    """The three figures of the paper's transfer section, for its first student (as its macros);
    from dilemma_summary's transfer.csv, transfer_rates.csv and transfer_pgg.csv."""
    student = first_student(transfer, rates, pgg)
    tables = [
        [r for r in _records(f) if r.get("student") == student] for f in (transfer, rates, pgg)
    ]
    teacher = next((str(r["teacher"]) for r in tables[0] if r.get("teacher")), "")
    label = "teacher (synthetic)" if "synthetic" in teacher else "teacher"
    return {
        "rates": rates_figure(tables[1], label),
        "improvement": improvement_figure(tables[0]),
        "pgg": pgg_figure(tables[2], label),
    }
