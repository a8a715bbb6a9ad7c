"""Tables of our runs: synthetic players are labelled, few-shot runs are paired by instance."""

import numpy as np
import pandas as pd

from clemgrid.analysis import latex, runs

MODELS = {
    "llm": {"facts": {"parameters_b": 0.1}},
    "bot": {"facts": {"synthetic": True}},
}


def _episodes(model, game, played, quality):
    n = len(played)
    return pd.DataFrame(
        {
            "model": model,
            "backend": "b",
            "quant": "none",
            "game": game,
            "experiment": "e",
            "instance_id": [str(i) for i in range(n)],
            "played": played,
            "quality": quality,
        }
    )


def test_synthetic_models_from_the_registry():
    assert runs.synthetic_models(MODELS) == ["bot"]


def test_config_table_labels_and_orders():
    clemscore = pd.DataFrame(
        {
            "model": ["bot", "llm"],
            "backend": "b",
            "quant": "none",
            "source": "clemgrid",
            "n_games": 1,
            "avg_pct_played": [100.0, 50.0],
            "avg_quality": [100.0, 40.0],
            "clemscore": [100.0, 20.0],
        }
    )
    intervals = clemscore[["model", "backend", "quant", "clemscore"]].assign(
        ci_low=[100.0, 10.0], ci_high=[100.0, 30.0], n_boot=200
    )
    table = runs.config_table(clemscore, intervals, ["bot"])
    assert table["model"].tolist() == ["llm", "bot"]  # language models first
    assert table["player"].tolist() == ["LLM", "synthetic"]
    assert table["label"].tolist() == ["llm / b / none", "bot / b / none [synthetic]"]
    tex = latex.runs_config_table(table)
    assert "bot & b & none & synthetic & 100.00 & [100.00, 100.00]" in tex
    assert tex.count("\\midrule") == 2  # header, then between models and synthetic players


def test_shot_comparisons_pair_instances():
    episodes = pd.concat(
        [
            _episodes("llm", "taboo", [1, 1, 0, 1], [100.0, 50.0, np.nan, 0.0]),
            _episodes("llm", "taboo+1shot", [1, 1, 1, 0], [100.0, 100.0, 50.0, np.nan]),
            _episodes("bot", "taboo", [1, 1, 1, 1], [100.0] * 4),
            _episodes("llm", "wordle", [0, 0], [np.nan, np.nan]),
            _episodes("llm", "wordle+1shot", [1, 0], [50.0, np.nan]),
        ]
    )
    base_games = {"taboo": "taboo", "taboo+1shot": "taboo", "wordle+1shot": "wordle"}
    table = runs.shot_comparisons(episodes, base_games, ["bot"], n_resamples=99)
    assert list(table["variant"]) == ["taboo+1shot", "wordle+1shot"]  # bot has no few-shot run
    assert table.iloc[1]["pct_played_variant"] == 50.0
    row = table.iloc[0]
    assert (row["game"], row["variant"], row["player"]) == ("taboo", "taboo+1shot", "LLM")
    assert row["pct_played_base"] == 75.0 and row["pct_played_variant"] == 75.0
    assert row["n_pairs"] == 4 and row["n_both_played"] == 2
    assert row["mean_quality_diff"] == 25.0  # (100-100 + 100-50) / 2
    assert (row["played_a_only"], row["played_b_only"]) == (1, 1)
    # Each arm's bootstrap CI brackets its mean and stays within the 0-100 range.
    for name in runs.SHOT_MEASURES:
        assert 0 <= row[f"{name}_low"] <= row[name] <= row[f"{name}_high"] <= 100
    assert row["pct_played_base_low"] < row["pct_played_base_high"]
    printed = runs.shots_markdown(table)
    assert "llm / b / none" in printed and "75.0 [" in printed


def test_empty_comparisons_give_empty_tables():
    assert runs.paired_table(pd.DataFrame(), ["bot"]).empty
    shots = runs.shot_comparisons(_episodes("bot", "taboo", [1], [100.0]), {}, ["bot"])
    assert shots.empty and "player" in shots.columns
    assert "(none in this run)" in latex.runs_shot_table(shots)
