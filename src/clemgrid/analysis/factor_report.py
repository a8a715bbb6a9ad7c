"""Tables, figures and macros of the factor analyses (:mod:`factor_analyses`, :mod:`factor_maps`).

Every result sentence of the paper's factor section is built here from the numbers: verdicts
("differ" / "do not differ") compare p with :data:`settings.ALPHA` at call time, and the
replication switches say whether the v1.6 score file and results.csv agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from clemgrid.analysis import latex, render, settings
from clemgrid.analysis.factor_analyses import FACTORS, correlation_matrix
from clemgrid.analysis.factor_maps import COLOURINGS
from clemgrid.analysis.latex import (
    _blocks_of,
    _first,
    _integer,
    _number,
    _p,
    _raw,
    escape,
    interval,
    p_value,
)
from clemgrid.analysis.macros import Macros, camel
from clemgrid.analysis.size_statistics import BRACKETS

DATASETS = {"scores": "v1.6 score file", "results": "results.csv"}
SHORT = {"tuning": "Tuning", "family": "Family", "commercial": "Comm.", "multilingual": "Multil."}
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]
GREYS = ["0.0", "0.35", "0.6", "0.85"]
NO_LEVEL = "unknown"  # e.g. the size of an API-only model
ORDERS = {"bracket": [*BRACKETS, NO_LEVEL]}
FONT = 7  # points: the smallest text at print size
CLUSTERED = 0.25
"""Mean silhouette from which a colouring counts as clustered (Kaufman & Rousseeuw: below
0.25 no substantial structure)."""
TRUSTED = 0.9
"""Trustworthiness from which a map counts as keeping most neighbourhoods of the profile space
(1: every model's map neighbours are also its profile neighbours)."""


# --- tables --------------------------------------------------------------------------------------


def tests_table(tests: pd.DataFrame) -> str:
    """Per data set and factor: n, groups, untested models, Kruskal-Wallis, Welch, ANOVA."""
    rows, breaks = _blocks_of(tests.reset_index(drop=True), "dataset")
    columns = [
        _raw("Data", _first(lambda r: escape(DATASETS.get(r.dataset, r.dataset)))),
        _raw("Factor", lambda r: escape(FACTORS.get(r.factor, r.factor))),
        _integer("n", "$n$"),
        _integer("k", "$k$"),
        _integer("n_untested", "Untested"),
        _number("H", "$H$"),
        _p("kw_p", "$p_{\\mathrm{KW}}$"),
        _number("epsilon2", "$\\varepsilon^2$"),
        _p("welch_p", "$p_{\\mathrm{Welch}}$"),
        _p("anova_p", "$p_{\\mathrm{ANOVA}}$"),
        _number("eta2", "$\\eta^2$"),
        _p("bf_p", "$p_{\\mathrm{BF}}$"),
        _p("shapiro_p", "$p_{\\mathrm{SW}}$"),
    ]
    return render.latex(rows, columns, breaks)


def groups_table(groups: pd.DataFrame) -> str:
    """Clemscore per factor level (v1.6 score file): n, mean, SD, median; untested levels say
    so with the smallest p a test could give them."""

    def status(r: Any) -> str:
        if r.tested:
            return "tested"
        return f"too small ($p \\geq {p_value(r.p_min).replace('$', '')}$)"

    rows, breaks = _blocks_of(groups.reset_index(drop=True), "factor")
    columns = [
        _raw("Factor", _first(lambda r: escape(FACTORS.get(r.factor, r.factor)))),
        _raw("Level", lambda r: escape(r.level)),
        _integer("n", "$n$"),
        _number("mean", "Mean"),
        _number("std", "SD"),
        _number("median", "Median"),
        _raw("Test", status),
    ]
    return render.latex(rows, columns, breaks)


def per_game_table(size: pd.DataFrame, factors: pd.DataFrame) -> str:
    """Per data set and game: the size slope with its CI and Holm p, and each factor's
    Kruskal-Wallis p (Holm over all game × factor tests)."""
    wide = factors.pivot_table(
        index=["dataset", "game"], columns="factor", values="kw_p_holm", aggfunc="first"
    ).reset_index()
    table = size.merge(wide, on=["dataset", "game"], how="left")
    rows, breaks = _blocks_of(table.reset_index(drop=True), "dataset")
    columns = [
        _raw("Data", _first(lambda r: escape(DATASETS.get(r.dataset, r.dataset)))),
        _raw("Game", lambda r: escape(r.game).replace("\\_", " ")),
        _integer("n", "$n$"),
        _number("slope", "Slope"),
        _raw(f"{settings.percent()}\\,\\% CI", lambda r: interval(r.ci_low, r.ci_high)),
        _p("p_holm", "$p_{\\mathrm{Holm}}$"),
        *[_p(f, SHORT[f]) for f in FACTORS if f in table.columns],
    ]
    return render.latex(rows, columns, breaks)


def stability_table(stable: pd.DataFrame) -> str:
    """Per perplexity: Procrustes disparity between seeds, trustworthiness, silhouettes."""

    def perplexity(r: Any) -> str:
        return "profiles" if pd.isna(r.perplexity) else f"{r.perplexity:g}"

    columns = [
        _raw("Perplexity", perplexity),
        _number("disparity_mean", "Disparity", 3),
        _number("disparity_max", "max", 3),
        _number("trustworthiness", "Trust.", 2),
        *[_number(f"silhouette_{c}_mean", f"Sil.\\ {escape(t)}", 2) for c, t in COLOURINGS.items()],
    ]
    return render.latex(stable, columns)


# --- figures -------------------------------------------------------------------------------------


def _short(value: float) -> str:
    """ρ to two decimals without the leading zero (``.39``, ``-.04``), to fit a cell."""
    text = f"{value:.2f}"
    return text.replace("0.", ".", 1) if abs(value) < 1 else text


def correlation_figure(correlations: pd.DataFrame) -> Figure:
    """One matrix of Spearman ρ: the v1.6 score file below the diagonal, results.csv above it
    (where both are given); every cell prints its ρ, so the figure reads without colour."""
    present = [d for d in DATASETS if d in set(correlations["dataset"])]
    below, above = present[0], present[-1]
    matrices = {d: correlation_matrix(correlations[correlations["dataset"] == d]) for d in present}
    counts = {d: correlations.loc[correlations["dataset"] == d, "n"] for d in present}
    games = list(matrices[below].index)
    values = np.full((len(games), len(games)), np.nan)
    for i in range(len(games)):
        for j in range(len(games)):
            if i != j:
                source = matrices[below] if i > j else matrices[above]
                values[i, j] = source.loc[games[i], games[j]]
    figure = Figure(figsize=(4.6, 4.3), layout="constrained")
    ax = figure.subplots()
    image = ax.imshow(values, cmap="Greys", vmin=-1, vmax=1)
    for i in range(len(games)):
        for j in range(len(games)):
            if i != j:
                colour = "white" if values[i, j] > 0.5 else "black"
                text = _short(values[i, j])
                ax.text(j, i, text, ha="center", va="center", fontsize=FONT, color=colour)
    labels = [g.replace("_", "\n") for g in games]
    ax.set_xticks(range(len(games)), labels, fontsize=FONT, rotation=90)
    ax.set_yticks(range(len(games)), labels, fontsize=FONT)

    def side(dataset: str, where: str) -> str:
        n = counts[dataset]
        return f"{where}: {DATASETS[dataset]} (n = {int(n.min())}-{int(n.max())})"

    title = side(below, "below the diagonal")
    if above != below:
        title += "\n" + side(above, "above")
    ax.set_title(title, fontsize=FONT)
    bar = figure.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("Spearman $\\rho$", fontsize=FONT)
    bar.ax.tick_params(labelsize=FONT)
    return figure


def tsne_grid_figure(grid: pd.DataFrame, seed: int) -> Figure:
    """Rows: perplexities; columns: the colourings (size, tuning, family) of one seed's maps.
    Levels differ by marker and grey, so the figure reads in greyscale."""
    perplexities = sorted(grid["perplexity"].unique())
    colourings = [c for c in COLOURINGS if c in grid.columns]
    figure = Figure(figsize=(2.05 * len(colourings), 1.9 * len(perplexities) + 0.9))
    axes = figure.subplots(len(perplexities), len(colourings), squeeze=False)
    part = grid[grid["seed"] == seed]
    for j, colouring in enumerate(colourings):
        labels = part[colouring].astype(object).where(part[colouring].notna(), NO_LEVEL)
        part = part.assign(**{colouring: labels.astype(str)})
        present = set(part[colouring])
        order = ORDERS.get(colouring, sorted(present))
        levels = [level for level in order if level in present]
        handles = {}
        for i, perplexity in enumerate(perplexities):
            ax = axes[i, j]
            one = part[part["perplexity"] == perplexity]
            for k, level in enumerate(levels):
                points = one[one[colouring].astype(str) == level]
                handles[level] = ax.scatter(
                    points["x"],
                    points["y"],
                    s=14,
                    marker=MARKERS[k % len(MARKERS)],
                    color=GREYS[k % len(GREYS)],
                    edgecolors="black",
                    linewidths=0.4,
                )
            ax.set_xticks([])
            ax.set_yticks([])
            if j == 0:
                ax.set_ylabel(f"perplexity {perplexity:g}", fontsize=FONT)
            if i == 0:
                ax.set_title(COLOURINGS[colouring], fontsize=8)
        axes[-1, j].legend(
            list(handles.values()),
            list(handles),
            fontsize=FONT,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.05),
            ncol=1,
            frameon=False,
        )
    figure.subplots_adjust(wspace=0.05, hspace=0.05)
    return figure


# --- macros --------------------------------------------------------------------------------------

STEMS = {"scores": "Factor", "results": "Replication"}


def _names(values: Iterable[str]) -> str:
    items = [str(v) for v in values]
    return ", ".join(items) if items else "none"


def tested_families(groups: pd.DataFrame) -> pd.DataFrame:
    """The family levels large enough to test (on the v1.6 score file where both are given)."""
    rows = groups[(groups["factor"] == "family") & groups["tested"].astype(bool)]
    return rows[rows["dataset"] == "scores"] if "dataset" in rows.columns else rows


def family_sizes(groups: pd.DataFrame) -> str:
    """How many models the tested families hold: "3 to 6", or one number."""
    n = tested_families(groups)["n"]
    if n.empty:
        return "no"
    low, high = int(n.min()), int(n.max())
    return str(low) if low == high else f"{low} to {high}"


def assumption_reading(tests: pd.DataFrame, groups: pd.DataFrame) -> str:
    """Which assumptions of the classical ANOVA the data break, per factor, from the
    Brown-Forsythe and Shapiro-Wilk p-values of ``tests`` (one data set)."""
    sizes = groups.loc[groups["tested"].astype(bool), "n"]
    text = (
        "The classical analysis of variance assumes normal residuals and the same spread in every"
        f" group; the tested groups hold {int(sizes.min())} to {int(sizes.max())} models"
    )
    rejected = tests.set_index("factor")[["shapiro_p", "bf_p"]].map(settings.rejects)
    skewed = [FACTORS[f] for f in rejected.index[rejected["shapiro_p"]]]
    uneven = [FACTORS[f] for f in rejected.index[rejected["bf_p"]]]
    broken = []
    if skewed:
        broken.append(
            f"the residuals depart from normality for {latex.series(skewed)} (Shapiro-Wilk)"
        )
    if uneven:
        broken.append(
            f"the spread differs between levels for {latex.series(uneven)} (Brown-Forsythe)"
        )
    if broken:
        return f"{text}, and {' and '.join(broken)}."
    return (
        f"{text}, and neither assumption is rejected for any factor (Shapiro-Wilk,"
        " Brown-Forsythe), though at these group sizes the checks have little power."
    )


def pairs_reading(pairs: pd.DataFrame, sizes: str) -> str:
    """Whether the rank tests (Holm) and Tukey's test separate the same pairs of levels."""

    def separated(column: str) -> set[tuple[str, str]]:
        rows = pairs[pairs[column].map(settings.rejects)]
        return set(zip(rows["group1"], rows["group2"], strict=True))

    rank, tukey = separated("mw_p_holm"), separated("tukey_p")
    if rank == tukey:
        return "both tests separate the same pairs" if rank else "neither test separates any pair"
    return (
        f"the two separate different pairs, and with {sizes} models per family only large"
        " differences are detectable, so which of them pass depends on each test's assumptions"
    )


CONTRASTS = {
    "tuning": "vendor models and third-party fine-tunes",
    "family": "architecture families",
    "commercial": "commercial and open models",
    "multilingual": "multilingual and other models",
}
"""What each factor's test compares, as the abstract names it."""


def factor_summary(tests: pd.DataFrame) -> str:
    """The abstract's account of the factor tests (Kruskal-Wallis, one data set)."""
    rejects = {r.factor: settings.rejects(r.kw_p) for r in tests.itertuples(index=False)}
    differ = [CONTRASTS[f] for f, r in rejects.items() if r]
    alike = [CONTRASTS[f] for f, r in rejects.items() if not r]
    if not differ:
        return f"by rank tests, none of {latex.series(alike, 'or')} differ detectably in clemscore"
    text = f"by rank tests, {latex.series(differ)} differ in clemscore"
    return f"{text}, while {latex.series(alike)} do not detectably" if alike else text


def rho_reading(significant: int, pairs: int) -> str:
    """What the count of Holm-significant game-pair correlations says about the games."""
    if pairs and significant == pairs:
        return "Every pair of games ranks the models alike beyond chance."
    if significant == 0:
        return "No pair of games ranks the models alike beyond chance at this number of models."
    return (
        "The games thus do not measure one ability each to the same degree: a model's rank "
        "in one game predicts its rank in some others and not in others."
    )


def factor_macros(macros: Macros, paths: Sequence[str | Path]) -> None:
    """The factor section's numbers and verdicts from the rule's CSVs (named by file stem)."""
    t = {Path(p).stem: pd.read_csv(p) for p in paths}
    macros.integer("FactorMinGroup", t["settings"]["min_group"].iloc[0], "smallest tested group")
    data = t["data"].set_index("dataset")
    macros.integer("ResultsPairs", data.loc["results", "rows"], "rows (pairs) of results.csv")
    macros.integer("ResultsSelfPlay", data.loc["results", "self_play"], "self-play rows")
    macros.integer("ResultsJoined", data.loc["results", "joined"], "with characteristics")
    macros.integer("ResultsUnjoined", data.loc["results", "dropped"], "without characteristics")
    macros.integer("FactorModels", data.loc["scores", "joined"], "v1.6 models with factors")
    macros.integer("ResultsShared", data.loc["results", "shared"], "models in both files")
    macros.integer("ResultsSharedIdentical", data.loc["results", "shared_identical"])
    macros.number("ResultsSharedMaxDifference", data.loc["results", "shared_max_difference"])
    self_play = data.loc["results", "self_play"] == data.loc["results", "rows"]
    macros.flag("ResultsAllSelfPlay", self_play, "results.csv has no cross-play pair")
    macros.flag(
        "ResultsMostlyShared",
        2 * data.loc["results", "shared_identical"] > data.loc["results", "shared"],
        "most shared models have the same clemscore in both files",
    )
    macros.flag(
        "ResultsSharedSame",
        data.loc["results", "shared_identical"] == data.loc["results", "shared"],
        "results.csv repeats the score file's clemscore for every shared model",
    )
    tests = t["tests"]
    for dataset, stem in STEMS.items():
        for r in tests[tests["dataset"] == dataset].itertuples(index=False):
            name = stem + camel(r.factor)
            macros.integer(f"{name}N", r.n, f"{dataset}: models in tested {r.factor} groups")
            macros.integer(f"{name}K", r.k)
            macros.integer(f"{name}Untested", r.n_untested)
            macros.number(f"{name}H", r.H)
            macros.p(f"{name}P", r.kw_p, "Kruskal-Wallis")
            macros.number(f"{name}Epsilon", r.epsilon2, note="epsilon squared")
            macros.p(f"{name}WelchP", r.welch_p)
            macros.p(f"{name}AnovaP", r.anova_p)
            macros.number(f"{name}Eta", r.eta2, note="eta squared")
            verdict = "differ" if settings.rejects(r.kw_p) else "do not differ detectably"
            macros.add(f"{name}Verdict", verdict, "Kruskal-Wallis p vs ALPHA")
    scores = tests[tests["dataset"] == "scores"].set_index("factor")
    verdicts = scores[["kw_p", "welch_p", "anova_p"]].map(settings.rejects)
    split = [f for f in scores.index if verdicts.loc[f].nunique() > 1]
    macros.text("FactorTestsDisagree", _names(FACTORS[f] for f in split), "tests' verdicts differ")
    macros.flag("FactorTestsAgree", not split, "KW, Welch and ANOVA agree on every factor")
    macros.add("FactorSummary", factor_summary(scores.reset_index()), "the abstract's sentence")
    groups = t["groups"]
    macros.add(
        "FactorAssumptions",
        assumption_reading(scores.reset_index(), groups[groups["dataset"] == "scores"]),
        "which ANOVA assumptions fail",
    )
    results = tests[tests["dataset"] == "results"].set_index("factor")
    agree = [
        f
        for f in scores.index
        if f in results.index
        and settings.rejects(scores.loc[f, "kw_p"]) == settings.rejects(results.loc[f, "kw_p"])
    ]
    macros.text("ReplicationAgree", _names(FACTORS[f] for f in agree))
    macros.text("ReplicationDisagree", _names(FACTORS[f] for f in scores.index if f not in agree))
    macros.flag("ReplicationAll", len(agree) == len(scores), "every factor verdict replicates")
    pairs = t["pairwise"]
    family = pairs[(pairs["dataset"] == "scores") & (pairs["factor"] == "family")]
    rank = family[family["mw_p_holm"] < settings.ALPHA]
    tukey = family[family["tukey_p"] < settings.ALPHA]
    macros.integer("FactorFamilyPairs", len(family), "pairs of tested families")
    macros.integer("FactorFamilyPairsRank", len(rank), "Mann-Whitney, Holm < ALPHA")
    macros.p("FactorFamilyPairsRankBestP", family["mw_p_holm"].min())
    macros.integer("FactorFamilyPairsTukey", len(tukey), "Tukey HSD < ALPHA")
    macros.text(
        "FactorFamilyPairsTukeyList",
        _names(f"{a} vs {b}" for a, b in zip(tukey["group1"], tukey["group2"], strict=True)),
    )
    macros.add("FactorFamilyPairsReading", pairs_reading(family, family_sizes(groups)))
    untested = groups[(groups["dataset"] == "scores") & ~groups["tested"]]
    macros.integer("FactorUntestedLevels", len(untested), "levels below the minimum")
    macros.integer("FactorUntestedModels", untested["n"].sum())
    macros.p("FactorUntestedBestP", untested["p_min"].min(), "smallest attainable p of any")
    macros.flag(
        "FactorUntestedReachable",
        bool((untested["p_min"] < settings.ALPHA).any()),
        "could an untested level reach p < ALPHA against the largest level?",
    )
    size, per_factor = t["per_game_size"], t["per_game_factors"]
    for dataset, stem in STEMS.items():
        one = size[size["dataset"] == dataset]
        slope = one[one["p_holm"] < settings.ALPHA]
        macros.integer(f"{stem}GamesSize", len(slope), "games with a Holm-significant slope")
        macros.integer(f"{stem}Games", len(one))
        macros.text(f"{stem}GamesNoSize", _names(one.loc[one["p_holm"] >= settings.ALPHA, "game"]))
        factors = per_factor[per_factor["dataset"] == dataset]
        for factor in FACTORS:
            rows = factors[(factors["factor"] == factor) & (factors["kw_p_holm"] < settings.ALPHA)]
            macros.text(f"{stem}{camel(factor)}Games", _names(rows["game"]), "Holm < ALPHA")
    size_rows = t["size"].set_index("dataset")
    for dataset, stem in STEMS.items():
        r = size_rows.loc[dataset]
        macros.integer(f"{stem}SizeN", r["n"], f"{dataset}: models with a parameter count")
        macros.number(f"{stem}SizeSlope", r["slope"], note="clemscore per tenfold params")
        macros.add(f"{stem}SizeSlopeCI", interval(r["slope_ci_low"], r["slope_ci_high"]))
        macros.number(f"{stem}SizeRTwo", r["r2"])
        macros.p(f"{stem}SizeSlopeP", r["slope_p"])
        macros.p(f"{stem}BracketAnovaP", r["anova_p"], "bracket ANOVA")
        macros.number(f"{stem}BracketEta", r["eta2"], note="eta squared")
        macros.p(f"{stem}BracketWelchP", r["welch_p"])
        macros.p(f"{stem}BracketKruskalP", r["kruskal_p"])
    verdicts = [settings.rejects(size_rows.loc[d, "slope_p"]) for d in STEMS]
    macros.flag("ReplicationSizeAgrees", len(set(verdicts)) == 1, "slope verdict replicates")
    corr = t["correlations"]
    for dataset, stem in STEMS.items():
        off = corr[(corr["dataset"] == dataset) & (corr["game1"] < corr["game2"])]
        low, high = off.loc[off["rho"].idxmin()], off.loc[off["rho"].idxmax()]
        macros.number(f"{stem}RhoMin", low["rho"], note=f"{low['game1']} vs {low['game2']}")
        macros.text(f"{stem}RhoMinPair", f"{low['game1']} and {low['game2']}")
        macros.number(f"{stem}RhoMax", high["rho"], note=f"{high['game1']} vs {high['game2']}")
        macros.text(f"{stem}RhoMaxPair", f"{high['game1']} and {high['game2']}")
        macros.integer(f"{stem}RhoPairs", len(off))
        significant = int((off["p_holm"] < settings.ALPHA).sum())
        macros.integer(f"{stem}RhoSignificant", significant)
        macros.text(f"{stem}RhoReading", rho_reading(significant, len(off)))
        macros.integer(f"{stem}RhoNMin", off["n"].min())
        macros.integer(f"{stem}RhoNMax", off["n"].max())
    stable = t["stability"]
    maps = stable[stable["perplexity"].notna()]
    macros.text("TsnePerplexities", ", ".join(f"{p:g}" for p in maps["perplexity"]))
    macros.text("TsneSeeds", ", ".join(str(s) for s in t["settings"]["seeds"].iloc[0].split()))
    macros.integer("TsneFirstSeed", t["settings"]["seeds"].iloc[0].split()[0], "the figure's")
    macros.integer("TsneNeighbours", maps["neighbours"].iloc[0], "of trustworthiness")
    macros.number("TsneDisparityMax", maps["disparity_max"].max(), digits=3)
    macros.number("TsneTrustMin", maps["trustworthiness"].min())
    macros.number("TsneTrustThreshold", TRUSTED, note="trustworthiness of a faithful map")
    macros.flag("TsneTrustHigh", maps["trustworthiness"].min() >= TRUSTED, "every map faithful")
    means = {c: maps[f"silhouette_{c}_mean"].mean() for c in COLOURINGS}
    best = max(means, key=lambda c: means[c])
    macros.text("TsneBestColouring", COLOURINGS[best], "highest mean silhouette over the maps")
    macros.number("TsneBestSilhouette", means[best])
    profile = stable[stable["perplexity"].isna()].iloc[0]
    macros.number("TsneProfileSilhouette", profile[f"silhouette_{best}_mean"])
    macros.integer("TsneMapModels", maps["n"].iloc[0], "models in every map")
    macros.number("TsneBestSilhouetteMin", maps[f"silhouette_{best}_min"].min())
    macros.number("TsneClusterThreshold", CLUSTERED, note="silhouette of substantial structure")
    macros.flag("TsneClusters", means[best] >= CLUSTERED, "any colouring forms clusters")
