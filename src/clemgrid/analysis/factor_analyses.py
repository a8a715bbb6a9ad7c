"""Seed 003's factor programme on clembench: which model characteristics go with higher scores.

Seed 003 tests training type and architecture with ANOVA and Tukey HSD, per benchmark, and
looks at the correlation of benchmark scores. Here the factors are those the characteristics
file supports (:data:`FACTORS`): tuning (the vendor's own chat model vs. a third-party
fine-tune of someone else's base model, i.e. "Base Model" filled in), architecture family (the
mapping's lineage), commercial (API-only) and multilingual. Scores are bounded and the groups
unequal in size, so the primary test is Kruskal-Wallis with pairwise Mann-Whitney tests (Holm)
and ε², which assumes neither normality nor equal spread; Welch's ANOVA (unequal variances) and
the classical ANOVA with η² and Tukey HSD are reported next to it for comparison with seed 003,
with the classical one's assumptions tested (Brown-Forsythe for spread, Shapiro-Wilk on the
residuals) so that the text says where they fail instead of asserting it. Groups with fewer
than ``min_group`` models are not tested; they are listed with the smallest p an exact rank
test could give at their size, so "too small" is never read as "no difference".

Frames have one row per model (default route); the same functions run on the v1.6 score file
and on clembench's ``results.csv`` (:func:`results_scores`) for the replication.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.multicomp import pairwise_tukeyhsd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.oneway import anova_oneway

from clemgrid.analysis import settings
from clemgrid.analysis.characteristics import read_characteristics, read_mapping
from clemgrid.analysis.published import GAMES
from clemgrid.analysis.routes import default_route
from clemgrid.analysis.size_sensitivity import SLOPE, bracket_tests, slope_fit
from clemgrid.analysis.size_statistics import size_bracket

FACTORS = {
    "tuning": "tuning",
    "family": "architecture family",
    "commercial": "commercial",
    "multilingual": "multilingual",
}
MIN_GROUP = 3
"""Default smallest group that is tested: an exact rank test of 2 models against 6 cannot
reach p < 0.05 (p >= 0.071), 3 against 6 can (p >= 0.024)."""
MULTIPLICITY = "holm"
RESULTS_SOURCE = "clembench-v1.6-results"
KEYS = ["model", "backend", "quant", "source"]


# --- frames ------------------------------------------------------------------------------------


def read_flags(csv: str | Path) -> pd.DataFrame:
    """The characteristics file's Multilingual flag (``read_characteristics`` leaves it out)."""
    raw = pd.read_csv(csv)
    raw.columns = [c.strip() for c in raw.columns]
    return pd.DataFrame(
        {
            "characteristics_name": raw["Model Name"].str.strip(),
            "multilingual": np.where(raw["Multilingual"] == 1, "yes", "no"),
        }
    )


def characteristics_frame(
    characteristics_csv: str | Path, families_csv: str | Path
) -> pd.DataFrame:
    """One row per characteristics entry with the factors, size and the mapping's family."""
    facts = read_characteristics(characteristics_csv).merge(
        read_flags(characteristics_csv), on="characteristics_name", validate="1:1"
    )
    families = read_mapping(families_csv)[["characteristics_name", "family"]]
    facts = facts.merge(families.drop_duplicates(), on="characteristics_name", how="left")
    return facts.assign(
        tuning=np.where(facts["base_model"].notna(), "third-party fine-tune", "vendor model"),
        commercial=np.where(facts["open_weights"], "no", "yes"),
        log10_params=np.log10(facts["params_b"]),
        bracket=size_bracket(facts["params_b"]),
    )


def factor_frame(
    clemscore: pd.DataFrame, mapping: pd.DataFrame, facts: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per model (its default route) with clemscore and every factor, and the models
    left out because the mapping names no characteristics entry (``dropped``).

    Unlike the size analyses this keeps models without a parameter count: the factors are
    known for them (the API-only models are exactly the ones without counts)."""
    rows = default_route(clemscore).merge(
        mapping[["model", "characteristics_name"]], on="model", how="left"
    )
    dropped = rows.loc[rows["characteristics_name"].isna(), KEYS].reset_index(drop=True)
    rows = rows.dropna(subset=["characteristics_name"]).merge(
        facts, on="characteristics_name", how="inner", validate="m:1"
    )
    return rows.sort_values("model", kind="stable").reset_index(drop=True), dropped


def results_scores(csv: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """clembench's results.csv as (clemscore frame, long matrix) in the layout of the v1.6
    score file: one self-play pair per row, named by its player without ``-t0.0``."""
    wide = pd.read_csv(csv, index_col=0)
    names = [str(p).split("--")[0].removesuffix("-t0.0") for p in wide.index]
    base = pd.DataFrame(
        {"model": names, "backend": "results.csv", "quant": "none", "source": RESULTS_SOURCE}
    )
    clemscore = base.assign(clemscore=wide["-, clemscore"].to_numpy())
    parts = []
    for game in GAMES:
        part = base.assign(
            game=game,
            pct_played=wide[f"{game}, % Played"].to_numpy(),
            quality=wide[f"{game}, Quality Score"].to_numpy(),
        )
        parts.append(part[part["pct_played"].notna()])
    return clemscore, pd.concat(parts, ignore_index=True)


def game_scores(matrix: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Per-game clemscore (%played × quality / 100; 0 where nothing was played) of the models
    in ``frame``, wide: one column per game, missing where the game was not run."""
    long = matrix.merge(frame[KEYS], on=KEYS, how="inner")
    quality = long["quality"].where(long["pct_played"] > 0, 0.0)
    long = long.assign(score=long["pct_played"] * quality / 100)
    wide = long.pivot(index="model", columns="game", values="score")
    return wide.reindex(columns=[g for g in GAMES if g in wide.columns])


# --- group tests -------------------------------------------------------------------------------


def smallest_p(n_group: int, n_rest: int) -> float:
    """The smallest two-sided p an exact Mann-Whitney test of a group of ``n_group`` against
    ``n_rest`` others can give (complete separation)."""
    if n_group == 0 or n_rest == 0:
        return 1.0
    low, high = np.arange(n_group, dtype=float), np.arange(n_rest, dtype=float) + n_group
    return float(stats.mannwhitneyu(low, high, method="exact").pvalue)


def group_summary(
    frame: pd.DataFrame, factor: str, score: str = "clemscore", min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """n, mean, sd, median per level; ``tested`` False for levels below ``min_group``, with
    ``p_min``, the smallest p an exact rank test of such a level against the factor's largest
    other level could give (the best case of its pairwise comparisons)."""
    data = frame.dropna(subset=[score, factor])
    grouped = data.groupby(factor)[score]
    table = grouped.agg(["count", "mean", "std", "median"]).rename(columns={"count": "n"})
    table = table.reset_index(names="level").assign(factor=factor)
    table["tested"] = table["n"] >= min_group
    sizes = table["n"].astype(int).tolist()
    table["p_min"] = [
        np.nan if ok else smallest_p(n, max([m for j, m in enumerate(sizes) if j != i] or [0]))
        for i, (n, ok) in enumerate(zip(sizes, table["tested"], strict=True))
    ]
    return table[["factor", "level", "n", "mean", "std", "median", "tested", "p_min"]]


def _tested(frame: pd.DataFrame, factor: str, score: str, min_group: int) -> pd.DataFrame:
    data = frame.dropna(subset=[score, factor])
    sizes = data[factor].value_counts()
    return data[data[factor].isin(sizes[sizes >= min_group].index)]


def factor_test(
    frame: pd.DataFrame, factor: str, score: str = "clemscore", min_group: int = MIN_GROUP
) -> dict[str, object]:
    """Kruskal-Wallis (ε²), Welch's ANOVA and the classical ANOVA (η²) of ``score`` over the
    levels of ``factor`` with at least ``min_group`` models; NaN where fewer than two remain."""
    data = _tested(frame, factor, score, min_group)
    levels = sorted(data[factor].unique())
    groups = [data.loc[data[factor] == level, score].to_numpy(float) for level in levels]
    n = int(sum(len(g) for g in groups))
    row: dict[str, object] = {
        "factor": factor,
        "score": score,
        "n": n,
        "k": len(levels),
        "n_untested": int(frame.dropna(subset=[score, factor]).shape[0] - n),
    }
    if len(levels) < 2:
        undefined = ["H", "kw_p", "epsilon2", "welch_F", "welch_p", "F", "anova_p", "eta2"]
        return {**row, **dict.fromkeys([*undefined, "bf_p", "shapiro_p"], np.nan)}
    kw = stats.kruskal(*groups)
    # Welch weights each group by n / variance: undefined where a group's scores are all equal.
    constant = any(np.var(g) == 0 for g in groups)
    welch = None if constant else anova_oneway(groups, use_var="unequal")
    fit = smf.ols("y ~ C(g)", pd.DataFrame({"y": data[score], "g": data[factor]})).fit()
    table = sm.stats.anova_lm(fit, typ=1)
    return {
        **row,
        "H": float(kw.statistic),
        "kw_p": float(kw.pvalue),
        # ε² of Kruskal-Wallis (Tomczak & Tomczak 2014): H / ((n² - 1) / (n + 1)).
        "epsilon2": float(kw.statistic / ((n**2 - 1) / (n + 1))),
        "welch_F": np.nan if welch is None else float(welch.statistic),
        "welch_p": np.nan if welch is None else float(welch.pvalue),
        "F": float(table["F"].iloc[0]),
        "anova_p": float(table["PR(>F)"].iloc[0]),
        "eta2": float(table["sum_sq"].iloc[0] / table["sum_sq"].sum()),
        # The classical ANOVA's two assumptions, checked so that the text can say which fail:
        # equal spread (Brown-Forsythe, Levene's test about the median) and normal residuals.
        "bf_p": float(stats.levene(*groups, center="median").pvalue),
        "shapiro_p": float(stats.shapiro(fit.resid).pvalue),
    }


def pairwise(
    frame: pd.DataFrame, factor: str, score: str = "clemscore", min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """Every pair of tested levels: Mann-Whitney p (Holm over the pairs) and the median
    difference, next to Tukey HSD's mean difference and adjusted p."""
    data = _tested(frame, factor, score, min_group)
    levels = sorted(data[factor].unique())
    columns = ["factor", "group1", "group2", "n1", "n2", "median_diff", "mw_p", "mw_p_holm"]
    columns += ["mean_diff", "tukey_p"]
    if len(levels) < 2:
        return pd.DataFrame(columns=columns)
    values = {level: data.loc[data[factor] == level, score].to_numpy(float) for level in levels}
    pairs = list(combinations(levels, 2))
    mw = [stats.mannwhitneyu(values[a], values[b]).pvalue for a, b in pairs]
    tukey = pairwise_tukeyhsd(data[score], data[factor].astype(str), alpha=settings.ALPHA)
    tukey_p = dict(zip(combinations(tukey.groupsunique, 2), tukey.pvalues, strict=True))
    return pd.DataFrame(
        {
            "factor": factor,
            "group1": [a for a, _ in pairs],
            "group2": [b for _, b in pairs],
            "n1": [len(values[a]) for a, _ in pairs],
            "n2": [len(values[b]) for _, b in pairs],
            "median_diff": [np.median(values[b]) - np.median(values[a]) for a, b in pairs],
            "mw_p": mw,
            "mw_p_holm": multipletests(mw, method=MULTIPLICITY)[1],
            "mean_diff": [values[b].mean() - values[a].mean() for a, b in pairs],
            "tukey_p": [tukey_p[pair] for pair in pairs],
        }
    )[columns]


def factor_tests(
    frame: pd.DataFrame,
    factors: Sequence[str] = tuple(FACTORS),
    score: str = "clemscore",
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """:func:`factor_test` for each factor, one row each."""
    return pd.DataFrame([factor_test(frame, f, score, min_group) for f in factors])


# --- per game ----------------------------------------------------------------------------------


def game_frame(frame: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with one column per game's score (from :func:`game_scores`)."""
    return frame.merge(scores, left_on="model", right_index=True, how="left")


def size_tests(frame: pd.DataFrame) -> pd.DataFrame:
    """The headline size analyses on one data set, for replication: the OLS slope of clemscore
    on log10 params over every model with a count, and the bracket ANOVA (eta squared), Welch
    ANOVA and Kruskal-Wallis over the same models. One row."""
    sized = frame.dropna(subset=[SLOPE, "clemscore"])
    fit = slope_fit(sized)
    brackets = bracket_tests(sized).set_index("key")
    return pd.DataFrame(
        [
            {
                "n": fit["n"],
                "brackets": sized["bracket"].nunique(),
                **{k: fit[k] for k in ("slope", "slope_ci_low", "slope_ci_high", "slope_p", "r2")},
                "anova_p": brackets.loc["anova", "p"],
                "eta2": brackets.loc["anova", "effect_size"],
                "welch_p": brackets.loc["welch", "p"],
                "kruskal_p": brackets.loc["kruskal", "p"],
            }
        ]
    )


def per_game_size(frame: pd.DataFrame, games: Sequence[str]) -> pd.DataFrame:
    """OLS of each game's score on log10 params (models with a count); Holm over the games."""
    rows = []
    for game in games:
        data = frame.dropna(subset=[game, "log10_params"])
        fit = smf.ols(f"Q('{game}') ~ log10_params", data).fit()
        ci = fit.conf_int(settings.interval_alpha()).loc["log10_params"]
        rows.append(
            {
                "game": game,
                "n": int(fit.nobs),
                "slope": float(fit.params["log10_params"]),
                "ci_low": float(ci[0]),
                "ci_high": float(ci[1]),
                "p": float(fit.pvalues["log10_params"]),
                "r2": float(fit.rsquared),
            }
        )
    table = pd.DataFrame(rows)
    table["p_holm"] = multipletests(table["p"], method=MULTIPLICITY)[1]
    return table


def per_game_factors(
    frame: pd.DataFrame,
    games: Sequence[str],
    factors: Sequence[str] = tuple(FACTORS),
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """Kruskal-Wallis of each game's score over each factor; Holm over all game × factor
    tests (one family: the question is whether any factor matters for any game)."""
    table = pd.concat(
        [factor_tests(frame, factors, game, min_group) for game in games], ignore_index=True
    ).rename(columns={"score": "game"})
    tested = table["kw_p"].notna()
    table["kw_p_holm"] = np.nan
    table.loc[tested, "kw_p_holm"] = multipletests(table.loc[tested, "kw_p"], method=MULTIPLICITY)[
        1
    ]
    return table


# --- correlation ---------------------------------------------------------------------------------


def game_correlations(scores: pd.DataFrame) -> pd.DataFrame:
    """Spearman ρ of every two games' scores over the models that have both (long: game1,
    game2, n, rho, p, p_holm over the distinct pairs; the diagonal is ρ = 1 with its n)."""
    games = list(scores.columns)
    rows = []
    for a, b in combinations(games, 2):
        both = scores[[a, b]].dropna()
        result = stats.spearmanr(both[a], both[b])
        rows.append(
            {"game1": a, "game2": b, "n": len(both), "rho": result.statistic, "p": result.pvalue}
        )
    off = pd.DataFrame(rows)
    off["p_holm"] = multipletests(off["p"], method=MULTIPLICITY)[1]
    mirror = off.rename(columns={"game1": "game2", "game2": "game1"})
    diagonal = pd.DataFrame(
        {
            "game1": games,
            "game2": games,
            "n": [int(scores[g].notna().sum()) for g in games],
            "rho": 1.0,
            "p": np.nan,
            "p_holm": np.nan,
        }
    )
    return pd.concat([off, mirror, diagonal], ignore_index=True)


def correlation_matrix(long: pd.DataFrame, value: str = "rho") -> pd.DataFrame:
    """The square matrix of ``value`` (games in the order of first appearance)."""
    order = list(dict.fromkeys(long["game1"]))
    return long.pivot(index="game1", columns="game2", values=value).loc[order, order]


# --- one data set --------------------------------------------------------------------------------


def analyse(
    clemscore: pd.DataFrame,
    matrix: pd.DataFrame,
    mapping: pd.DataFrame,
    facts: pd.DataFrame,
    min_group: int = MIN_GROUP,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Every table of this module for one data set: (factor frame, tables by name). The
    correlations use every model of the data set (they need no characteristics)."""
    frame, dropped = factor_frame(clemscore, mapping, facts)
    scores = game_scores(matrix, frame)
    games = list(scores.columns)
    with_games = game_frame(frame, scores)
    factors = list(FACTORS)
    tables = {
        "groups": pd.concat([group_summary(frame, f, min_group=min_group) for f in factors]),
        "tests": factor_tests(frame, factors, min_group=min_group),
        "pairwise": pd.concat([pairwise(frame, f, min_group=min_group) for f in factors]),
        "size": size_tests(frame),
        "per_game_size": per_game_size(with_games, games),
        "per_game_factors": per_game_factors(with_games, games, factors, min_group),
        "correlations": game_correlations(game_scores(matrix, default_route(clemscore))),
        "dropped": dropped,
    }
    return frame, tables


def pooled(levels: pd.Series, min_group: int = MIN_GROUP) -> pd.Series:
    """``levels`` with every level of fewer than ``min_group`` models named "other" (for
    maps, where a singleton level has no cluster to show)."""
    sizes = levels.map(levels.value_counts())
    return levels.where(sizes >= min_group, f"other (n < {min_group})")


def same_models(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """The models of two factor frames that share a characteristics entry, with both
    clemscores and their absolute difference (is a replication on them independent?)."""
    both = first[["characteristics_name", "clemscore"]].merge(
        second[["characteristics_name", "clemscore"]],
        on="characteristics_name",
        suffixes=("_first", "_second"),
    )
    return both.assign(difference=(both["clemscore_first"] - both["clemscore_second"]).abs())
