"""How much of the size-score relation survives other reasonable choices of data and model.

The paper's size regression rests on a subset it does not list (reconstructed by a rule,
:func:`regression.size_frame`), its sizes of closed models are unofficial estimates (five GPT-4
snapshots at one rumoured 1.76T), and the bracket ANOVA and smooth curves assume what they
test. :func:`sensitivity` refits clemscore ~ log10(params) over variants of the subset and of
the 39 joinable models; :func:`bracket_tests` adds effect sizes and tests that do not assume
equal variances or normality; :func:`family_lrt`, :func:`penalised_gamm` and
:func:`nonlinearity` test the family intercept, fit a smooth whose smoothing is estimated (not
fixed by its df), and test whether the curve bends at all. Every fit is statsmodels' or scipy's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.oneway import anova_oneway

from clemgrid.analysis import latex, regression, render, settings, smoothing
from clemgrid.analysis.macros import Macros, camel
from clemgrid.analysis.render import Column
from clemgrid.analysis.size_statistics import bracket_frame

SLOPE = "log10_params"
FORMULA = "clemscore ~ log10_params"
TOP = ">100B"
# Rule variants of the stated subset: name → (what changes, inherited-tokens map).
RULE_VARIANTS = {
    "listed_tokens": ("only training tokens the file lists (no inheritance)", {}),
    "gemma_inherits": (
        "gemma-1.1-7b-it also inherits gemma-7b-it's tokens",
        {**regression.INHERITED_TOKENS, "gemma-7b": "gemma-7b-it"},
    ),
}
ESTIMATE_NOTE = "unofficial estimate"


def estimated_sizes(mapping: pd.DataFrame) -> set[str]:
    """Models whose parameter count the mapping's note calls an unofficial estimate."""
    notes = mapping["note"].fillna("")
    return set(mapping.loc[notes.str.contains(ESTIMATE_NOTE), "model"])


def _prepare(frame: pd.DataFrame, estimated: set[str]) -> pd.DataFrame:
    return frame.assign(
        log10_params=np.log10(frame["params_b"]), size_estimated=frame["model"].isin(estimated)
    )


def slope_fit(frame: pd.DataFrame, formula: str = FORMULA) -> dict[str, Any]:
    """n, slope of log10 params with its CI and p, R² and the F test's p of one OLS fit."""
    fit = smf.ols(formula, frame).fit()
    ci = fit.conf_int(settings.interval_alpha()).loc[SLOPE]
    return {
        "n": int(fit.nobs),
        "slope": float(fit.params[SLOPE]),
        "slope_ci_low": float(ci[0]),
        "slope_ci_high": float(ci[1]),
        "slope_p": float(fit.pvalues[SLOPE]),
        "r2": float(fit.rsquared),
        "f_p": float(fit.f_pvalue),
    }


def slope_row(
    frame: pd.DataFrame,
    base: str,
    key: str,
    label: str,
    formula: str = FORMULA,
) -> dict[str, Any]:
    """One row of the sensitivity table: :func:`slope_fit` with its subset's name and how many
    of its sizes are estimates (``size_estimated``)."""
    return {
        "base": base,
        "key": key,
        "variant": label,
        "formula": formula,
        **slope_fit(frame, formula),
        "n_estimated": int(frame["size_estimated"].sum()),
        "left_out": None,
        "cooks_d": None,
    }


def leave_one_out(frame: pd.DataFrame, base: str) -> list[dict[str, Any]]:
    """One fit per model left out, each with that model's Cook's distance in the full fit."""
    cooks = smf.ols(FORMULA, frame).fit().get_influence().cooks_distance[0]
    rows = []
    for i, model in enumerate(frame["model"]):
        row = slope_row(frame.drop(index=frame.index[i]), base, f"loo:{model}", f"without {model}")
        rows.append({**row, "left_out": model, "cooks_d": float(cooks[i])})
    return rows


def _variants(frame: pd.DataFrame, base: str, prefix: str) -> Iterable[dict[str, Any]]:
    """Rows every base shares: without estimated sizes, open weights only, open as covariate."""
    published = frame[~frame["size_estimated"]]
    yield slope_row(published, base, f"{prefix}published_size", "without estimated sizes")
    yield slope_row(frame[frame["open_weights"]], base, f"{prefix}open", "open weights only")
    closed = frame.assign(closed=(~frame["open_weights"].astype(bool)).astype(int))
    yield slope_row(
        closed, base, f"{prefix}open_covariate", "open/closed as covariate", f"{FORMULA} + closed"
    )


def sensitivity(joined: pd.DataFrame, estimated: set[str]) -> pd.DataFrame:
    """The size slope over the stated subset, its rule variants, leave-one-out, without
    estimated sizes, open weights only, open/closed as covariate; then the same over all
    joinable models, and within the top bracket (where the paper sees size matter most)."""
    stated = _prepare(regression.size_frame(joined), estimated)
    rows = [slope_row(stated, "subset", "stated", "stated rule")]
    for key, (label, inherit) in RULE_VARIANTS.items():
        variant = _prepare(regression.size_frame(joined, inherit), estimated)
        rows.append(slope_row(variant, "subset", key, label))
    rows += list(_variants(stated, "subset", ""))
    rows += leave_one_out(stated, "subset")
    every = _prepare(bracket_frame(joined), estimated)
    rows.append(slope_row(every, "all", "all", "all joinable models"))
    rows += list(_variants(every, "all", "all_"))
    top = every[every["bracket"].astype(str) == TOP]
    rows.append(slope_row(top, "all", "top_bracket", f"{TOP} bracket only"))
    return pd.DataFrame(rows)


def loo_summary(table: pd.DataFrame) -> dict[str, Any]:
    """Range of the leave-one-out slopes and R², and the most influential model."""
    loo = table[table["key"].str.startswith("loo:")]
    top = loo.loc[loo["cooks_d"].idxmax()]
    return {
        "fits": len(loo),
        "slope_min": float(loo["slope"].min()),
        "slope_max": float(loo["slope"].max()),
        "r2_min": float(loo["r2"].min()),
        "r2_max": float(loo["r2"].max()),
        "significant": int((loo["slope_p"] < settings.ALPHA).sum()),
        "influential": str(top["left_out"]),
        "influential_cooks_d": float(top["cooks_d"]),
        "influential_r2": float(top["r2"]),
    }


# --- brackets -----------------------------------------------------------------------------


def bracket_tests(frame: pd.DataFrame) -> pd.DataFrame:
    """The bracket ANOVA with η² and ω², Welch's ANOVA (unequal variances) and Kruskal-Wallis
    (ranks), one row each: test, statistic, df1, df2, p, effect."""
    groups = frame["bracket"].astype(str)
    fit = smf.ols("clemscore ~ C(bracket)", frame.assign(bracket=groups)).fit()
    table = sm.stats.anova_lm(fit, typ=1)
    between, within = table.iloc[0], table.loc["Residual"]
    total = between["sum_sq"] + within["sum_sq"]
    eta2 = between["sum_sq"] / total
    omega2 = (between["sum_sq"] - between["df"] * within["mean_sq"]) / (total + within["mean_sq"])
    welch = anova_oneway(frame["clemscore"], groups, use_var="unequal")
    samples = [part.to_numpy() for _, part in frame.groupby(groups)["clemscore"]]
    kruskal = stats.kruskal(*samples)
    k, n = len(samples), len(frame)
    return pd.DataFrame(
        [
            ("anova", "ANOVA (equal variances)", between["F"], between["df"], within["df"],
             between["PR(>F)"], "eta2", eta2),
            ("anova_omega", "ANOVA, omega squared", between["F"], between["df"], within["df"],
             between["PR(>F)"], "omega2", omega2),
            ("welch", "Welch ANOVA", welch.statistic, welch.df[0], welch.df[1], welch.pvalue,
             None, None),
            ("kruskal", "Kruskal-Wallis", kruskal.statistic, k - 1, None, kruskal.pvalue,
             "epsilon2", kruskal.statistic * (n + 1) / (n**2 - 1)),
        ],
        columns=["key", "test", "statistic", "df1", "df2", "p", "effect", "effect_size"],
    )  # fmt: skip


# --- family, smoothness, non-linearity ------------------------------------------------------


def _boundary_p(lr: float) -> float:
    """p of a likelihood ratio for one variance at its boundary 0: ½χ²(0) + ½χ²(1)."""
    return float(0.5 * stats.chi2.sf(max(lr, 0.0), 1)) if lr > 0 else 1.0


def family_lrt(frame: pd.DataFrame, group: str = "family") -> dict[str, Any]:
    """Likelihood-ratio test of the random family intercept: ML mixed model against OLS with
    the same fixed effects; the variance sits on its boundary under H0, so p is halved."""
    mixed = smf.mixedlm(FORMULA, frame, groups=frame[group]).fit(reml=False)
    ols = smf.ols(FORMULA, frame).fit()
    lr = 2 * (float(mixed.llf) - float(ols.llf))
    return {
        "n": int(ols.nobs),
        "groups": int(frame[group].nunique()),
        "llf_mixed": float(mixed.llf),
        "llf_ols": float(ols.llf),
        "lr": lr,
        "p": _boundary_p(lr),
        "group_var": float(mixed.cov_re.iloc[0, 0]),
    }


def knots(x: pd.Series, count: int) -> np.ndarray:
    """``count`` knots at equally spaced quantiles of the distinct values of ``x``."""
    distinct = np.unique(x.to_numpy())
    return np.quantile(distinct, np.linspace(0, 1, count + 2)[1:-1])


def _spline_frame(frame: pd.DataFrame, count: int) -> tuple[pd.DataFrame, str]:
    columns = {
        f"k{i}": np.maximum(frame[SLOPE] - k, 0.0) for i, k in enumerate(knots(frame[SLOPE], count))
    }
    return frame.assign(one=1, **columns), "0 + " + " + ".join(columns)


def penalised_gamm(frame: pd.DataFrame, count: int = 8, group: str = "family") -> dict[str, Any]:
    """A penalised spline with a random family intercept, as a mixed model: fixed intercept
    and slope, truncated-line terms at ``count`` knots as random effects of one shared variance
    (their penalty), crossed with the family intercept. REML estimates the smoothing
    (λ = residual variance / spline variance); REML fits with and without the spline terms (same
    fixed effects, so their REML likelihoods compare) give a boundary-corrected likelihood-ratio
    test of linearity. ML would do as well but sets the spline variance to 0 on v1.6."""
    data, spline = _spline_frame(frame, count)
    vc = {"spline": spline, group: f"0 + C({group})"}

    def fit(components: dict[str, str], reml: bool) -> Any:
        model = smf.mixedlm(
            FORMULA, data, groups=data["one"], vc_formula=components, re_formula="0"
        )
        return model.fit(reml=reml, method=["lbfgs"])

    full, linear = fit(vc, True), fit({group: vc[group]}, True)
    variances = dict(zip(full.model.exog_vc.names, np.asarray(full.vcomp), strict=True))
    lr = 2 * (float(full.llf) - float(linear.llf))
    spline_var = float(variances["spline"])
    return {
        "n": int(full.nobs),
        "knots": count,
        "spline_var": spline_var,
        "family_var": float(variances[group]),
        "residual_var": float(full.scale),
        "smoothing": float(full.scale) / spline_var if spline_var > 0 else float("inf"),
        "slope": float(full.fe_params[SLOPE]),
        "converged": bool(full.converged and linear.converged),
        "lr": lr,
        "p": _boundary_p(lr),
    }


def nonlinearity(frame: pd.DataFrame, df: int = 6) -> dict[str, Any]:
    """Does clemscore bend with log10 params? The F test of a quadratic term against the line,
    and the GCV-penalised GAM (:mod:`smoothing`) with its chosen weight and edf."""
    linear = smf.ols(FORMULA, frame).fit()
    quadratic = smf.ols(f"{FORMULA} + I(log10_params ** 2)", frame).fit()
    f, p, _ = quadratic.compare_f_test(linear)
    x, y = frame[SLOPE].to_numpy(), frame["clemscore"].to_numpy()
    path = smoothing.penalty_path(x, y, df)
    chosen = path.loc[path["gcv"].idxmin()]
    return {
        "n": int(linear.nobs),
        "quadratic_coef": float(quadratic.params[f"I({SLOPE} ** 2)"]),
        "quadratic_f": float(f),
        "quadratic_p": float(p),
        "gam_df": df,
        "gam_alpha": float(chosen["alpha"]),
        "gam_edf": float(chosen["edf"]),
        "gam_gcv": float(chosen["gcv"]),
        "linear_gcv": float(path["gcv"].iloc[-1]),
    }


def tests(frame: pd.DataFrame, gam_df: int = 6, knots_count: int = 8) -> pd.DataFrame:
    """Every test of this module over ``frame`` (all joinable models) in one long table: key,
    test, n, statistic, df1, df2, p, effect, effect_size, penalty (a smoothing weight)."""
    n = len(frame)
    rows = [{**r, "n": n} for r in bracket_tests(frame).to_dict("records")]
    family = family_lrt(frame)
    rows.append(
        {"key": "family_lrt", "test": "LRT, random family intercept (ML)", "n": n,
         "statistic": family["lr"], "df1": 1, "p": family["p"], "effect": "family variance",
         "effect_size": family["group_var"]}
    )  # fmt: skip
    bend = nonlinearity(frame, gam_df)
    rows.append(
        {"key": "quadratic", "test": "F test, quadratic term", "n": n,
         "statistic": bend["quadratic_f"], "df1": 1, "df2": n - 3, "p": bend["quadratic_p"],
         "effect": "quadratic coefficient", "effect_size": bend["quadratic_coef"]}
    )  # fmt: skip
    rows.append(
        {"key": "gam", "test": f"penalised GAM (B-spline df {gam_df}, GCV)", "n": n,
         "statistic": bend["gam_gcv"], "effect": "edf", "effect_size": bend["gam_edf"],
         "penalty": bend["gam_alpha"]}
    )  # fmt: skip
    rows.append(
        {"key": "gam_linear", "test": "the same GAM at the largest penalty (a line)", "n": n,
         "statistic": bend["linear_gcv"], "effect": "edf", "effect_size": 2.0}
    )  # fmt: skip
    gamm = penalised_gamm(frame, knots_count)
    rows.append(
        {"key": "gamm_lrt", "test": f"LRT, spline variance of the GAMM ({knots_count} knots, REML)",
         "n": n, "statistic": gamm["lr"], "df1": 1, "p": gamm["p"], "effect": "smoothing",
         "effect_size": gamm["smoothing"], "penalty": gamm["smoothing"]}
    )  # fmt: skip
    columns = ["key", "test", "n", "statistic", "df1", "df2", "p", "effect", "effect_size"]
    return pd.DataFrame(rows).reindex(columns=[*columns, "penalty"])


# --- tables -------------------------------------------------------------------------------

BASES = {"subset": "stated subset", "all": "all joinable"}
EFFECTS = {"eta2": r"$\eta^2$", "omega2": r"$\omega^2$", "epsilon2": r"$\varepsilon^2$"}


def paper_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The sensitivity rows the paper prints: every variant, and of the leave-one-out fits the
    ones with the lowest and highest R² and the largest Cook's distance."""
    loo = table[table["key"].str.startswith("loo:")]
    picks = {
        loo["r2"].idxmin(): "lowest $R^2$",
        loo["r2"].idxmax(): "highest $R^2$",
        loo["cooks_d"].idxmax(): "largest Cook's $D$",
    }
    chosen = []
    for index, why in picks.items():
        r = loo.loc[index]
        label = f"leave one out, {why}: without {render.escape(r['left_out'])}"
        chosen.append(r.to_frame().T.assign(variant=label, escaped=True))
    rest = table[~table["key"].str.startswith("loo:")].assign(escaped=False)
    subset, every = rest[rest["base"] == "subset"], rest[rest["base"] != "subset"]
    return pd.concat([subset, *chosen, every], ignore_index=True)


def _variant(r: Any) -> str:
    text = str(r.variant)
    return text if r.escaped else render.escape(text)


def sensitivity_latex(table: pd.DataFrame) -> str:
    """Booktabs table of :func:`paper_rows`: base, variant, n, estimated sizes, slope with CI,
    R² and the slope's p."""
    rows = paper_rows(table)
    breaks = [int((rows["base"] == "subset").sum())]
    columns = [
        Column(lambda r: BASES.get(r.base, r.base), header="Models", format=render.escape),
        Column(_variant, header="Variant", format=str, missing=False),
        Column("n", header="$n$", format=latex.integer, align="r"),
        Column("n_estimated", header="est.", format=latex.integer, align="r"),
        Column("slope", header="Slope", format=latex.number, align="r"),
        Column(
            lambda r: latex.interval(r.slope_ci_low, r.slope_ci_high),
            header=latex.ci_header(),
            format=str,
            missing=False,
        ),
        Column("r2", header="$R^2$", format=latex.number, align="r"),
        Column("slope_p", header="$p$", format=latex.p_value, align="r"),
    ]
    return render.latex(rows, columns, breaks)


def tests_latex(tests_frame: pd.DataFrame) -> str:
    """Booktabs table of :func:`tests`: test, statistic, df, p, effect (with its name)."""

    def df(r: Any) -> str:
        parts = [r.df1, r.df2]
        shown = [latex.number(v, 1) for v in parts if not render.is_missing(v)]
        return ", ".join(shown) if shown else latex.MISSING

    def effect(r: Any) -> str:
        name, value = r.effect, r.effect_size
        if render.is_missing(value):
            return latex.MISSING
        text = f"{EFFECTS.get(name, render.escape(name))} = {latex.number(value)}"
        if r.key == "gam":  # the chosen penalty weight beside its edf
            text += f", penalty {latex.number(r.penalty, 3)}"
        return text

    columns = [
        Column("test", header="Test", format=render.escape),
        Column("statistic", header="Statistic", format=latex.number, align="r"),
        Column(df, header="df", format=str, align="r", missing=False),
        Column("p", header="$p$", format=latex.p_value, align="r"),
        Column(effect, header="Effect", format=str, missing=False),
    ]
    return render.latex(tests_frame, columns)


# --- macros ---------------------------------------------------------------------------------


def sensitivity_macros(macros: Macros, table: pd.DataFrame, tests_frame: pd.DataFrame) -> None:
    """``\\Robust<Variant>{N,Estimated,Slope,Low,High,RSquared,P}`` per variant, the leave-one-out
    range, ``\\Robust<Test>{Stat,DfOne,DfTwo,P,Effect}`` per test, and a switch per slope and test
    (``\\ifRobust…Significant``: p < settings.ALPHA) so the text's claims follow the numbers."""
    ci = f"{settings.percent()} % CI"
    rows = table[~table["key"].str.startswith("loo:")]
    for r in rows.itertuples(index=False):
        stem, note = "Robust" + camel(r.key), f"{r.base}: {r.variant}"
        macros.text(f"{stem}Variant", r.variant, "what the variant changes")
        macros.integer(f"{stem}N", r.n, note)
        macros.integer(f"{stem}Estimated", r.n_estimated, "models of estimated size")
        macros.number(f"{stem}Slope", r.slope, note="points per tenfold parameters")
        macros.number(f"{stem}Low", r.slope_ci_low, note=ci)
        macros.number(f"{stem}High", r.slope_ci_high, note=ci)
        macros.number(f"{stem}RSquared", r.r2, note=note)
        macros.p(f"{stem}P", r.slope_p, note)
        macros.flag(f"{stem}Significant", r.slope_p < settings.ALPHA, f"{note}: slope p < alpha")
    keyed = rows.set_index("key")
    ratio = keyed.loc["all_open", "slope"] / keyed.loc["all", "slope"]
    macros.number("RobustOpenRatio", ratio, note="open-weights slope / all-models slope")
    change = f"{latex.number(100 * abs(1 - ratio), 0)}\\,\\% {'less' if ratio < 1 else 'more'}"
    macros.add("RobustOpenChange", change, "open-weights slope against all models'")
    macros.flag(
        "RobustOpenSlopeBelowAll",
        keyed.loc["all_open", "slope"] < keyed.loc["all", "slope_ci_low"],
        "open-weights slope below the all-models CI?",
    )
    top = keyed.loc["top_bracket"]
    macros.flag(
        "RobustTopMostlyEstimated",
        top["n_estimated"] > top["n"] / 2,
        "are most sizes of the top bracket estimates?",
    )
    loo = loo_summary(table)
    macros.integer("RobustLooFits", loo["fits"])
    macros.integer("RobustLooSignificant", loo["significant"], "leave-one-out slopes p < alpha")
    macros.flag("RobustLooAllSignificant", loo["significant"] == loo["fits"])
    for name in ("slope_min", "slope_max", "r2_min", "r2_max"):
        macros.number("RobustLoo" + camel(name.replace("r2", "RSquared")), loo[name])
    loos = table[table["key"].str.startswith("loo:")]
    macros.text("RobustLooMinModel", loos.loc[loos["r2"].idxmin(), "left_out"], "lowest R²")
    macros.text("RobustLooInfluential", loo["influential"], "largest Cook's distance")
    macros.number("RobustLooInfluentialCooks", loo["influential_cooks_d"])
    for r in tests_frame.itertuples(index=False):
        stem, note = "Robust" + camel(r.key.replace("_", " ")), r.test
        macros.integer(f"{stem}N", r.n, note)
        macros.number(f"{stem}Stat", r.statistic, note=note)
        macros.number(f"{stem}DfOne", r.df1, digits=0, note=note)
        whole = pd.isna(r.df2) or float(r.df2).is_integer()  # Welch's df2 is fractional
        macros.number(f"{stem}DfTwo", r.df2, digits=0 if whole else 1, note=note)
        macros.p(f"{stem}P", r.p, note)
        macros.number(f"{stem}Effect", r.effect_size, note=f"{note}: {r.effect}")
        macros.number(f"{stem}Penalty", r.penalty, digits=3, note=f"{note}: smoothing")
        if pd.notna(r.p):
            macros.flag(f"{stem}Significant", r.p < settings.ALPHA, note)
    gcv = tests_frame.set_index("key")["statistic"]
    macros.flag("RobustGamPrefersCurve", gcv["gam"] < gcv["gam_linear"], "GCV: curve below line?")
