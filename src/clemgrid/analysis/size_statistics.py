"""Seed 003's toolbox applied to clembench: brackets, ANOVA, Tukey HSD, mixed models, GAM, t-SNE.

Seed 003 asks whether size brackets differ in benchmark score (one-way ANOVA, then Tukey HSD
for the pairs), how score grows with log parameters once each architecture family may sit
higher or lower (random intercept), and whether that growth is smooth or has jumps (GAM/GAMM).

All functions take a frame with one row per model, as :func:`bracket_frame` makes it: the
default access route (:func:`routes.default_route`) of every joined model, i.e. every model
with a parameter count, closed models (whose counts are estimates) included; filter it
before calling to restrict the set. Brackets are right-open: [0, 10), [10, 40), [40, 100) and
[100, inf) billion parameters, which puts 7-9B chat models, 14-35B models, the 45-72B models
and API-sized models in separate groups of at least five models each on v1.6.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.gam.api import BSplines, GLMGam
from statsmodels.stats.multicomp import pairwise_tukeyhsd

from clemgrid.analysis import settings, smoothing
from clemgrid.analysis.routes import default_route

EDGES = [0.0, 10.0, 40.0, 100.0, np.inf]
BRACKETS = ["<10B", "10-40B", "40-100B", ">100B"]
PROFILE_METRICS = ("pct_played", "quality")


def size_bracket(params_b: pd.Series) -> pd.Series:
    """Ordered bracket label of each parameter count (billions)."""
    return pd.cut(params_b, EDGES, right=False, labels=BRACKETS)


def bracket_frame(joined: pd.DataFrame) -> pd.DataFrame:
    """One row per model with ``log10_params`` and ``bracket``, sorted by size then score."""
    frame = default_route(joined)
    frame = frame.assign(
        log10_params=np.log10(frame["params_b"]), bracket=size_bracket(frame["params_b"])
    )
    return frame.sort_values(["params_b", "clemscore"], kind="stable").reset_index(drop=True)


def bracket_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """n, mean, sd, min and max clemscore per bracket."""
    grouped = frame.groupby("bracket", observed=True)["clemscore"]
    return (
        grouped.agg(["count", "mean", "std", "min", "max"])
        .rename(columns={"count": "n"})
        .reset_index()
    )


def anova_brackets(frame: pd.DataFrame) -> pd.DataFrame:
    """One-way ANOVA of clemscore over brackets: term, df, sum_sq, mean_sq, F, p."""
    fit = smf.ols(
        "clemscore ~ C(bracket)", frame.assign(bracket=frame["bracket"].astype(str))
    ).fit()
    table = sm.stats.anova_lm(fit, typ=1).reset_index(names="term")
    return table.rename(columns={"PR(>F)": "p"})


def tukey_brackets(frame: pd.DataFrame, alpha: float | None = None) -> pd.DataFrame:
    """Tukey HSD for every pair of brackets: meandiff (group2 - group1), adjusted p, CI, reject
    (at ``alpha``, by default :data:`settings.ALPHA`)."""
    alpha = settings.ALPHA if alpha is None else alpha
    result = pairwise_tukeyhsd(frame["clemscore"], frame["bracket"].astype(str), alpha=alpha)
    pairs = list(combinations(result.groupsunique, 2))  # the order statsmodels reports
    return pd.DataFrame(
        {
            "group1": [a for a, _ in pairs],
            "group2": [b for _, b in pairs],
            "meandiff": result.meandiffs,
            "p_adj": result.pvalues,
            "lower": result.confint[:, 0],
            "upper": result.confint[:, 1],
            "reject": result.reject,
        }
    )


def _coefficients(fit: Any, names: list[str]) -> pd.DataFrame:
    ci = fit.conf_int(settings.interval_alpha()).loc[names]
    return pd.DataFrame(
        {
            "term": names,
            "estimate": fit.fe_params[names].to_numpy(),
            "std_error": fit.bse_fe[names].to_numpy(),
            "p": fit.pvalues[names].to_numpy(),
            "ci_low": ci[0].to_numpy(),
            "ci_high": ci[1].to_numpy(),
        }
    )


def _grid(frame: pd.DataFrame, points: int) -> np.ndarray:
    return np.linspace(frame["log10_params"].min(), frame["log10_params"].max(), points)


def _mixed(frame: pd.DataFrame, formula: str, group: str) -> Any:
    return smf.mixedlm(formula, frame, groups=frame[group]).fit(reml=True)


def _random_part(fit: Any, frame: pd.DataFrame, group: str) -> dict[str, Any]:
    group_var = float(fit.cov_re.iloc[0, 0])
    return {
        "n": int(fit.nobs),
        "n_groups": int(frame[group].nunique()),
        "group_var": group_var,
        "residual_var": float(fit.scale),
        "icc": group_var / (group_var + float(fit.scale)),
        "converged": bool(fit.converged),
        "llf": float(fit.llf),
    }


def mixed_model(frame: pd.DataFrame, group: str = "family") -> dict[str, Any]:
    """clemscore ~ log10(params) with a random intercept per ``group`` (REML)."""
    fit = _mixed(frame, "clemscore ~ log10_params", group)
    return {
        "formula": f"clemscore ~ log10_params + (1 | {group})",
        "coefficients": _coefficients(fit, list(fit.fe_params.index)),
        **_random_part(fit, frame, group),
    }


def mixed_spline(
    frame: pd.DataFrame, df: int = 4, group: str = "family", points: int = 50
) -> dict[str, Any]:
    """The GAMM of seed 003 as statsmodels can fit it: a cubic B-spline of log10 params as
    fixed effects plus a random intercept per ``group``.

    Unlike mgcv's gamm the spline is not penalised, so ``df`` sets its flexibility; keep it
    small. ``curve`` is the fixed-effect prediction (the random intercept at its mean, 0).
    """
    fit = _mixed(frame, f"clemscore ~ bs(log10_params, df={df})", group)
    grid = _grid(frame, points)
    curve = pd.DataFrame({"log10_params": grid, "params_b": 10**grid})
    curve["fit"] = np.asarray(fit.predict(curve))
    return {
        "formula": f"clemscore ~ bs(log10_params, df={df}) + (1 | {group})",
        "coefficients": _coefficients(fit, list(fit.fe_params.index)),
        **_random_part(fit, frame, group),
        "curve": curve,
    }


def gam_model(frame: pd.DataFrame, df: int = 6, alpha: float | None = None) -> GLMGam:
    """Gaussian GAM of clemscore on a penalised cubic B-spline of log10 params.

    Without ``alpha`` the penalty weight is the one of a fixed grid with the smallest GCV
    (:func:`smoothing.select_alpha`), not statsmodels' ``select_penweight``, whose random
    search gives a different weight on every run.
    """
    x, y = frame["log10_params"].to_numpy(), frame["clemscore"].to_numpy()
    if alpha is None:
        alpha = smoothing.select_alpha(x, y, df)
    smoother = BSplines(x[:, None], df=[df], degree=[3])
    return GLMGam(y, exog=np.ones((len(frame), 1)), smoother=smoother, alpha=[alpha])


def gam(
    frame: pd.DataFrame, df: int = 6, alpha: float | None = None, points: int = 50
) -> dict[str, Any]:
    """Fit :func:`gam_model`; report its penalty, effective df, fit and the curve with its CI
    (at :data:`settings.LEVEL`)."""
    model = gam_model(frame, df, alpha)
    fit = model.fit()
    grid = _grid(frame, points)
    prediction = fit.get_prediction(
        exog=np.ones((points, 1)), exog_smooth=grid[:, None]
    ).summary_frame(alpha=settings.interval_alpha())
    curve = pd.DataFrame(
        {
            "log10_params": grid,
            "params_b": 10**grid,
            "fit": prediction["mean"].to_numpy(),
            "ci_low": prediction["mean_ci_lower"].to_numpy(),
            "ci_high": prediction["mean_ci_upper"].to_numpy(),
        }
    )
    return {
        "n": int(fit.nobs),
        "df": df,
        "alpha": float(np.asarray(model.alpha).ravel()[0]),
        "edf": float(fit.edf.sum()),
        "deviance_explained": float(1 - fit.deviance / fit.null_deviance),
        "aic": float(fit.aic),
        "smooth_p": float(fit.test_significance(0).pvalue),
        "curve": curve,
    }


def score_profiles(matrix: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Per-game %played and quality of the configs in ``frame``, one row each (wide).

    Quality is 0 where nothing of a game was played (no quality was achieved); a game not run
    for a config takes the mean of the others, so the profile stays comparable.
    """
    keys = ["model", "backend", "quant", "source"]
    long = matrix.merge(frame[keys], on=keys, how="inner")
    long.loc[long["pct_played"] == 0, "quality"] = 0.0
    wide = long.pivot(index=keys, columns="game", values=list(PROFILE_METRICS))
    wide.columns = [f"{game}:{metric}" for metric, game in wide.columns]
    return wide.fillna(wide.mean()).sort_index(axis=1).reset_index()


def tsne_map(
    matrix: pd.DataFrame, frame: pd.DataFrame, perplexity: float = 10.0, seed: int = 0
) -> pd.DataFrame:
    """2-D t-SNE of the standardised score profiles; needs scikit-learn (imported here only)."""
    from sklearn.manifold import TSNE

    profiles = score_profiles(matrix, frame)
    features = profiles.drop(columns=["model", "backend", "quant", "source"])
    z = ((features - features.mean()) / features.std(ddof=0).replace(0, 1)).to_numpy()
    xy = TSNE(n_components=2, perplexity=perplexity, random_state=seed, init="pca").fit_transform(z)
    keys = ["model", "backend", "quant", "source"]
    out = profiles[keys].assign(x=xy[:, 0], y=xy[:, 1])
    extra = [c for c in ("bracket", "family", "params_b", "clemscore") if c in frame.columns]
    return out.merge(frame[[*keys, *extra]], on=keys, how="left")


def size_models(
    frame: pd.DataFrame,
    mixed: dict[str, Any],
    gam_fit: dict[str, Any],
    gamm: dict[str, Any],
) -> pd.DataFrame:
    """One row per model of clemscore on log10 params fitted to ``frame``: plain OLS (for
    reference), the random-intercept model, the GAM and the GAMM (results of
    :func:`mixed_model`, :func:`gam`, :func:`mixed_spline`). ``fit`` names each one's own
    goodness of fit (``fit_measure``, ``fit_value``); ``r2`` holds R² (OLS) or the deviance
    explained (GAM)."""
    ols = smf.ols("clemscore ~ log10_params", frame).fit()
    ols_ci = ols.conf_int(settings.interval_alpha()).loc["log10_params"]
    slope = mixed["coefficients"].set_index("term").loc["log10_params"]
    rows = [
        {
            "key": "ols",
            "model": "OLS",
            "n": int(ols.nobs),
            "n_groups": None,
            "slope": float(ols.params["log10_params"]),
            "slope_ci_low": float(ols_ci[0]),
            "slope_ci_high": float(ols_ci[1]),
            "icc": None,
            "edf": float(ols.df_model + 1),
            "r2": float(ols.rsquared),
            "fit_measure": "R2",
            "fit_value": float(ols.rsquared),
        },
        {
            "key": "mixed",
            "model": "Mixed (random intercept)",
            "n": mixed["n"],
            "n_groups": mixed["n_groups"],
            "slope": float(slope["estimate"]),
            "slope_ci_low": float(slope["ci_low"]),
            "slope_ci_high": float(slope["ci_high"]),
            "icc": mixed["icc"],
            "edf": None,
            "r2": None,
            "fit_measure": "REML log-likelihood",
            "fit_value": mixed["llf"],
        },
        {
            "key": "gam",
            "model": f"GAM (B-spline, df {gam_fit['df']})",
            "n": gam_fit["n"],
            "n_groups": None,
            "slope": None,
            "slope_ci_low": None,
            "slope_ci_high": None,
            "icc": None,
            "edf": gam_fit["edf"],
            "r2": gam_fit["deviance_explained"],
            "fit_measure": "deviance explained",
            "fit_value": gam_fit["deviance_explained"],
        },
        {
            "key": "gamm",
            "model": "GAMM (B-spline + random intercept)",
            "n": gamm["n"],
            "n_groups": gamm["n_groups"],
            "slope": None,
            "slope_ci_low": None,
            "slope_ci_high": None,
            "icc": gamm["icc"],
            "edf": None,
            "r2": None,
            "fit_measure": "REML log-likelihood",
            "fit_value": gamm["llf"],
        },
    ]
    return pd.DataFrame(rows)
