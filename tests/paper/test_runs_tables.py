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
    matrix = pd.DataFrame(
        {
            "model": ["bot", "llm"],
            "backend": "b",
            "quant": "none",
            "source": "clemgrid",
            "game": "taboo",
            "pct_played": [100.0, 50.0],
            "quality": [100.0, 40.0],
        }
    )
    intervals = matrix[["model", "backend", "quant"]].assign(
        ci_low=[100.0, 10.0], ci_high=[100.0, 30.0], n_boot=200
    )
    table = runs.config_table(matrix, intervals, ["bot"])
    assert table["model"].tolist() == ["llm", "bot"]  # language models first
    assert table["player"].tolist() == ["LLM", "synthetic"]
    assert table["label"].tolist() == ["llm / b / none", "bot / b / none [synthetic]"]
    tex = latex.runs_config_table(table)
    assert "bot & b & none & synthetic & 1 & 100.00 & [100.00, 100.00]" in tex
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


ZERO_SHOT = [
    "taboo",
    "imagegame",
    "referencegame",
    "wordle",
    "wordle_withclue",
    "privateshared",
    "wordle_withcritic",
]


def test_clemscores_are_compared_over_the_common_zero_shot_games():
    """A config with 14 games (7 zero-shot + their few-shot variants) and one with the 7
    zero-shot games: both clemscores average the same 7 games; the variants stand apart."""
    base_games = {f"{g}+1shot": g for g in ZERO_SHOT}
    rows = []
    for model, games in (("both", ZERO_SHOT + list(base_games)), ("zero", ZERO_SHOT)):
        for game in games:
            few = "+1shot" in game
            rows.append(
                {
                    "model": model,
                    "backend": "b",
                    "quant": "none",
                    "source": "clemgrid",
                    "game": game,
                    "pct_played": 100.0 if few else 50.0,
                    "quality": 100.0 if few else 40.0,
                }
            )
    matrix = pd.DataFrame(rows)
    intervals = pd.DataFrame(
        {"model": ["both", "zero"], "backend": "b", "quant": "none", "ci_low": 0.0}
    ).assign(ci_high=50.0, n_boot=10)
    table = runs.config_table(matrix, intervals, [], base_games=base_games).set_index("model")
    assert table.loc["both", "clemscore"] == table.loc["zero", "clemscore"] == 20.0
    assert (table["n_games"] == 7).all() and table["complete"].all()
    assert table.loc["both", "clemscore_kshot"] == 100.0 and table.loc["both", "n_kshot_games"] == 7
    assert pd.isna(table.loc["zero", "clemscore_kshot"])
    # Before: the 14-game config averaged in its variants (75 % played x 70 quality).
    from clemgrid import scoring

    assert scoring.clemscores(matrix).set_index("model").loc["both", "clemscore"] == 52.5
    partial = runs.config_table(
        matrix[matrix["game"] != "taboo"].assign(), intervals, [], base_games=base_games
    )
    assert partial["n_games"].tolist() == [6, 6]
    missing = pd.concat([matrix, matrix.iloc[[0]].assign(model="one", game="taboo")])
    intervals3 = pd.concat([intervals, intervals.iloc[[0]].assign(model="one")])
    table3 = runs.config_table(missing, intervals3, [], base_games=base_games).set_index("model")
    assert not table3.loc["one", "complete"] and table3.loc["zero", "complete"]
    assert "$^\\dagger$" in latex.runs_config_table(table3.reset_index())


def test_synthetic_few_shot_rows_are_a_a_checks_and_untestable_tests_say_so():
    episodes = pd.concat(
        [
            _episodes("llm", "taboo", [1, 1, 0], [100.0, 50.0, np.nan]),
            _episodes("llm", "taboo+1shot", [1, 1, 1], [100.0, 100.0, 50.0]),
            _episodes("bot", "taboo", [1, 1, 1], [100.0] * 3),
            _episodes("bot", "taboo+1shot", [1, 0, 1], [100.0, np.nan, 0.0]),
        ]
    )
    table = runs.shot_comparisons(episodes, {"taboo+1shot": "taboo"}, ["bot"], n_resamples=99)
    assert table.set_index("model")["comparison"].to_dict() == {
        "llm": runs.FEW_SHOT,
        "bot": runs.AA_CHECK,
    }
    # One discordant pair, one nonzero difference: the smallest attainable p is 1.
    assert not table["permutation_testable"].any() and not table["mcnemar_testable"].any()
    assert runs.rejects(table, "permutation") == runs.rejects(table, "mcnemar") == 0
    tex = latex.runs_shot_table(table)
    assert "A/A check" in tex and tex.count("n.t.\\,(1.000)") == 4  # not p = 1
    assert "not testable (min p 1.000)" in runs.shots_markdown(table)
