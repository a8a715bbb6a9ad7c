"""t-SNE of the score profiles over several perplexities and seeds, to show what is stable.

One t-SNE map depends on its perplexity and seed; a cluster seen in one map may be an artefact.
:func:`tsne_grid` embeds the same standardised per-game profiles (``size_statistics``) for
every listed (perplexity, seed); :func:`stability` measures, per perplexity, how far the
seeds' maps differ after rotation and scaling (Procrustes disparity), how well each map keeps
the profile space's neighbourhoods (trustworthiness) and how well each factor's levels
separate in it (silhouette, also in the profile space itself as the reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.spatial import procrustes
from sklearn.manifold import TSNE, trustworthiness
from sklearn.metrics import silhouette_score

from clemgrid.analysis.size_statistics import score_profiles

KEYS = ["model", "backend", "quant", "source"]
COLOURINGS = {"bracket": "size bracket", "tuning": "tuning", "family": "architecture family"}


def standardised(matrix: pd.DataFrame, frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The models' keys and their z-scored per-game %played and quality profiles."""
    profiles = score_profiles(matrix, frame)
    features = profiles.drop(columns=KEYS)
    z = (features - features.mean()) / features.std(ddof=0).replace(0, 1)
    return profiles[KEYS], z.to_numpy()


def tsne_grid(
    matrix: pd.DataFrame,
    frame: pd.DataFrame,
    perplexities: Sequence[float],
    seeds: Sequence[int],
) -> pd.DataFrame:
    """Long frame: one row per (perplexity, seed, model) with ``x``, ``y`` and the model's
    columns of ``frame`` (factors, size, clemscore)."""
    keys, z = standardised(matrix, frame)
    parts = []
    for perplexity in perplexities:
        for seed in seeds:
            # Random initialisation: with scikit-learn's PCA start the seed changes nothing,
            # so only a random start shows what depends on where the optimisation begins.
            xy = TSNE(
                n_components=2, perplexity=perplexity, random_state=seed, init="random"
            ).fit_transform(z)
            parts.append(keys.assign(perplexity=perplexity, seed=seed, x=xy[:, 0], y=xy[:, 1]))
    grid = pd.concat(parts, ignore_index=True)
    return grid.merge(frame.drop(columns=["clemscore"], errors="ignore"), on=KEYS, how="left")


def _silhouette(points: np.ndarray, labels: pd.Series) -> float:
    known = labels.notna().to_numpy()
    values = labels[known].astype(str)
    if values.nunique() < 2 or values.nunique() >= known.sum():
        return np.nan
    return float(silhouette_score(points[known], values))


def stability(
    matrix: pd.DataFrame,
    frame: pd.DataFrame,
    grid: pd.DataFrame,
    colourings: Sequence[str] = tuple(COLOURINGS),
    neighbours: int = 5,
) -> pd.DataFrame:
    """One row per perplexity: mean and max Procrustes disparity over the seeds' pairs, mean
    trustworthiness, and per colouring the silhouette's mean, min and max over the seeds; a row
    ``perplexity = NaN`` gives the silhouettes in the standardised profile space."""
    keys, z = standardised(matrix, frame)
    labels = keys.merge(frame, on=KEYS, how="left")
    rows = [
        {"perplexity": np.nan, "n": len(keys)}
        | {f"silhouette_{c}_mean": _silhouette(z, labels[c]) for c in colourings}
    ]
    for perplexity, part in grid.groupby("perplexity", sort=True):
        maps = {
            seed: keys.merge(one, on=KEYS, how="left")[["x", "y"]].to_numpy()
            for seed, one in part.groupby("seed", sort=True)
        }
        disparity = [procrustes(maps[a], maps[b])[2] for a, b in combinations(maps, 2)]
        row = {
            "perplexity": perplexity,
            "n": len(keys),
            "seeds": len(maps),
            "disparity_mean": float(np.mean(disparity)) if disparity else np.nan,
            "disparity_max": float(np.max(disparity)) if disparity else np.nan,
            "neighbours": neighbours,
            "trustworthiness": float(
                np.mean([trustworthiness(z, m, n_neighbors=neighbours) for m in maps.values()])
            ),
        }
        for c in colourings:
            values = [_silhouette(m, labels[c]) for m in maps.values()]
            row |= {
                f"silhouette_{c}_mean": float(np.mean(values)),
                f"silhouette_{c}_min": float(np.min(values)),
                f"silhouette_{c}_max": float(np.max(values)),
            }
        rows.append(row)
    return pd.DataFrame(rows)
