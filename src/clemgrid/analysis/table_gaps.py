"""Fill the gaps of the paper's tables that the published score file leaves, marked as such.

:func:`clemgrid.analysis.tables.build` keeps a row the score file lacks with empty scores. Two
other sources hold some of them:

- the official v1.6 leaderboard (``resources/clembench_v1.6/results.csv``, one row per player
  pair) has codegemma-7b-it, which the paper's Table 4 lists but the score file omits;
- only the paper itself prints Llama-3-8B-Instruct via Groq and via Together AI (its
  Table 6); their values are taken from the paper (:data:`PAPER_ONLY`).

Filled rows keep their own ``status`` (:data:`LEADERBOARD`, :data:`PAPER`), so every count of
rows "in the data" still counts the score file only. Table 4 also gets the instruction-tuning
data of each model from the characteristics file, which the paper's "data mix" argument uses.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from clemgrid.analysis.published import LLAMA3_8B
from clemgrid.analysis.tables import LOCAL, MISSING, SCORES

LEADERBOARD = "clembench v1.6 leaderboard"
PAPER = "printed in the paper only"

# (model, backend, quant) -> the leaderboard's player pair for it
LEADERBOARD_PAIRS = {
    ("codegemma-7b-it", LOCAL, "none"): "codegemma-7b-it-t0.0--codegemma-7b-it-t0.0",
}
# Bhavsar et al. (2024), Table 6: clemscore, average %played, average quality
PAPER_ONLY = {
    (LLAMA3_8B, "groq", "none"): (17.79, 77.43, 22.98),
    (LLAMA3_8B, "together", "none"): (21.66, 74.67, 29.01),
}
KEYS = ["model", "backend", "quant"]


def leaderboard(csv: str | Path) -> pd.DataFrame:
    """The leaderboard's overall scores per player pair (columns: pair and SCORES)."""
    wide = pd.read_csv(csv)
    wide = wide.rename(columns={wide.columns[0]: "pair"})
    wide.columns = [c.strip() for c in wide.columns]
    columns = {
        "-, clemscore": "clemscore",
        "all, Average % Played": "avg_pct_played",
        "all, Average Quality Score": "avg_quality",
    }
    return wide[["pair", *columns]].rename(columns=columns)


def fill(table: pd.DataFrame, board: pd.DataFrame) -> pd.DataFrame:
    """``table`` (from ``tables.build``) with its missing rows filled where the leaderboard or
    the paper has them, each with the status naming its source."""
    table = table.copy()
    by_pair = board.set_index("pair")
    for i, row in table[table["status"] == MISSING].iterrows():
        key = (row["model"], row["backend"], row["quant"])
        if key in LEADERBOARD_PAIRS and LEADERBOARD_PAIRS[key] in by_pair.index:
            table.loc[i, SCORES] = by_pair.loc[LEADERBOARD_PAIRS[key], SCORES].to_numpy(float)
            table.loc[i, "status"] = LEADERBOARD
        elif key in PAPER_ONLY:
            table.loc[i, SCORES] = PAPER_ONLY[key]
            table.loc[i, "status"] = PAPER
    return table


def with_tuning_data(table: pd.DataFrame, joined: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a ``tuning_data`` column: the characteristics file's instruction-tuning
    data of each row's model (empty where the file has none)."""
    tuning = joined[["model", "tuning_data"]].drop_duplicates("model")
    return table.merge(tuning, on="model", how="left", validate="m:1")


MARKS = {LEADERBOARD: "$^{a}$", PAPER: "$^{b}$"}
"""How a filled row is marked in print; the paper's captions explain the letters."""
