"""Clemscore as a function of model size: the regressions of the paper's Section 4.

The paper reports clemscore ~ log10(params): F(1,18) = 23.56, R² = .57, and with
log10(training tokens) added: F(2,17) = 17.31, R² = .67, both on n = 20 models, without
listing them. Both fits share one subset (the two F tests have the same n), so all 20 have a
training-data size. :func:`size_frame` rebuilds the subset with this rule:

1. one row per model, its default access route (:func:`routes.default_route`: unquantised,
   local Hugging Face before the vendor's API before a third-party host);
2. open and closed models alike (the closed gemini-1.5-pro-latest has estimated counts in the
   characteristics file; without it R² drops to about .40, far from the paper);
3. a parameter count and a training-data size, where fine-tunes of llama-2-70b-hf take the
   2T tokens of Llama 2's pre-training (the count the file gives llama-2-70b-chat-hf), as
   listed in :data:`INHERITED_TOKENS`.

This gives n = 20 and F = 22.76, R² = .56 and F = 17.39, R² = .67. The same rule with only
the counts the file lists gives n = 17 (R² .57 and .68); also letting gemma-1.1-7b-it take
gemma-7b-it's 6T gives n = 21 (R² .54 and .67).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from clemgrid.analysis import settings
from clemgrid.analysis.routes import default_route

PARAMS = "clemscore ~ np.log10(params_b)"
PARAMS_TOKENS = "clemscore ~ np.log10(params_b) + np.log10(tokens_t)"
# Base model → characteristics entry whose training-token count its fine-tunes share.
INHERITED_TOKENS = {"llama-2-70b-hf": "llama-2-70b-chat-hf"}
SUBSET_RULE = (
    "default route per model (unquantised; HF-local > vendor API > third-party host), "
    "open and closed, parameter count and training tokens known, fine-tunes of "
    + ", ".join(INHERITED_TOKENS)
    + " inheriting the base model's training tokens"
)
# (F, df_model, df_resid, R²) printed in the paper, Section 4.
PAPER = {PARAMS: (23.56, 1, 18, 0.57), PARAMS_TOKENS: (17.31, 2, 17, 0.67)}


@dataclass(frozen=True)
class OLSResult:
    """One fitted formula in tidy form, with the frame it was fitted on."""

    formula: str
    subset_rule: str
    n: int
    models: list[str]
    coefficients: pd.DataFrame  # term, estimate, std_error, t, p, ci_low, ci_high
    f: float
    df_model: float
    df_resid: float
    f_p: float
    r2: float
    adj_r2: float
    frame: pd.DataFrame


def size_frame(joined: pd.DataFrame, inherit: dict[str, str] = INHERITED_TOKENS) -> pd.DataFrame:
    """The regression subset (module docstring) with a ``tokens_source`` column."""
    frame = default_route(joined)
    donors = joined.drop_duplicates("characteristics_name").set_index("characteristics_name")
    frame["tokens_source"] = np.where(
        frame["tokens_t"].notna(), "characteristics file", np.array(None, dtype=object)
    )
    for base, donor in inherit.items():
        takes = frame["tokens_t"].isna() & (frame["base_model"] == base)
        frame.loc[takes, "tokens_t"] = donors.loc[donor, "tokens_t"]
        frame.loc[takes, "tokens_source"] = f"inherited from {donor}"
    frame = frame.dropna(subset=["params_b", "tokens_t"])
    return frame.sort_values("params_b", kind="stable").reset_index(drop=True)


def fit_ols(frame: pd.DataFrame, formula: str, subset_rule: str = SUBSET_RULE) -> OLSResult:
    """OLS of ``formula`` on ``frame`` (rows with a missing variable are dropped by patsy)."""
    fit = smf.ols(formula, frame).fit()
    ci = fit.conf_int(settings.interval_alpha())
    coefficients = pd.DataFrame(
        {
            "term": fit.params.index,
            "estimate": fit.params.to_numpy(),
            "std_error": fit.bse.to_numpy(),
            "t": fit.tvalues.to_numpy(),
            "p": fit.pvalues.to_numpy(),
            "ci_low": ci[0].to_numpy(),
            "ci_high": ci[1].to_numpy(),
        }
    )
    used = frame.loc[fit.model.data.row_labels]
    return OLSResult(
        formula=formula,
        subset_rule=subset_rule,
        n=int(fit.nobs),
        models=used["model"].tolist(),
        coefficients=coefficients,
        f=float(fit.fvalue),
        df_model=float(fit.df_model),
        df_resid=float(fit.df_resid),
        f_p=float(fit.f_pvalue),
        r2=float(fit.rsquared),
        adj_r2=float(fit.rsquared_adj),
        frame=used.reset_index(drop=True),
    )


def size_regressions(joined: pd.DataFrame) -> dict[str, OLSResult]:
    """The paper's two fits on the reconstructed subset, keyed by formula."""
    frame = size_frame(joined)
    return {formula: fit_ols(frame, formula) for formula in (PARAMS, PARAMS_TOKENS)}


def summary(results: dict[str, OLSResult]) -> pd.DataFrame:
    """One row per fit, next to the paper's numbers where it printed them."""
    rows = []
    for formula, r in results.items():
        paper = PAPER.get(formula, (None,) * 4)
        rows.append(
            {
                "formula": formula,
                "n": r.n,
                "df_model": r.df_model,
                "df_resid": r.df_resid,
                "F": r.f,
                "F_p": r.f_p,
                "R2": r.r2,
                "adj_R2": r.adj_r2,
                "paper_F": paper[0],
                "paper_df_model": paper[1],
                "paper_df_resid": paper[2],
                "paper_R2": paper[3],
            }
        )
    return pd.DataFrame(rows)


def per_game_regressions(matrix: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """%played and quality of each game ~ log10(params) over the configs in ``frame``.

    ``matrix`` is a score matrix (MATRIX_SCHEMA); ``frame`` picks the configs and brings
    ``params_b`` (e.g. :func:`size_frame`). A game's quality is undefined where nothing was
    played, so its fit uses fewer models; ``n`` says how many.
    """
    keys = ["model", "backend", "quant", "source"]
    long = matrix.merge(frame[[*keys, "params_b"]], on=keys, how="inner")
    rows = []
    for (game, metric), part in long.melt(
        id_vars=[*keys, "game", "params_b"], value_vars=["pct_played", "quality"], var_name="metric"
    ).groupby(["game", "metric"], sort=True):
        fit = fit_ols(part.dropna(subset=["value"]), "value ~ np.log10(params_b)", "per game")
        slope = fit.coefficients.iloc[1]
        rows.append(
            {
                "game": game,
                "metric": metric,
                "n": fit.n,
                "intercept": fit.coefficients.iloc[0]["estimate"],
                "slope": slope["estimate"],
                "slope_ci_low": slope["ci_low"],
                "slope_ci_high": slope["ci_high"],
                "slope_p": slope["p"],
                "r2": fit.r2,
            }
        )
    return pd.DataFrame(rows)
