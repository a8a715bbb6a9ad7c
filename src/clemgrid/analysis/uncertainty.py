"""Uncertainty the paper does not report: bootstrap CIs of clemscore and paired config tests.

Bootstrap: episodes are resampled with replacement within each game (the number of episodes per
game is fixed by the instance set), then clemscore is recomputed from the resampled matrix. The
interval is the "expanded percentile" one (Hesterberg 2015): quantiles at Phi(sqrt(n/(n-1)) z)
instead of Phi(z), which undoes the (n-1)/n shrinkage of the bootstrap variance that makes plain
percentile intervals too narrow for the 30-180 episodes a game has.
Paired tests need two configs that played the same instances: a sign-flip permutation test on
per-episode quality (pairs where both played) and McNemar's exact test on played. Both are exact
and discrete, so with few pairs even the most extreme data cannot give a small p-value: each test
also reports its smallest attainable p-value, computed from its own null distribution at the
observed sample size, and a test whose minimum is not below the significance level is "not
testable at this n" (reported so, not as p = 1).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

from clemgrid.analysis import settings

PAIR_KEYS = ["game", "experiment", "instance_id"]


def _clemscore(played: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """Unrounded clemscore of one config from per-game %played and quality arrays (games x B)."""
    avg_played = played.mean(axis=0)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all games aborted: quality undefined
        avg_quality = np.nanmean(quality, axis=0)
    return np.where(np.isnan(avg_quality), 0.0, avg_played / 100 * avg_quality)


def bootstrap_clemscore(
    episodes: pd.DataFrame, n_boot: int = 2000, seed: int = 0, level: float | None = None
) -> dict[str, float]:
    """Percentile CI of one config's clemscore at `level` (default :data:`settings.LEVEL`);
    `episodes` has game, played, quality columns."""
    level = settings.LEVEL if level is None else level
    rng = np.random.default_rng(seed)
    played_rows, quality_rows, point_played, point_quality = [], [], [], []
    for _, group in episodes.groupby("game", sort=True):
        played = group["played"].to_numpy(dtype=float)
        quality = group["quality"].to_numpy(dtype=float)  # NaN where aborted
        idx = rng.integers(0, len(group), size=(n_boot, len(group)))
        p, q = played[idx], quality[idx]
        played_rows.append(100 * p.mean(axis=1))
        counts = (~np.isnan(q)).sum(axis=1)
        quality_rows.append(
            np.where(counts > 0, np.nansum(q, axis=1) / np.maximum(counts, 1), np.nan)
        )
        point_played.append(100 * played.mean())
        point_quality.append(np.nanmean(quality) if (~np.isnan(quality)).any() else np.nan)
    samples = _clemscore(np.vstack(played_rows), np.vstack(quality_rows))
    point = _clemscore(np.array(point_played)[:, None], np.array(point_quality)[:, None])[0]
    n = min(len(group) for _, group in episodes.groupby("game"))
    alpha = stats.norm.cdf(np.sqrt(n / max(n - 1, 1)) * stats.norm.ppf((1 - level) / 2))
    low, high = np.quantile(samples, [alpha, 1 - alpha])
    return {
        "clemscore": float(point),
        "ci_low": float(low),
        "ci_high": float(high),
        "n_boot": n_boot,
    }


def mean_interval(
    values: np.ndarray, n_boot: int = 2000, seed: int = 0, level: float | None = None
) -> tuple[float, float]:
    """Percentile bootstrap CI of a mean (NaNs dropped): the per-game %played and quality of
    one config, which have a handful of episodes in the embedded grid. (nan, nan) below two
    values; a constant sample gives a zero-width interval."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return float("nan"), float("nan")
    if np.all(values == values[0]):
        return float(values[0]), float(values[0])
    result = stats.bootstrap(
        (values,),
        np.mean,
        n_resamples=n_boot,
        confidence_level=settings.LEVEL if level is None else level,
        method="percentile",
        random_state=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def sign_flip_min_p(diffs: np.ndarray) -> float:
    """Smallest two-sided p-value the sign-flip test can give for these |differences|: the
    share of the 2^n sign vectors whose |sum| reaches the largest possible |sum| (all nonzero
    differences of one sign). Zeros flip to themselves, so it is 2 / 2^(nonzero), at most 1."""
    nonzero = int(np.count_nonzero(np.asarray(diffs, dtype=float)))
    return 1.0 if nonzero == 0 else min(1.0, 2.0 ** (1 - nonzero))


def mcnemar_min_p(discordant: int) -> float:
    """Smallest p-value of McNemar's exact test with ``discordant`` discordant pairs: all of
    them on one side, ``2 * P(X = 0)`` for X ~ Binomial(discordant, 1/2), at most 1."""
    return min(1.0, 2 * 0.5**discordant)  # P(X = 0) = 2^-k exactly


def testable(min_p: float, alpha: float | None = None) -> bool:
    """Whether a test with this smallest attainable p-value can reject at ``alpha``
    (default :data:`settings.ALPHA`)."""
    return bool(min_p < (settings.ALPHA if alpha is None else alpha))


@dataclass(frozen=True)
class PairedTest:
    n_pairs: int
    n_both_played: int
    mean_quality_diff: float
    permutation_p: float
    permutation_min_p: float
    played_a_only: int
    played_b_only: int
    mcnemar_p: float
    mcnemar_min_p: float


def paired_tests(
    a: pd.DataFrame, b: pd.DataFrame, n_resamples: int = 9999, seed: int = 0
) -> PairedTest:
    """Compare two configs on the instances both played; raises if they share none."""
    pairs = a.merge(b, on=PAIR_KEYS, suffixes=("_a", "_b"))
    if pairs.empty:
        raise ValueError("the two configs played no common instance")
    both = pairs.dropna(subset=["quality_a", "quality_b"])
    diffs = (both["quality_a"] - both["quality_b"]).to_numpy(dtype=float)
    # One pair has two sign flips with the same |mean|: p = 1, which scipy refuses to compute.
    if len(diffs) > 1 and np.any(diffs != 0):
        perm = stats.permutation_test(
            (diffs,),
            np.mean,
            permutation_type="samples",
            n_resamples=n_resamples,
            alternative="two-sided",
            random_state=np.random.default_rng(seed),
        )
        p_quality = float(perm.pvalue)
    else:
        p_quality = 1.0
    a_only = int(((pairs["played_a"] == 1) & (pairs["played_b"] == 0)).sum())
    b_only = int(((pairs["played_a"] == 0) & (pairs["played_b"] == 1)).sum())
    both_played = int(((pairs["played_a"] == 1) & (pairs["played_b"] == 1)).sum())
    neither = len(pairs) - a_only - b_only - both_played
    p_played = float(mcnemar([[both_played, a_only], [b_only, neither]], exact=True).pvalue)
    return PairedTest(
        n_pairs=len(pairs),
        n_both_played=len(both),
        mean_quality_diff=float(diffs.mean()) if len(diffs) else float("nan"),
        permutation_p=p_quality,
        permutation_min_p=sign_flip_min_p(diffs),
        played_a_only=a_only,
        played_b_only=b_only,
        mcnemar_p=p_played,
        mcnemar_min_p=mcnemar_min_p(a_only + b_only),
    )


CONFIG_KEYS = ["model", "backend", "quant"]


def clemscore_intervals(episodes: pd.DataFrame, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Bootstrap CI of every config's clemscore (episode scores of a whole run)."""
    rows = []
    for keys, group in episodes.groupby(CONFIG_KEYS, sort=True):
        rows.append(
            {
                **dict(zip(CONFIG_KEYS, keys, strict=True)),
                **bootstrap_clemscore(group, n_boot=n_boot, seed=seed),
            }
        )
    return pd.DataFrame(rows)


def same_model_comparisons(
    episodes: pd.DataFrame, n_resamples: int = 9999, seed: int = 0
) -> pd.DataFrame:
    """Paired tests per game between every two configs of the same model (backend or quant effects)."""
    rows = []
    for model, by_model in episodes.groupby("model", sort=True):
        configs = sorted(by_model.groupby(["backend", "quant"]).groups)
        for i, a in enumerate(configs):
            for b in configs[i + 1 :]:
                for game, by_game in by_model.groupby("game", sort=True):
                    frame_a = by_game[(by_game.backend == a[0]) & (by_game.quant == a[1])]
                    frame_b = by_game[(by_game.backend == b[0]) & (by_game.quant == b[1])]
                    if frame_a.empty or frame_b.empty:
                        continue
                    test = paired_tests(frame_a, frame_b, n_resamples=n_resamples, seed=seed)
                    rows.append(
                        {
                            "model": model,
                            "game": game,
                            "config_a": f"{a[0]}/{a[1]}",
                            "config_b": f"{b[0]}/{b[1]}",
                            **test.__dict__,
                        }
                    )
    return pd.DataFrame(rows)
