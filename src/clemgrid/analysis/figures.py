"""The paper's figures (2-6) from a score matrix and a joined clemscore frame.

Builders return a :class:`matplotlib.figure.Figure` made without pyplot (no global state, no
interactive backend: the Agg canvas renders it); :func:`save_figure` writes PDF and PNG.

- :func:`profile_figure`: Figures 2 and 4, per-game %played and quality bars per model;
- :func:`size_figure`: Figure 3, clemscore vs. parameters with the OLS fit and its band;
- :func:`bracket_figure`: Figure 5, clemscore of every model within its size bracket;
- :func:`dynamics_figure`: Figure 6, %played and quality of models sorted by size, then score;
- :func:`smooth_figure`: clemscore vs. parameters with the GAM and GAMM curves of seed 003;
- :func:`tsne_figure`: the t-SNE map of the per-game score profiles;
- :func:`interval_figure`: clemscores of our runs with their bootstrap intervals.

Every band and interval is at the level of :data:`settings.LEVEL`, which the labels print.

A ``label`` column in a frame, where present, names its configs in the figure (our runs use
it to mark synthetic players); otherwise the label is the model with its route.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from clemgrid.analysis import settings
from clemgrid.analysis.published import GAMES

# Colours that stay apart in greyscale (dark blue against light orange; a light-to-dark ramp for
# the brackets): tests/analysis/test_figure_readability.py checks their contrast.
PLAYED = "#0b3c72"  # dark blue: %played
QUALITY = "#f0a830"  # light orange: quality (Figures 2, 4)
QUALITY_LINE = QUALITY  # quality as a line (Figure 6)
BRACKET_COLOURS = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]
FONT = 8  # points at drawn size: tick labels, legends, titles of small panels
KEYS = ["model", "backend", "quant", "source"]
DPI = 150


def save_figure(figure: Figure, stem: str | Path) -> tuple[Path, Path]:
    """Write ``stem``.pdf and ``stem``.png (dpi 150); return both paths. No creation date goes
    into the files, so the same figure gives the same bytes."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = stem.with_suffix(".pdf"), stem.with_suffix(".png")
    metadata = {".pdf": {"CreationDate": None}, ".png": {}}
    for path in paths:
        figure.savefig(path, dpi=DPI, bbox_inches="tight", metadata=metadata[path.suffix])
    return paths


def _label(row: pd.Series) -> str:
    if isinstance(row.get("label"), str):
        return row["label"]
    extra = [v for v in (row["backend"], row["quant"]) if v not in ("huggingface-local", "none")]
    return row["model"] + (f" ({', '.join(extra)})" if extra else "")


def _game_values(matrix: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """%played and quality per config × (game + "all"); quality 0 where nothing was played."""
    long = matrix.merge(scores[KEYS], on=KEYS, how="inner")[
        [*KEYS, "game", "pct_played", "quality"]
    ]
    overall = scores[KEYS].assign(
        game="all", pct_played=scores["avg_pct_played"], quality=scores["avg_quality"]
    )
    values = pd.concat([overall, long], ignore_index=True)
    return values.assign(quality=values["quality"].fillna(0.0))


def profile_figure(
    matrix: pd.DataFrame,
    scores: pd.DataFrame,
    ncols: int = 3,
    games: Sequence[str] = GAMES,
    panel: tuple[float, float] = (4.2, 2.6),
) -> Figure:
    """One panel per row of ``scores`` (in its order): bars per game and overall.

    ``games`` are the games shown after the average (default: clembench v1.6's seven);
    ``panel`` is the size of one panel in inches.
    """
    values = _game_values(matrix, scores).set_index([*KEYS, "game"])
    games = ["all", *games]
    ncols = max(1, min(ncols, len(scores)))
    nrows = -(-len(scores) // ncols)
    figure = Figure(figsize=(panel[0] * ncols, panel[1] * nrows + 0.6), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False, sharey=True)
    x = np.arange(len(games))
    for ax, (_, row) in zip(axes.flat, scores.iterrows(), strict=False):
        config = tuple(row[KEYS])
        found = [g for g in games if (*config, g) in values.index]
        played = [values.loc[(*config, g), "pct_played"] if g in found else np.nan for g in games]
        quality = [values.loc[(*config, g), "quality"] if g in found else np.nan for g in games]
        ax.bar(x - 0.2, played, 0.4, color=PLAYED)
        ax.bar(x + 0.2, quality, 0.4, color=QUALITY)
        ax.axhline(100, color="0.8", linewidth=0.8, zorder=0)
        # the route on a line of its own keeps titles within narrow panels
        title = _label(row).replace(" (", "\n(").replace(" [", "\n[")
        ax.set_title(f"{title}\nclemscore {row['clemscore']:.2f}", fontsize=FONT)
        # vertical labels: slanted ones' boxes overlap and long names run into the neighbours
        ax.set_xticks(
            x, [g.replace("wordle_with", "wordle+") for g in games], rotation=90, fontsize=FONT
        )
        ax.set_ylim(0, 105)
        ax.tick_params(axis="y", labelsize=FONT)
    for ax in axes.flat[len(scores) :]:
        ax.set_visible(False)
    figure.legend(
        handles=[Patch(color=PLAYED, label="% played"), Patch(color=QUALITY, label="quality")],
        loc="outside upper center",
        ncols=2,
        fontsize=FONT,
    )
    return figure


def profile_parts(matrix: pd.DataFrame, scores: pd.DataFrame, parts: int = 3) -> list[Figure]:
    """Every row of ``scores`` in :func:`profile_figure` panels, split evenly over ``parts``
    figures of three columns; each part is printed a page high (0.88 of the text height), and
    panels 1.75 in high keep its text at 7 pt or more there."""
    size = -(-len(scores) // parts)
    return [
        profile_figure(matrix, scores.iloc[i * size : (i + 1) * size], ncols=3, panel=(2.3, 1.75))
        for i in range(parts)
    ]


def size_figure(frame: pd.DataFrame, fit_frame: pd.DataFrame | None = None) -> Figure:
    """Clemscore vs. parameters (log axis), open vs. closed marked, OLS fit with its band.

    The line is ``clemscore ~ log10(params_b)`` fitted on ``fit_frame`` (default: ``frame``),
    drawn over that frame's size range; a separate ``fit_frame``'s models are ringed.
    """
    subset = fit_frame is not None
    fit_frame = frame if fit_frame is None else fit_frame
    fit = smf.ols("clemscore ~ np.log10(params_b)", fit_frame).fit()
    low, high = np.log10(fit_frame["params_b"].agg(["min", "max"]))
    grid = pd.DataFrame({"params_b": np.logspace(low, high, 100)})
    band = fit.get_prediction(grid).summary_frame(alpha=settings.interval_alpha())
    figure = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = figure.subplots()
    ax.fill_between(
        grid["params_b"],
        band["mean_ci_lower"],
        band["mean_ci_upper"],
        color="0.85",
        label=f"{settings.percent()} % CI",
    )
    ax.plot(
        grid["params_b"],
        band["mean"],
        color="0.3",
        label=f"OLS fit (n = {int(fit.nobs)}, R² = {fit.rsquared:.2f})",
    )
    for is_open, marker, colour, name in (
        (True, "o", PLAYED, "open weights"),
        (False, "s", QUALITY_LINE, "closed"),
    ):
        part = frame[frame["open_weights"] == is_open]
        ax.scatter(
            part["params_b"],
            part["clemscore"],
            marker=marker,
            color=colour,
            s=28,
            label=name,
            zorder=3,
        )
    if subset:
        ax.scatter(
            fit_frame["params_b"],
            fit_frame["clemscore"],
            s=90,
            facecolors="none",
            edgecolors="0.2",
            linewidths=0.8,
            label="in OLS fit",
            zorder=4,
        )
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.set_xlabel("parameters (billions, log scale)")
    ax.set_ylabel("clemscore")
    ax.legend(fontsize=FONT + 1, loc="upper left")  # drawn at 6.4 in, printed at about 5
    return figure


def bracket_figure(frame: pd.DataFrame) -> Figure:
    """Horizontal bars of clemscore per model, grouped by size bracket (``bracket`` column)."""
    ordered = frame.sort_values(["bracket", "clemscore"], kind="stable").reset_index(drop=True)
    brackets = list(ordered["bracket"].cat.categories)
    colours = ordered["bracket"].cat.codes.map(lambda i: BRACKET_COLOURS[i % len(BRACKET_COLOURS)])
    # drawn near its printed width (0.8 of the text width); 9 pt labels print at 7 pt or more
    figure = Figure(figsize=(5.1, 0.2 * len(ordered) + 1.2), layout="constrained")
    ax = figure.subplots()
    y = np.arange(len(ordered))
    ax.barh(y, ordered["clemscore"], color=colours)
    ax.set_yticks(y, [_label(r) for _, r in ordered.iterrows()], fontsize=FONT + 1)
    for _, part in ordered.groupby("bracket", observed=True):
        ax.vlines(
            part["clemscore"].mean(),
            part.index.min() - 0.4,
            part.index.max() + 0.4,
            color="0.2",
            linewidth=1,
        )
        ax.axhline(part.index.max() + 0.5, color="0.7", linewidth=0.6)
    ax.set_ylim(-0.6, len(ordered) - 0.4)
    ax.set_xlabel("clemscore")
    handles: list[Artist] = [
        Patch(color=BRACKET_COLOURS[i], label=b) for i, b in enumerate(brackets)
    ]
    handles.append(Line2D([], [], color="0.2", label="bracket mean"))
    ax.legend(handles=handles, fontsize=FONT + 1, loc="lower right")
    ax.tick_params(axis="x", labelsize=FONT + 1)
    return figure


def dynamics_figure(
    matrix: pd.DataFrame, frame: pd.DataFrame, width: float = 9.0, panel_height: float = 1.45
) -> Figure:
    """%played and quality per model, models sorted by size then clemscore; one panel per game
    (``panel_height`` inches each, the figure ``width`` inches wide)."""
    ordered = frame.sort_values(["params_b", "clemscore"], kind="stable").reset_index(drop=True)
    values = _game_values(matrix, ordered).set_index([*KEYS, "game"])
    games = ["all", *GAMES]
    figure = Figure(figsize=(width, panel_height * len(games) + 2.4), layout="constrained")
    axes = figure.subplots(len(games), 1, sharex=True)
    x = np.arange(len(ordered))
    configs = [tuple(r) for r in ordered[KEYS].itertuples(index=False)]
    for ax, game in zip(axes, games, strict=True):
        part = values.reindex([(*c, game) for c in configs])
        ax.plot(x, part["pct_played"].to_numpy(), color=PLAYED, marker=".", linewidth=1)
        ax.plot(x, part["quality"].to_numpy(), color=QUALITY_LINE, marker=".", linewidth=1)
        ax.set_ylim(-5, 105)
        ax.set_ylabel(game.replace("wordle_with", "wordle+"), fontsize=FONT)
        ax.tick_params(axis="y", labelsize=FONT)
        ax.grid(axis="y", color="0.9")
    axes[-1].set_xticks(
        x,
        [f"{_label(r)} ({r['params_b']:g}B)" for _, r in ordered.iterrows()],
        rotation=90,
        fontsize=FONT,
    )
    figure.legend(
        handles=[
            Line2D([], [], color=PLAYED, label="% played"),
            Line2D([], [], color=QUALITY_LINE, label="quality"),
        ],
        loc="outside upper center",
        ncols=2,
        fontsize=8,
    )
    return figure


def smooth_figure(
    frame: pd.DataFrame, gam_curve: pd.DataFrame, gamm_curve: pd.DataFrame | None = None
) -> Figure:
    """Clemscore vs. parameters (log axis) with the GAM fit and its band, and the GAMM's
    fixed-effect curve where given (curves as :func:`size_statistics.gam` and
    ``mixed_spline`` make them)."""
    figure = Figure(figsize=(4.5, 3.3), layout="constrained")  # printed 0.7 of the text width
    ax = figure.subplots()
    ax.fill_between(gam_curve["params_b"], gam_curve["ci_low"], gam_curve["ci_high"], color="0.88")
    ax.plot(
        gam_curve["params_b"],
        gam_curve["fit"],
        color="0.25",
        label=f"GAM ({settings.percent()} % CI)",
    )
    if gamm_curve is not None:
        ax.plot(
            gamm_curve["params_b"],
            gamm_curve["fit"],
            color=QUALITY_LINE,
            linestyle="--",
            label="GAMM, family intercept at 0",
        )
    colours = [BRACKET_COLOURS[i % len(BRACKET_COLOURS)] for i in frame["bracket"].cat.codes]
    ax.scatter(frame["params_b"], frame["clemscore"], color=colours, edgecolors="0.3", s=26)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.set_xlabel("parameters (billions, log scale)")
    ax.set_ylabel("clemscore")
    handles, _ = ax.get_legend_handles_labels()
    handles += [
        Patch(color=BRACKET_COLOURS[i], label=b)
        for i, b in enumerate(frame["bracket"].cat.categories)
    ]
    ax.legend(handles=handles, fontsize=FONT, loc="upper left")
    return figure


TSNE_NAMED = 6
"""Best-scoring models the t-SNE figure names (and the paper's reading of it counts)."""


def tsne_figure(embedding: pd.DataFrame, annotate: int = TSNE_NAMED) -> Figure:
    """The t-SNE map (``x``, ``y``) coloured by size bracket, sized by clemscore; the
    ``annotate`` best-scoring models are named."""
    figure = Figure(figsize=(4.5, 3.5), layout="constrained")  # printed 0.7 of the text width
    ax = figure.subplots()
    brackets = embedding["bracket"].astype("category")
    for i, bracket in enumerate(brackets.cat.categories):
        part = embedding[brackets == bracket]
        ax.scatter(
            part["x"],
            part["y"],
            s=12 + 2.5 * part["clemscore"].fillna(0),
            color=BRACKET_COLOURS[i % len(BRACKET_COLOURS)],
            edgecolors="0.3",
            linewidths=0.5,
            label=str(bracket),
        )
    for _, row in embedding.nlargest(annotate, "clemscore").iterrows():
        ax.annotate(
            _label(row),
            (row["x"], row["y"]),
            fontsize=FONT,
            xytext=(4, 3),
            textcoords="offset points",
        )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("t-SNE 1")
    ax.set_ylabel("t-SNE 2")
    ax.legend(title="size", fontsize=FONT, title_fontsize=FONT, loc="best")
    return figure


def interval_figure(table: pd.DataFrame, width: float = 5.1) -> Figure:
    """Clemscore of each config with its interval (``ci_low``, ``ci_high``), one row per
    config in ``table``'s order; rows whose ``player`` is "synthetic" are drawn hollow. Drawn
    at its printed ``width`` (inches; 0.8 of the paper's text width), labels on two lines
    (model, then the rest), so that its text prints at the size it is set in."""
    figure = Figure(figsize=(width, 0.45 * len(table) + 1.1), layout="constrained")
    ax = figure.subplots()
    y = np.arange(len(table))[::-1]
    synthetic = (table["player"] == "synthetic").to_numpy()
    score = table["clemscore"].to_numpy(dtype=float)
    low, high = table["ci_low"].to_numpy(dtype=float), table["ci_high"].to_numpy(dtype=float)
    ax.errorbar(
        score,
        y,
        xerr=[np.clip(score - low, 0, None), np.clip(high - score, 0, None)],
        fmt="none",
        ecolor="0.3",
        capsize=3,
    )
    ax.scatter(score[~synthetic], y[~synthetic], color=PLAYED, zorder=3, label="language model")
    ax.scatter(
        score[synthetic],
        y[synthetic],
        facecolors="white",
        edgecolors=QUALITY_LINE,
        zorder=3,
        label="synthetic player",
    )
    labels = [_label(r).replace(" / ", "\n", 1) for _, r in table.iterrows()]
    ax.set_yticks(y, labels, fontsize=FONT)
    ax.set_xlim(-2, 102)
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.tick_params(axis="x", labelsize=FONT)
    ax.set_xlabel(f"clemscore (bootstrap {settings.percent()} % CI)", fontsize=FONT + 1)
    ax.grid(axis="x", color="0.9")
    ax.legend(fontsize=FONT, loc="best")
    return figure
