"""Penalty weight of a penalised spline, chosen deterministically over a fixed grid.

statsmodels' ``GLMGam.select_penweight`` searches the weight with a randomised optimiser
(basinhopping without a seed), so repeated runs give slightly different weights and the
pipeline's outputs differ byte for byte. Here every weight of a fixed log-spaced grid is fitted
and the one with the smallest generalised cross-validation score (or AIC) is kept: the same data
always give the same weight, and the grid with each weight's criterion can be reported.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.gam.api import BSplines, GLMGam

PENALTY_GRID = tuple(float(a) for a in np.logspace(-3, 4, 29))
"""Candidate penalty weights: 10^-3 to 10^4, four per decade (inclusive)."""
Criterion = Literal["gcv", "aic"]


def _design(x: np.ndarray, df: int) -> tuple[BSplines, np.ndarray]:
    return BSplines(x[:, None], df=[df], degree=[3]), np.ones((len(x), 1))


def penalty_path(
    x: np.ndarray, y: np.ndarray, df: int, grid: tuple[float, ...] = PENALTY_GRID
) -> pd.DataFrame:
    """Fit a Gaussian GAM of ``y`` on a cubic B-spline (``df``) of ``x`` for every weight of
    ``grid``: alpha, edf, deviance, GCV (n·deviance / (n - edf)²) and AIC."""
    smoother, exog = _design(np.asarray(x, float), df)
    n = len(y)
    rows = []
    for alpha in grid:
        fit = GLMGam(np.asarray(y, float), exog=exog, smoother=smoother, alpha=[alpha]).fit()
        edf = float(fit.edf.sum())
        rows.append(
            {
                "alpha": alpha,
                "edf": edf,
                "deviance": float(fit.deviance),
                "gcv": n * float(fit.deviance) / (n - edf) ** 2,
                "aic": float(fit.aic),
            }
        )
    return pd.DataFrame(rows)


def select_alpha(
    x: np.ndarray,
    y: np.ndarray,
    df: int,
    criterion: Criterion = "gcv",
    grid: tuple[float, ...] = PENALTY_GRID,
) -> float:
    """The weight of ``grid`` with the smallest ``criterion`` (the first, on ties)."""
    path = penalty_path(x, y, df, grid)
    return float(path.loc[path[criterion].idxmin(), "alpha"])
