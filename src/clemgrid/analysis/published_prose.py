"""Sentences of the published-data sections, and the verdicts on paper 002's claims, written
from the numbers.

A sentence typed into the paper ("only the largest models stand apart", "more steeply for the
largest models", "8-bit quantisation is negligible") stays true only for the data it was
written for. Each function here takes the numbers an analysis wrote and returns the sentence
(or the verdict) that those numbers support, with its condition spelled out; a different data
set then changes the text instead of leaving a false sentence behind. :func:`prose_macros`
puts them into macros for the published-data sections, the abstract, the discussion and the
conclusion; ``tests/paper/test_published_prose.py`` feeds altered data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from clemgrid.analysis import latex, settings
from clemgrid.analysis.factor_report import CLUSTERED, tested_families
from clemgrid.analysis.figures import TSNE_NAMED
from clemgrid.analysis.macros import Macros
from clemgrid.analysis.published_episodes import best_available
from clemgrid.analysis.published_uncertainty import NEGLIGIBLE as MARGIN
from clemgrid.analysis.size_statistics import BRACKETS
from clemgrid.analysis.tables import FOUND

HOLDS = "holds"
QUALIFIED = "holds with qualifications"
NOT_ESTABLISHED = "not established"
CONTRADICTED = "contradicted"


RULE_VARIANTS = ("listed_tokens", "gemma_inherits")
"""Variants of the stated subset rule (:mod:`size_sensitivity`)."""


class Verdict(NamedTuple):
    """One claim of paper 002: what it says, the verdict, and the numbers behind it (LaTeX)."""

    claim: str
    verdict: str
    reason: str


def _p(p: object) -> str:
    return latex.p_relation(p)


def _num(value: object, digits: int = 2) -> str:
    return latex.number(value, digits)


def _bracket(name: str) -> str:
    return latex.escape(name)


# --- size brackets ---------------------------------------------------------------------------


def anova_verdict(p: float) -> str:
    """What the bracket ANOVA finds, as the verb phrase of "A one-way ANOVA ..."."""
    if settings.rejects(p):
        return "finds that the brackets differ"
    return "finds no significant difference between the brackets"


def _order(tukey: pd.DataFrame, order: Sequence[str]) -> list[str]:
    present = set(tukey["group1"]) | set(tukey["group2"])
    return [b for b in order if b in present] + sorted(present - set(order))


def tukey_pattern(tukey: pd.DataFrame, order: Sequence[str] = BRACKETS) -> str:
    """How Tukey's significant pairs fall: ``none``; ``top`` (the top bracket differs from every
    other and no two lower brackets differ); ``top_partly`` (only pairs with the top bracket
    differ, not all of them); ``below`` (some pair below the top bracket differs)."""
    brackets = _order(tukey, order)
    top = brackets[-1]
    rejects = tukey[tukey["reject"].astype(bool)]
    if rejects.empty:
        return "none"
    with_top = (rejects["group1"] == top) | (rejects["group2"] == top)
    if not with_top.all():
        return "below"
    return "top" if len(rejects) == len(brackets) - 1 else "top_partly"


def tukey_sentence(tukey: pd.DataFrame, order: Sequence[str] = BRACKETS) -> str:
    """The conclusion from Tukey's pairs, following "(list of significant pairs)"."""
    pattern = tukey_pattern(tukey, order)
    top = _bracket(_order(tukey, order)[-1])
    return {
        "none": "so no bracket stands apart from another at this level",
        "top": f"so only the largest models ({top}) stand apart, while no two of the brackets "
        "below differ from each other",
        "top_partly": f"so the largest models ({top}) differ from some of the brackets below, "
        "which do not differ from each other",
        "below": f"so differences are not confined to the largest models ({top})",
    }[pattern]


def steps(brackets: pd.DataFrame, order: Sequence[str] = BRACKETS) -> pd.Series:
    """Differences between the means of adjacent brackets, from small to large models."""
    means = brackets.set_index("bracket")["mean"]
    ordered = means.reindex([b for b in order if b in means.index])
    return ordered.diff().dropna()


def means_rise(brackets: pd.DataFrame, order: Sequence[str] = BRACKETS) -> bool:
    """Does every bracket's mean lie above the one below it?"""
    return bool((steps(brackets, order) > 0).all())


def top_step_largest(brackets: pd.DataFrame, order: Sequence[str] = BRACKETS) -> bool:
    """Is the step into the top bracket the largest step between adjacent brackets?"""
    step = steps(brackets, order)
    return bool(len(step)) and bool(step.iloc[-1] == step.max() and step.iloc[-1] > 0)


# --- mixed model and smooth curves ----------------------------------------------------------


def mixed_versus_ols(models: pd.DataFrame) -> str:
    """How the mixed model's slope relates to OLS: inside or outside the mixed model's CI."""
    rows = models.set_index("key")
    ols, mixed = rows.loc["ols"], rows.loc["mixed"]
    if mixed["slope_ci_low"] <= ols["slope"] <= mixed["slope_ci_high"]:
        return "close to"
    return "clearly below" if mixed["slope"] < ols["slope"] else "clearly above"


def _falling(curve: pd.DataFrame) -> tuple[float, float] | None:
    """The range of parameters (billions) over which a curve falls, or None."""
    curve = curve.sort_values("log10_params")
    slope = np.diff(curve["fit"].to_numpy())
    params = curve["params_b"].to_numpy()
    down = np.flatnonzero(slope < 0)
    return None if not len(down) else (float(params[down.min()]), float(params[down.max() + 1]))


def curve_shape(curve: pd.DataFrame) -> dict[str, bool]:
    """Shape of a fitted curve over log10 parameters: rising everywhere; steeper in the upper
    third of the range than below it; its band widest in the lower third."""
    curve = curve.sort_values("log10_params")
    x, y = curve["log10_params"].to_numpy(), curve["fit"].to_numpy()
    slope = np.diff(y) / np.diff(x)
    upper = x[:-1] >= x.min() + 2 * (x.max() - x.min()) / 3
    width = (curve["ci_high"] - curve["ci_low"]).to_numpy()
    lower = x <= x.min() + (x.max() - x.min()) / 3
    has_band = bool(np.isfinite(width).any())
    return {
        "rising": _falling(curve) is None,
        "steeper_top": bool(upper.any() and (~upper).any())
        and bool(slope[upper].mean() > slope[~upper].mean()),
        "wide_small": has_band and bool(np.nanmax(width[lower]) >= np.nanmax(width)),
    }


def narrow_from(curve: pd.DataFrame) -> float:
    """Parameters (billions) from which a curve's band is no wider than its median width."""
    curve = curve.sort_values("log10_params")
    width = curve["ci_high"] - curve["ci_low"]
    return float(curve.loc[width <= width.median(), "params_b"].iloc[0])


NAMES = {"gam": "GAM", "gamm": "GAMM"}


def _rise(name: str, curve: pd.DataFrame) -> str:
    falling = _falling(curve)
    label = f"the {NAMES.get(name, name)} curve"
    if falling is None:
        return f"{label} rising over the whole range"
    low, high = falling
    return (
        f"{label} falling between {_num(low, 1)} and {_num(high, 1)} billion parameters"
        " before it rises"
    )


def curve_sentence(curves: pd.DataFrame, params_b: pd.Series) -> str:
    """What the GAM and GAMM curves of the smooth figure show, each clause only where the
    curves bear it out; ``params_b`` are the fitted models' sizes (for the band's support)."""
    parts = dict(iter(curves.groupby("model")))
    shapes = {name: curve_shape(part) for name, part in parts.items()}
    if len(parts) > 1 and all(s["rising"] for s in shapes.values()):
        text = "Figure~\\ref{fig:smooth} shows both curves rising over the whole range"
    else:
        text = "Figure~\\ref{fig:smooth} shows " + " and ".join(
            _rise(name, part) for name, part in parts.items()
        )
    steeper = [s["steeper_top"] for s in shapes.values()]
    if all(steeper):
        text += ", each more steeply for the largest models than below them"
    elif any(steeper):
        text += "; only one of them rises more steeply for the largest models"
    else:
        text += ", neither more steeply for the largest models than below them"
    if "gam" in parts and shapes["gam"]["wide_small"]:
        edge = narrow_from(parts["gam"])
        few = int((params_b < edge).sum())
        text += (
            f". The GAM's band is widest at the small end, where {few} of the"
            f" {len(params_b)} models lie below {_num(edge, 1)} billion parameters"
        )
    return text + "."


# --- t-SNE ----------------------------------------------------------------------------------


def _silhouettes(xy: np.ndarray, labels: np.ndarray) -> np.ndarray:
    from sklearn.metrics import silhouette_samples

    if len(set(labels)) < 2 or len(labels) <= len(set(labels)):
        return np.full(len(labels), np.nan)
    return silhouette_samples(xy, labels)


def tsne_facts(tsne: pd.DataFrame, order: Sequence[str] = BRACKETS) -> dict[str, float]:
    """What the t-SNE map shows about size: the share of the named best models in the top
    bracket, their mean silhouette against the rest (a region of their own from
    :data:`CLUSTERED`), the mean silhouette of the lower brackets (groups by bracket from
    :data:`CLUSTERED`), and the share of the other top-bracket models whose nearest neighbour
    in the map is a lower-bracket model."""
    top = [b for b in order if b in set(tsne["bracket"])][-1]
    xy = tsne[["x", "y"]].to_numpy()
    best = tsne.index.isin(tsne.nlargest(TSNE_NAMED, "clemscore").index)
    in_top = (tsne["bracket"] == top).to_numpy()
    lower = ~in_top
    lower_sil = _silhouettes(xy[lower], tsne.loc[lower, "bracket"].to_numpy())
    distance = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=-1)
    np.fill_diagonal(distance, np.inf)
    nearest = distance.argmin(axis=1)
    weaker_top = in_top & ~best
    return {
        "best_in_top": float(in_top[best].mean()) if best.any() else float("nan"),
        "best_region": float(np.nanmean(_silhouettes(xy, best)[best])),
        "lower_silhouette": float(np.nanmean(lower_sil)) if lower.any() else float("nan"),
        "weaker_top_among_lower": float(lower[nearest[weaker_top]].mean())
        if weaker_top.any()
        else float("nan"),
    }


def _share(share: float) -> str:
    if share == 1:
        return "all"
    if share >= 2 / 3:
        return "nearly all"
    if share >= 1 / 2:
        return "most"
    return "few" if share > 0 else "none"


def tsne_sentence(tsne: pd.DataFrame, tukey: pd.DataFrame, order: Sequence[str] = BRACKETS) -> str:
    """The reading of the t-SNE map, and whether it agrees with Tukey's test."""
    f = tsne_facts(tsne, order)
    top = _bracket([b for b in order if b in set(tsne["bracket"])][-1])
    region = f["best_region"] >= CLUSTERED
    text = (
        f"The {TSNE_NAMED} best-scoring models, {_share(f['best_in_top'])} of them from the top"
        f" bracket ({top}), "
        + ("form a region of their own" if region else "do not form a region of their own")
        + f" (mean silhouette against the rest {_num(f['best_region'])})"
    )
    mixed = not f["lower_silhouette"] >= CLUSTERED
    text += (
        ", while the models of the lower brackets intermingle"
        if mixed
        else ", and the models of the lower brackets form groups by bracket"
    )
    text += f" (silhouette {_num(f['lower_silhouette'])}, below {_num(CLUSTERED)} no structure)"
    if f["weaker_top_among_lower"] > 0.5:
        text += "; the weaker models of the top bracket lie among them"
    text += ". "
    if mixed and tukey_pattern(tukey, order) == "top":
        return text + (
            "This agrees with Tukey's test: below the top bracket, a model's profile across"
            " these games is not predicted by its size."
        )
    return text + (
        "The map and Tukey's test thus agree only in part: the map alone does not show where"
        " size ceases to matter."
    )


# --- per game and quantisation --------------------------------------------------------------


def per_game_sentence(per_game: pd.DataFrame, n_models: int) -> str:
    """In how many games size explains quality better than %played, and the games whose quality
    slope rests on fewer than half of the regression's models."""
    wide = per_game.pivot(index="game", columns="metric", values="r2")
    quality_more = wide[wide["quality"] > wide["pct_played"]].index
    text = (
        f"Per game (Table~\\ref{{tab:per-game}} in the appendix), size explains more of the"
        f" variance of quality than of \\% played in {len(quality_more)} of the {len(wide)}"
        " games"
    )
    if len(quality_more):
        text += f" ({latex.escape(latex.series(sorted(quality_more)))})"
    quality = per_game[per_game["metric"] == "quality"]
    few = quality[quality["n"] < n_models / 2]
    if len(few):
        items = [f"{latex.escape(r.game)} ({r.n})" for r in few.itertuples()]
        text += (
            f"; in {latex.series(items)} fewer than half of the {n_models} models have a played"
            " episode, so the quality slope rests on few points"
        )
    return text + "."


def taboo_clause(per_game: pd.DataFrame) -> str:
    """The taboo contrast, only where the data show it: format following flat or falling with
    size, quality rising significantly."""
    rows = per_game[per_game["game"] == "taboo"].set_index("metric")
    if len(rows) < 2:
        return "."
    played, quality = rows.loc["pct_played"], rows.loc["quality"]
    if not settings.rejects(played["slope_p"]) and settings.rejects(quality["slope_p"]):
        return (
            ": small models already follow the format, but describe and guess less well"
            " (only the quality slope is significant)."
        )
    return "."


def quant_sentence(comparisons: pd.DataFrame, sizes: Mapping[str, float]) -> str:
    """Which model loses most at four bits, and whether that is the smallest one."""
    four = comparisons[(comparisons["family"] == "quant") & (comparisons["quant_a"] == "Q4_K_M")]
    if four.empty:
        return ""
    worst = four.loc[four["difference"].idxmin()]
    if worst["difference"] >= 0:
        return "No model loses points at four bits."
    known = {m: sizes[m] for m in four["model"] if m in sizes}
    smallest = bool(known) and min(known, key=lambda m: known[m]) == worst["model"]
    return (
        f"At four bits {latex.escape(worst['model'])} loses most"
        f" ({_num(-worst['difference'])} points)"
        + (", the smallest of the models compared." if smallest else ".")
    )


def base_spread(tables: Mapping[str, pd.DataFrame], found: str = FOUND) -> float:
    """Largest clemscore spread (max - min) of the models that share one base model (the
    paper's Tables 1 and 4)."""
    spreads = [
        part["clemscore"].max() - part["clemscore"].min()
        for number in ("1", "4")
        if number in tables
        for _, part in tables[number][tables[number]["status"] == found].groupby("group")
    ]
    return float(max(spreads)) if spreads else float("nan")


# --- the size regression's subset ------------------------------------------------------------

CLOSE_R2 = 0.05
"""Largest difference in R² that still counts as "close" (the paper prints R² to two places)."""
CLOSE_F = 0.1
"""Largest relative difference in F that still counts as "close"."""


def rule_variants(sensitivity: pd.DataFrame, keys: Sequence[str] = RULE_VARIANTS) -> str:
    """How the subset rule's variants move the fit: "little" only where every variant's slope
    lies inside the stated fit's interval and its R² within :data:`CLOSE_R2`."""
    stated = _row(sensitivity, "stated")
    rows = sensitivity.set_index("key").reindex(list(keys)).dropna(subset=["slope"])
    inside = rows["slope"].between(stated["slope_ci_low"], stated["slope_ci_high"]).all()
    close = ((rows["r2"] - stated["r2"]).abs() <= CLOSE_R2).all()
    if inside and close:
        return "Variants of the rule move the fit little"
    if inside:
        return "Variants of the rule keep the slope inside the stated fit's interval but move $R^2$"
    return "Variants of the rule move the slope outside the stated fit's interval"


def estimated_clause(sensitivity: pd.DataFrame) -> str:
    """Whether the reproduced R² rests on the models of estimated size: a drop of more than
    :data:`CLOSE_R2` without them."""
    stated, without = _row(sensitivity, "stated"), _row(sensitivity, "published_size")
    if stated["r2"] - without["r2"] > CLOSE_R2:
        return "so the reproduced $R^2$ of the paper depends on estimated sizes"
    return "so the reproduced $R^2$ of the paper does not hinge on estimated sizes"


def paper_fit(fits: pd.DataFrame) -> str:
    """How the reconstructed fits compare with the F and R² the paper prints."""
    close = (
        ((fits["R2"] - fits["paper_R2"]).abs() <= CLOSE_R2)
        & ((fits["F"] - fits["paper_F"]).abs() <= CLOSE_F * fits["paper_F"])
    ).all()
    return "comes close to" if close else "does not reproduce"


# --- factors ---------------------------------------------------------------------------------


def confounding_sentence(per_model: pd.DataFrame, groups: pd.DataFrame) -> str:
    """How the factors go with size: where the commercial models lie, and the range of the
    tested families' median sizes (``per_model``: one row per model with ``commercial``,
    ``bracket``, ``params_b`` and ``family``)."""
    commercial = per_model[per_model["commercial"] == "yes"]
    top = BRACKETS[-1]
    large = commercial["bracket"].eq(top) | commercial["params_b"].isna()
    if commercial.empty:
        text = "there is no commercial model"
    elif large.all():
        text = f"every commercial model is above {_bracket(top[1:])} parameters or of unknown size"
    else:
        text = (
            f"{int(large.sum())} of the {len(commercial)} commercial models are above"
            f" {_bracket(top[1:])} parameters or of unknown size"
        )
    families = tested_families(groups)["level"]
    medians = per_model[per_model["family"].isin(families)].groupby("family")["params_b"]
    medians = medians.median().dropna()
    if len(medians) > 1:
        text += (
            f", and the median size of the tested families ranges from"
            f" {_num(medians.min(), 1)} to {_num(medians.max(), 0)} billion parameters"
        )
    return text


# --- the claims of paper 002 ----------------------------------------------------------------


def _row(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame.set_index("key").loc[key]


def size_claim(sensitivity: pd.DataFrame) -> Verdict:
    """ "Size matters": the slope on log10 parameters over the stated subset, every
    leave-one-out fit and the open-weights models."""
    stated, every, open_ = (_row(sensitivity, k) for k in ("stated", "all", "all_open"))
    loo = sensitivity[sensitivity["key"].str.startswith("loo:")]
    loo_all = bool((loo["slope_p"] < settings.ALPHA).all())
    reason = (
        f"slope {_num(stated['slope'])} per tenfold parameters over the stated subset"
        f" ({_p(stated['slope_p'])}), {_num(every['slope'])} over all {int(every['n'])} models,"
        f" {_num(open_['slope'])} over the {int(open_['n'])} open-weights models"
        f" ({_p(open_['slope_p'])})"
    )
    if not settings.rejects(stated["slope_p"]):
        return Verdict("size matters", NOT_ESTABLISHED, reason)
    if not (loo_all and settings.rejects(open_["slope_p"])):
        return Verdict("size matters", QUALIFIED, reason + "; not significant in every variant")
    if open_["slope"] < every["slope_ci_low"]:
        return Verdict(
            "size matters",
            QUALIFIED,
            reason + ", below the interval of all models: part of the slope rests on the"
            " estimated sizes of closed models",
        )
    return Verdict("size matters", HOLDS, reason)


def top_claim(
    brackets: pd.DataFrame, tukey: pd.DataFrame, sensitivity: pd.DataFrame, robust: pd.DataFrame
) -> Verdict:
    """ "Size matters most at the top": the largest step of the bracket means into the top
    bracket and Tukey separating it, qualified where its sizes are mostly estimates or a
    straight line is not rejected once families have their own intercept."""
    claim = "size matters most at the top"
    step = steps(brackets)
    top = _row(sensitivity, "top_bracket")
    gamm = _row(robust, "gamm_lrt")
    reason = (
        f"step into the top bracket {_num(step.iloc[-1])} points against at most"
        f" {_num(step.iloc[:-1].max())} below it; Tukey: "
        + {
            "top": "only the top bracket stands apart",
            "top_partly": "the top bracket differs from some brackets below",
            "below": "brackets below the top differ too",
            "none": "no bracket differs",
        }[tukey_pattern(tukey)]
    )
    if not (top_step_largest(brackets) and tukey_pattern(tukey) in ("top", "top_partly")):
        return Verdict(claim, NOT_ESTABLISHED, reason)
    caveats = []
    if top["n_estimated"] > top["n"] / 2:
        caveats.append(
            f"{int(top['n_estimated'])} of the {int(top['n'])} top-bracket sizes are estimates"
        )
    if not settings.rejects(gamm["p"]):
        caveats.append(f"with family intercepts a straight line is not rejected ({_p(gamm['p'])})")
    if caveats:
        return Verdict(claim, QUALIFIED, reason + "; but " + "; ".join(caveats))
    return Verdict(claim, HOLDS, reason)


def data_claim(coefficients: pd.DataFrame, inherited: int, spread: float) -> Verdict:
    """ "Training data and fine-tuning matter": the training-token coefficient beside size, and
    the clemscore spread of models that share one base model."""
    claim = "training data and fine-tuning matter"
    tokens = coefficients[coefficients["term"] == "np.log10(tokens_t)"].iloc[0]
    reason = (
        f"training-token coefficient {_num(tokens['estimate'])} ({_p(tokens['p'])}) beside size;"
        f" models sharing a base model spread over up to {_num(spread)} points"
    )
    if not settings.rejects(tokens["p"]):
        verdict = QUALIFIED if spread > 2 * MARGIN else NOT_ESTABLISHED
        return Verdict(claim, verdict, reason + " (the coefficient is not significant)")
    if inherited:
        return Verdict(
            claim, QUALIFIED, reason + f"; {inherited} of the token counts are inherited"
        )
    return Verdict(claim, HOLDS, reason)


def family_claim(robust: pd.DataFrame, family_p: float | None) -> Verdict:
    """ "Families differ": the random family intercept beside size and the rank test between
    families (the factor analysis)."""
    lrt = _row(robust, "family_lrt")
    tests = [settings.rejects(lrt["p"])] + (
        [settings.rejects(family_p)] if family_p is not None else []
    )
    reason = f"likelihood-ratio test of a family intercept beside size {_p(lrt['p'])}"
    if family_p is not None:
        reason += f", Kruskal-Wallis between families {_p(family_p)}"
    verdict = HOLDS if all(tests) else QUALIFIED if any(tests) else NOT_ESTABLISHED
    return Verdict("model families differ", verdict, reason)


def route_claim(comparisons: pd.DataFrame) -> Verdict:
    """ "The access route moves the clemscore by about five points": the route pairs of one
    model's weights, Holm-corrected."""
    routes = comparisons[comparisons["family"] == "route"]
    largest = routes.loc[routes["difference"].abs().idxmax()]
    rejecting = int(routes["significant"].astype(bool).sum())
    paired = int(routes["paired"].sum()) if "paired" in routes else 0
    reason = (
        f"largest route difference {_num(abs(largest['difference']))} points"
        f" (Holm-adjusted {_p(largest['p_holm'])}); {rejecting} of {len(routes)} route pairs"
        f" significant ({paired} tested paired on published episodes)"
    )
    if not rejecting:
        return Verdict("access route effect of about 5 points", NOT_ESTABLISHED, reason)
    size = routes.loc[routes["significant"].astype(bool), "difference"].abs().max()
    verdict = HOLDS if size >= MARGIN else QUALIFIED
    return Verdict("access route effect of about 5 points", verdict, reason)


def _quant(comparisons: pd.DataFrame, quant: str) -> pd.DataFrame:
    return comparisons[(comparisons["family"] == "quant") & (comparisons["quant_a"] == quant)]


def eight_bit_claim(comparisons: pd.DataFrame) -> Verdict:
    """ "8-bit quantisation is negligible": contradicted if a test rejects, holds only if every
    interval lies inside the margin, else not established."""
    part = _quant(comparisons, "Q8_0")
    inside = int(part["equivalent"].astype(bool).sum())
    rejecting = int(part["significant"].astype(bool).sum())
    reason = (
        f"{rejecting} of {len(part)} differences significant; {inside} of {len(part)}"
        f" intervals inside $\\pm{_num(MARGIN, 0)}$ points"
    )
    if rejecting:
        return Verdict("8-bit quantisation is negligible", CONTRADICTED, reason)
    verdict = HOLDS if inside == len(part) else NOT_ESTABLISHED
    return Verdict("8-bit quantisation is negligible", verdict, reason)


def four_bit_claim(comparisons: pd.DataFrame) -> Verdict:
    """ "4-bit quantisation lowers scores": the direction of every difference and its tests
    before and after Holm's correction."""
    part = _quant(comparisons, "Q4_K_M")
    lower = int((part["difference"] < 0).sum())
    below = int((part["high"] < 0).sum())
    rejecting = int((part["significant"].astype(bool) & (part["difference"] < 0)).sum())
    reason = (
        f"{lower} of {len(part)} models lower; {below} intervals below zero before and"
        f" {rejecting} significant after Holm's correction"
    )
    if rejecting and lower == len(part):
        return Verdict("4-bit quantisation lowers scores", HOLDS, reason)
    if rejecting:
        return Verdict("4-bit quantisation lowers scores", QUALIFIED, reason)
    return Verdict("4-bit quantisation lowers scores", NOT_ESTABLISHED, reason)


CLAIM_STEMS = ("Size", "Top", "Data", "Family", "Route", "EightBit", "FourBit")


def abstract_sentence(route: Verdict, eight: Verdict, four: Verdict) -> str:
    """The abstract's account of the route and quantisation claims."""
    words = {
        HOLDS: "holds",
        QUALIFIED: "holds only with qualifications",
        NOT_ESTABLISHED: "is not established",
        CONTRADICTED: "is contradicted",
    }
    return (
        "With intervals and Holm-corrected tests derived from the published summaries (paired"
        " on the published episodes where both configurations have them), the"
        f" paper's route effect of about five points {words[route.verdict]}, the claim that"
        f" 8-bit quantisation is negligible {words[eight.verdict]}, and the claim that 4-bit"
        f" quantisation lowers scores {words[four.verdict]}."
    )


# --- macros ---------------------------------------------------------------------------------


def prose_macros(
    macros: Macros,
    *,
    brackets: pd.DataFrame,
    anova: pd.DataFrame,
    tukey: pd.DataFrame,
    models: pd.DataFrame,
    curves: pd.DataFrame,
    params_b: pd.Series,
    tsne: pd.DataFrame,
    per_game: pd.DataFrame,
    n_size: int,
    sensitivity: pd.DataFrame,
    robust: pd.DataFrame,
    coefficients: pd.DataFrame,
    inherited: int,
    spread: float,
    comparisons: pd.DataFrame,
    sizes: Mapping[str, float],
    family_p: float | None,
    fits: pd.DataFrame,
    groups: pd.DataFrame | None = None,
    per_model: pd.DataFrame | None = None,
) -> list[Verdict]:
    """``\\Prose…`` sentences of the published-data sections and ``\\Claim…`` verdicts of the
    discussion, conclusion and abstract; returns the verdicts."""
    between = anova[anova["term"] != "Residual"].iloc[0]
    macros.add("ProseAnovaVerdict", anova_verdict(between["p"]), "bracket ANOVA p vs ALPHA")
    macros.add("ProseTukeySentence", tukey_sentence(tukey), "Tukey's significant pairs")
    macros.flag("ProseTukeyTopOnly", tukey_pattern(tukey) == "top", "only the top bracket apart?")
    macros.flag("ProseBracketMeansRise", means_rise(brackets), "bracket means rise with size?")
    macros.add("ProseMixedVersusOls", mixed_versus_ols(models), "OLS slope vs mixed CI")
    macros.add(
        "ProseCurveSentence", curve_sentence(curves, params_b), "shape of the GAM/GAMM curves"
    )
    macros.add("ProseTsneSentence", tsne_sentence(tsne, tukey), "reading of the t-SNE map")
    macros.add("ProsePerGameSentence", per_game_sentence(per_game, n_size), "per-game R2")
    macros.add("ProseTabooClause", taboo_clause(per_game), "taboo: played vs quality slope")
    macros.add("ProseQuantSentence", quant_sentence(comparisons, sizes), "largest 4-bit loss")
    macros.add(
        "ProseConfounding",
        confounding_sentence(per_model, groups)
        if groups is not None and per_model is not None
        else "their sizes were not available to this build",
        "factors vs size",
    )
    macros.add("ProseRuleVariants", rule_variants(sensitivity), "subset rule variants")
    macros.add("ProseEstimatedClause", estimated_clause(sensitivity), "R2 without estimates")
    macros.add("ProsePaperFit", paper_fit(fits), "reconstructed vs printed F and R2")
    verdicts = [
        size_claim(sensitivity),
        top_claim(brackets, tukey, sensitivity, robust),
        data_claim(coefficients, inherited, spread),
        family_claim(robust, family_p),
        route_claim(comparisons),
        eight_bit_claim(comparisons),
        four_bit_claim(comparisons),
    ]
    for stem, v in zip(CLAIM_STEMS, verdicts, strict=True):
        macros.add(f"Claim{stem}Verdict", v.verdict, v.claim)
        macros.add(f"Claim{stem}Reason", v.reason, v.claim)
    macros.number("ClaimMargin", MARGIN, digits=0, note="clemscore points: negligible within")
    by_verdict = {
        "Hold": [v.claim for v in verdicts if v.verdict == HOLDS],
        "Qualified": [v.claim for v in verdicts if v.verdict == QUALIFIED],
        "Open": [v.claim for v in verdicts if v.verdict in (NOT_ESTABLISHED, CONTRADICTED)],
    }
    macros.integer("ClaimsTotal", len(verdicts))
    for name, claims in by_verdict.items():
        macros.integer(f"Claims{name}", len(claims), f"claims: {name.lower()}")
        macros.add(f"Claims{name}List", latex.escape(latex.series(f"``{c}''" for c in claims)))
    macros.add("ClaimAbstractSentence", abstract_sentence(*verdicts[4:]), "route and quant")
    open_runs = any(v.verdict == NOT_ESTABLISHED for v in verdicts[4:])
    macros.flag("ClaimsRunsOpen", open_runs, "a route or quantisation claim left undecided?")
    return verdicts


FILES = (
    "brackets",
    "anova",
    "tukey",
    "models",
    "curves",
    "tsne",
    "per_game",
    "fits",
    "frame",
    "coefficients",
    "sensitivity",
    "robust",
    "comparisons",
)
"""CSV inputs of the ``macros`` rule that :func:`prose_macros_from_files` reads."""


def prose_macros_from_files(
    macros: Macros, paths: Any, tables: Mapping[str, pd.DataFrame]
) -> list[Verdict]:
    """:func:`prose_macros` from the ``macros`` rule's inputs (``paths``: attributes named as
    in :data:`FILES`, plus ``joined`` and the factor CSVs in ``factors``) and the paper's
    Tables 1-4."""
    from clemgrid.analysis import regression

    f = {name: pd.read_csv(getattr(paths, name)) for name in FILES}
    factors = {Path(p).stem: p for p in paths.factors}
    tests = pd.read_csv(factors["tests"]) if "tests" in factors else pd.DataFrame()
    family = (
        tests[(tests["dataset"] == "scores") & (tests["factor"] == "family")]
        if len(tests)
        else tests
    )
    joined = pd.read_parquet(paths.joined)
    fits, coefficients = f["fits"], f["coefficients"]
    keys = ["model", "backend", "quant", "source"]
    groups = pd.read_csv(factors["groups"]) if "groups" in factors else None
    per_model = pd.read_csv(factors["tsne"]).drop_duplicates(keys) if "tsne" in factors else None
    return prose_macros(
        macros,
        brackets=f["brackets"],
        anova=f["anova"],
        tukey=f["tukey"],
        models=f["models"],
        curves=f["curves"],
        params_b=f["tsne"]["params_b"],
        tsne=f["tsne"],
        per_game=f["per_game"],
        n_size=int(fits.loc[fits["formula"] == regression.PARAMS, "n"].iloc[0]),
        sensitivity=f["sensitivity"],
        robust=f["robust"],
        coefficients=coefficients[coefficients["formula"] == regression.PARAMS_TOKENS],
        inherited=int((f["frame"]["tokens_source"] != "characteristics file").sum()),
        spread=base_spread(tables),
        comparisons=best_available(f["comparisons"], pd.read_csv(paths.episode_comparisons)),
        sizes=dict(zip(joined["model"], joined["params_b"], strict=True)),
        family_p=float(family["kw_p"].iloc[0]) if len(family) else None,
        fits=fits,
        groups=groups,
        per_model=per_model,
    )
