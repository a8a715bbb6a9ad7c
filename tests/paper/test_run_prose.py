"""The own-runs sentences that state a result follow the numbers: altered data, other words."""

import numpy as np
import pandas as pd
import pytest

from clemgrid.analysis import macros, run_prose, runs


def _configs(scores, lows, highs, players=None, complete=None):
    n = len(scores)
    players = players or ["LLM"] * n
    return pd.DataFrame(
        {
            "model": [f"m{i}" for i in range(n)],
            "backend": "b",
            "quant": "none",
            "player": players,
            "label": [f"m{i} / b / none" for i in range(n)],
            "n_games": 7,
            "complete": complete or [True] * n,
            "clemscore": scores,
            "ci_low": lows,
            "ci_high": highs,
            "avg_pct_played": 50.0,
            "avg_quality": 50.0,
        }
    )


def _games(configs, played):
    return configs[["model", "backend", "quant", "player"]].assign(
        game="taboo", n_episodes=3, pct_played=played, quality=50.0
    )


def _tests(n_pairs, p, min_p, player="LLM", delta=10.0):
    table = pd.DataFrame(
        {
            "model": "m",
            "player": player,
            "n_pairs": n_pairs,
            "permutation_p": p,
            "permutation_min_p": min_p,
            "mcnemar_p": p,
            "mcnemar_min_p": min_p,
            "pct_played_base": 50.0,
            "pct_played_variant": 50.0 + delta,
        },
        index=range(len(n_pairs) if isinstance(n_pairs, list) else 1),
    )
    return runs.with_testability(table)


def test_floor_and_top_sentences_follow_the_scores():
    apart = _configs([40.0, 10.0, 90.0], [30.0, 5.0, 80.0], [50.0, 15.0, 95.0])
    apart.loc[2, "player"] = "synthetic"
    overlap = apart.assign(ci_low=[5.0, 5.0, 80.0], ci_high=[50.0, 45.0, 95.0])
    assert "lies above that of the runner-up" in run_prose.top(apart)
    assert "not established" in run_prose.top(overlap)
    assert "m0 / b / none" in run_prose.top(apart)  # the synthetic player is not ranked
    floor = apart.assign(clemscore=[0.0, 0.0, 90.0])
    games = _games(apart, [50.0, 0.0, 100.0])
    assert run_prose.floor(apart, games).startswith("No language-model configuration")
    assert "1 of their 2 game runs" in run_prose.floor(apart, games)
    assert run_prose.floor(floor, games).startswith("All 2 language-model configurations score 0")
    assert run_prose.top(floor) == ""  # no ranking to report at the floor
    some = apart.assign(clemscore=[0.0, 10.0, 90.0])
    assert run_prose.floor(some, games).startswith("1 of the 2 language-model configurations")
    incomplete = apart.assign(complete=[True, False, True])
    assert "1 configuration played only some" in run_prose.common_games(incomplete, ["taboo"])
    assert "only some" not in run_prose.common_games(apart, ["taboo"])


def test_test_sentences_say_not_testable_instead_of_no_rejection():
    untestable = _tests([3, 3, 2], [1.0, 0.5, 1.0], [0.25, 0.25, 0.5])
    text = run_prose.tests(untestable, "comparison")
    assert text.startswith("None of the 3 comparisons is testable")
    assert "at most 3 instance pairs" in text and "0.250" in text
    testable = _tests([30, 30, 2], [0.01, 0.5, 1.0], [1e-9, 1e-9, 0.5])
    text = run_prose.tests(testable, "comparison")
    assert "2 permutation tests are testable" in text and "1 of them reject" in text


def test_few_shot_sentence_separates_a_a_checks():
    models = _tests([3], [1.0], [0.25], delta=-12.5)
    checks = _tests([3, 3], [1.0, 1.0], [0.25, 0.25], player="synthetic", delta=0.0)
    text = run_prose.shots(pd.concat([models, checks], ignore_index=True))
    assert "lowers \\% played by 12.5 points" in text
    assert "The 2 rows of synthetic players are A/A checks" in text
    assert "raises" in run_prose.shots(_tests([3], [1.0], [0.25], delta=5.0))
    assert "A/A" not in run_prose.shots(models)


def _summary(coverage, rejects, testable=100.0, episodes=60):
    se = lambda r: 100 * np.sqrt(r / 100 * (1 - r / 100) / 400)  # noqa: E731
    return pd.DataFrame(
        {
            "scenario": ["equal skill", "10-point gap"],
            "episodes": episodes,
            "repetitions": 400,
            "true_clemscore_a": [60.0, 60.0],
            "true_clemscore_b": [60.0, 50.0],
            "true_gap": [0.0, 10.0],
            "mean_estimate_a": [60.0, 60.0],
            "mean_estimate_b": [60.0, 50.0],
            "ci_coverage": coverage,
            "ci_coverage_se": [se(c) for c in coverage],
            **{
                f"{t}_{k}": v
                for t in ("permutation", "mcnemar")
                for k, v in (
                    ("testable", testable),
                    ("rejects", rejects),
                    ("rejects_se", [se(r) for r in rejects]),
                )
            },
        }
    )


def test_simulation_sentence_compares_with_the_target_within_mc_error():
    good = run_prose.simulation(_summary([94.5, 95.0], [5.5, 70.0]), 60, 10)
    assert "within two Monte Carlo standard errors of the nominal 95" in good
    assert "detects the 10-point gap in 70.0" in good
    bad = run_prose.simulation(_summary([80.0, 95.0], [12.0, 70.0]), 60, 10)
    assert "below the nominal 95" in bad and "above its nominal 5" in bad
    small = run_prose.simulation(_summary([90.0, 90.0], [0.0, 0.0], 0.0, 3), 3, 10)
    assert "With 3 episodes" in small and "cannot detect a difference" in small


def test_simulation_macros_name_both_sizes():
    summary = pd.concat(
        [_summary([94.5, 95.0], [5.5, 70.0]), _summary([90.0, 90.0], [0.0, 0.0], 0.0, 3)]
    )
    m = macros.Macros()
    study = {"format_error_rate": 0.1, "good_move_rate": 0.8, "gap": 10}
    macros.simulation_macros(m, summary, study, {"resamples": 2000, "seed": 0})
    assert (m["SimGridEpisodes"], m["SimFullEpisodes"], m["SimNullCoverage"]) == ("3", "60", "94.5")
    assert "cannot detect" in m["SimGridSentence"] and "70.0" in m["SimFullSentence"]
    assert m.flags["SimGridIsFull"][0] is False


@pytest.mark.parametrize(
    ("ran", "expected"),
    [
        ({"A": True, "B": True}, ""),
        ({"A": False, "B": True}, "did not run A (\\texttt{make experiments}"),
        ({"A": False, "B": False}, "did not run A and B"),
    ],
)
def test_absent_experiments_are_named_in_one_sentence(ran, expected):
    text = run_prose.absent_experiments(ran)
    assert (expected in text) if expected else text == ""


def test_runs_macros_change_with_the_data():
    configs = _configs([40.0, 10.0], [30.0, 5.0], [50.0, 15.0])
    games = _games(configs, [50.0, 20.0])
    paired = runs.paired_table(pd.DataFrame(), [])
    shots = pd.concat([_tests([3], [1.0], [0.25]).assign(model="m0")], ignore_index=True)

    def build(configs, games):
        m = macros.Macros()
        macros.runs_macros(m, configs, games, shots, paired, {"resamples": 10, "seed": 0})
        return m

    before = build(configs, games)
    after = build(configs.assign(clemscore=0.0, ci_low=0.0, ci_high=0.0), games)
    assert before["RunsFloorSentence"] != after["RunsFloorSentence"]
    assert "floor effect" in after["RunsFloorSentence"]
    assert before["RunsCommonGames"] == "1" and before.flags["RunsShotTable"][0] is False
    assert "None of the 1 few-shot comparison is testable" in before["RunsShotSentence"]


def test_agreement_tests_sentence_counts_only_testable_tests():
    games = _tests([3, 3], [1.0, 0.5], [0.25, 0.25]).assign(game="taboo")
    summary = pd.DataFrame(
        columns=[
            "aligned_turns",
            "identical_turns",
            "identical_share",
            "median_first_diff_token",
            "token_unit",
            "first_prompts_compared",
            "first_prompts_identical",
            "tests",
            "quality_rejects",
            "played_rejects",
            "avg_pct_played_delta",
        ]
    )
    m = macros.Macros()
    macros.agreement_macros(m, summary, games)
    assert m["AgreementTestSentence"].startswith("None of the 2 per-game test pairs is testable")
    m = macros.Macros()
    macros.agreement_macros(m, summary, games.assign(permutation_min_p=1e-6, permutation_p=0.01))
    assert "1 of them reject" not in m["AgreementTestSentence"]
    assert "2 permutation tests are testable" in m["AgreementTestSentence"]
