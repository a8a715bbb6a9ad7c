"""Aggregation must reproduce clembench's published numbers from its per-game values."""

from pathlib import Path

import pandas as pd
import pytest

from clemgrid.scoring import clemscores, game_scores

REFERENCE = (
    Path(__file__).parents[1] / "resources" / "clembench_v1.6" / "clembench_model_scores.csv"
)
GAMES = [
    "imagegame",
    "privateshared",
    "referencegame",
    "taboo",
    "wordle",
    "wordle_withclue",
    "wordle_withcritic",
]


def published_matrix() -> pd.DataFrame:
    wide = pd.read_csv(REFERENCE)
    wide.columns = [c.strip() for c in wide.columns]
    rows = []
    for _, r in wide.iterrows():
        for game in GAMES:
            if pd.isna(r[f"{game}, % Played"]):
                continue  # game not run for this config
            rows.append(
                {
                    "model": r["Model Name"],
                    "backend": r["Backend"],
                    "quant": "published",
                    "source": "clembench-v1.6",
                    "game": game,
                    "pct_played": r[f"{game}, % Played"],
                    "quality": r[f"{game}, Quality Score"],
                }
            )
    return pd.DataFrame(rows), wide


def test_clemscore_reproduces_every_published_config():
    matrix, wide = published_matrix()
    ours = clemscores(matrix).set_index(["model", "backend"])
    assert len(ours) == len(wide) == 55
    for _, r in wide.iterrows():
        row = ours.loc[(r["Model Name"], r["Backend"])]
        assert row["avg_pct_played"] == pytest.approx(r["all, Average % Played"], abs=0.005)
        assert row["avg_quality"] == pytest.approx(r["all, Average Quality Score"], abs=0.005)
        assert row["clemscore"] == pytest.approx(r["clemscore"], abs=0.005), r["Model Name"]


def test_llama3_70b_worked_example():
    matrix, _ = published_matrix()
    scores = clemscores(matrix)
    row = scores[scores.model == "meta-llama-3-70b-instruct-hf"].iloc[0]
    assert (row["avg_quality"], row["avg_pct_played"], row["clemscore"]) == (43.5, 80.72, 35.11)


def test_missing_game_is_left_out_but_unplayed_game_counts():
    matrix = pd.DataFrame(
        [
            {
                "model": "m",
                "backend": "b",
                "quant": "q",
                "source": "s",
                "game": "a",
                "pct_played": 100.0,
                "quality": 50.0,
            },
            {
                "model": "m",
                "backend": "b",
                "quant": "q",
                "source": "s",
                "game": "b",
                "pct_played": 0.0,
                "quality": None,
            },
        ]
    )
    row = clemscores(matrix).iloc[0]
    assert (row["n_games"], row["avg_pct_played"], row["avg_quality"], row["clemscore"]) == (
        2,
        50.0,
        50.0,
        25.0,
    )


def test_nothing_played_scores_zero_with_undefined_quality():
    matrix = pd.DataFrame(
        [
            {
                "model": "m",
                "backend": "b",
                "quant": "q",
                "source": "s",
                "game": "a",
                "pct_played": 0.0,
                "quality": None,
            }
        ]
    )
    row = clemscores(matrix).iloc[0]
    assert row["clemscore"] == 0.0 and pd.isna(row["avg_quality"])


def test_game_scores_pool_episodes_and_skip_aborted_quality():
    keys = {"model": "m", "backend": "b", "quant": "q", "game": "taboo"}
    episodes = pd.DataFrame(
        [
            {**keys, "played": 1, "quality": 100.0},
            {**keys, "played": 1, "quality": 50.0},
            {**keys, "played": 0, "quality": None},
        ]
    )
    row = game_scores(episodes).iloc[0]
    assert row["n_episodes"] == 3
    assert row["pct_played"] == 66.67
    assert row["quality"] == 75.0
    assert row["quality_std"] == 35.36
