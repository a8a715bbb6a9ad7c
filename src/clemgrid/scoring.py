"""From episode scores to the score matrix and clemscore, computed the way clembench does.

clembench rounds each game's %played and quality to two decimals before averaging them over
games, and rounds the averages and the clemscore again; copying that is what makes the
published v1.6 numbers reproducible to the last digit.
"""

from __future__ import annotations

import pandas as pd

CONFIG_KEYS = ["model", "backend", "quant"]
GAME_KEYS = [*CONFIG_KEYS, "game"]


def game_scores(episodes: pd.DataFrame, source: str = "clemgrid") -> pd.DataFrame:
    """One row per config × game: %played over all episodes, quality over played ones."""
    rows = []
    for keys, group in episodes.groupby(GAME_KEYS, sort=True):
        quality = group["quality"].dropna()
        rows.append(
            {
                **dict(zip(GAME_KEYS, keys, strict=True)),
                "source": source,
                "n_episodes": len(group),
                "pct_played": round(100 * group["played"].mean(), 2),
                "quality": round(quality.mean(), 2) if len(quality) else None,
                "quality_std": round(quality.std(ddof=1), 2) if len(quality) > 1 else None,
            }
        )
    return pd.DataFrame(rows)


def clemscores(matrix: pd.DataFrame) -> pd.DataFrame:
    """One row per config. A game with 0 %played counts in avg %played; a null quality does not.

    When no game was played at all, avg quality is undefined and clemscore is 0: the product's
    first factor (the played share) is 0.
    """
    rows = []
    for keys, group in matrix.groupby([*CONFIG_KEYS, "source"], sort=True):
        avg_played = round(group["pct_played"].mean(), 2)
        qualities = group["quality"].dropna()
        avg_quality = round(qualities.mean(), 2) if len(qualities) else None
        score = 0.0 if avg_quality is None else round(avg_played / 100 * avg_quality, 2)
        rows.append(
            {
                **dict(zip([*CONFIG_KEYS, "source"], keys, strict=True)),
                "n_games": len(group),
                "avg_pct_played": avg_played,
                "avg_quality": avg_quality,
                "clemscore": score,
            }
        )
    return pd.DataFrame(rows)
