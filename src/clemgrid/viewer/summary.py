"""Numbers and pictures of a run's summary page: the score matrix and the analysis figures.

Figures are embedded as data URIs so the page stays one file that opens offline anywhere.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from clemgrid.scoring import CONFIG_KEYS, clemscores, game_scores


def heat(value: float | None) -> str:
    """Background colour for a 0-100 score: red through yellow to green, grey when missing."""
    if value is None or pd.isna(value):
        return "background:#eceef1"
    hue = round(1.2 * min(max(float(value), 0.0), 100.0))
    return f"background:hsl({hue},70%,84%)"


def number(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.2f}"


def matrix_from_scores(score_rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The matrix `aggregate` would write, for runs where it has not been written yet."""
    return game_scores(pd.DataFrame(score_rows)) if score_rows else pd.DataFrame()


@dataclass(frozen=True)
class MatrixTable:
    games: list[str]
    rows: list[dict[str, Any]]  # config keys, source, clemscore, averages, per-game cells


def matrix_table(matrix: pd.DataFrame) -> MatrixTable:
    """One row per config and source, best clemscore first, each game as (%played, quality)."""
    if matrix.empty:
        return MatrixTable([], [])
    keys = [*CONFIG_KEYS, "source"]
    cells = {
        (*(row[k] for k in keys), row["game"]): (row["pct_played"], row["quality"])
        for row in matrix.to_dict("records")
    }
    games = sorted(matrix["game"].unique())
    scores = clemscores(matrix).sort_values(
        ["clemscore", *keys], ascending=[False, True, True, True, True]
    )
    rows = [
        {
            **{k: row[k] for k in keys},
            **{k: row[k] for k in ("clemscore", "avg_pct_played", "avg_quality")},
            "games": [cells.get((*(row[k] for k in keys), g), (None, None)) for g in games],
        }
        for row in scores.to_dict("records")
    ]
    return MatrixTable(games, rows)


def figures(
    directory: Path | None, files: Iterable[str | Path] | None = None
) -> list[tuple[str, str]]:
    """(name, data URI) of the PNGs `files` under `directory`, named by their path under it and
    sorted by path; without `files` every PNG under `directory` (none when it does not exist).

    The workflow passes its declared figures: what a folder holds depends on which jobs ran
    before, and the page must not.
    """
    if directory is None:
        return []
    if files is None:
        if not directory.is_dir():
            return []
        files = directory.rglob("*.png")
    return [
        (
            path.relative_to(directory).as_posix(),
            "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii"),
        )
        for path in sorted(Path(file) for file in files)
    ]
