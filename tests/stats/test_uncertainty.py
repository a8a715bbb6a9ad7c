"""Bootstrap CIs, paired tests and the simulation study's ground truth."""

import numpy as np
import pandas as pd
import pytest

from clemgrid.analysis.simulation import (
    good_rate_for,
    play_synthetic,
    simulate,
    true_taboo_clemscore,
)
from clemgrid.analysis.uncertainty import bootstrap_clemscore, paired_tests
from clemgrid.games.registry import GAMES


def episodes(played, quality, game="g"):
    return pd.DataFrame(
        {
            "game": game,
            "experiment": "e",
            "instance_id": [str(i) for i in range(len(played))],
            "played": played,
            "quality": quality,
        }
    )


def test_bootstrap_brackets_the_point_estimate_and_is_seeded():
    rng = np.random.default_rng(1)
    played = rng.integers(0, 2, 80)
    quality = np.where(played == 1, rng.choice([0, 50, 100], 80), np.nan)
    frame = pd.concat([episodes(played, quality, "a"), episodes(played[::-1], quality[::-1], "b")])
    ci = bootstrap_clemscore(frame, n_boot=500, seed=3)
    assert ci["ci_low"] < ci["clemscore"] < ci["ci_high"]
    assert ci == bootstrap_clemscore(frame, n_boot=500, seed=3)
    pct = 100 * played.mean()
    assert ci["clemscore"] == pytest.approx(pct / 100 * np.nanmean(quality))


def test_bootstrap_of_a_perfect_player_is_degenerate():
    ci = bootstrap_clemscore(episodes([1] * 10, [100.0] * 10), n_boot=200)
    assert (ci["clemscore"], ci["ci_low"], ci["ci_high"]) == (100.0, 100.0, 100.0)


def test_paired_tests_on_identical_and_on_different_configs():
    same = episodes([1] * 30, [50.0] * 30)
    result = paired_tests(same, same)
    assert (result.permutation_p, result.mcnemar_p, result.n_pairs) == (1.0, 1.0, 30)
    worse = episodes([0] * 15 + [1] * 15, [np.nan] * 15 + [0.0] * 15)
    result = paired_tests(same, worse)
    assert result.mcnemar_p < 0.001 and result.permutation_p < 0.001
    assert (result.played_a_only, result.played_b_only, result.mean_quality_diff) == (15, 0, 50.0)


def test_paired_tests_on_a_single_differing_pair():
    """One instance both played (the embedded grid plays one per experiment): p = 1, no error."""
    a = episodes([1, 0], [100.0, np.nan])
    b = episodes([1, 1], [50.0, 0.0])
    result = paired_tests(a, b)
    assert (result.n_both_played, result.mean_quality_diff, result.permutation_p) == (1, 50.0, 1.0)


def test_paired_tests_need_common_instances():
    a = episodes([1], [1.0])
    b = a.assign(instance_id="other")
    with pytest.raises(ValueError, match="no common instance"):
        paired_tests(a, b)


def test_true_clemscore_limits_and_inverse():
    assert true_taboo_clemscore(0.0, 1.0) == 100.0
    assert true_taboo_clemscore(1.0, 0.7) == 0.0
    g = good_rate_for(40.0, 0.1)
    assert true_taboo_clemscore(0.1, g) == pytest.approx(40.0)


def test_true_clemscore_matches_played_synthetic_games():
    """The closed form agrees with the mean of many real engine runs (3 standard errors)."""
    skill = {"format_error_rate": 0.1, "good_move_rate": 0.7}
    instances = GAMES["taboo"].load_instances()
    scores = []
    for seed in range(30):
        frame = play_synthetic({**skill, "seed": seed}, instances)
        scores.append(frame["quality"].fillna(0).mean())  # = %played x quality / 100 for one game
    scores = np.array(scores)
    se = scores.std(ddof=1) / np.sqrt(len(scores))
    assert abs(scores.mean() - true_taboo_clemscore(**skill)) < 3 * se


def test_simulation_summary_shape():
    skill = {"format_error_rate": 0.1, "good_move_rate": 0.8}
    runs, summary = simulate({"equal": (skill, skill)}, repetitions=3, n_boot=100, n_resamples=200)
    assert len(runs) == 3
    row = summary.iloc[0]
    assert row["true_gap"] == 0 and row["repetitions"] == 3
    assert 0 <= row["ci_coverage"] <= 100


def test_simulation_is_the_same_in_worker_processes():
    """The pipeline spreads repetitions over the job's cores: not a single number may change."""
    skill = {"format_error_rate": 0.1, "good_move_rate": 0.8}
    weaker = {"format_error_rate": 0.1, "good_move_rate": 0.6}
    scenarios = {"equal": (skill, skill), "gap": (skill, weaker)}
    alone = simulate(scenarios, repetitions=3, n_boot=100, n_resamples=200)
    shared = simulate(scenarios, repetitions=3, n_boot=100, n_resamples=200, workers=2)
    for a, b in zip(alone, shared, strict=True):
        pd.testing.assert_frame_equal(a, b)


def _exact_sign_flip_p(diffs):
    """Two-sided sign-flip p-value by full enumeration (scipy's exact permutation test)."""
    from scipy import stats

    return stats.permutation_test(
        (np.asarray(diffs, dtype=float),),
        np.mean,
        permutation_type="samples",
        n_resamples=np.inf,
        alternative="two-sided",
    ).pvalue


@pytest.mark.parametrize("diffs", [[1.0, 2.0], [3.0, 1.0, 2.0], [1.0, 0.0, 2.0, 5.0], [1.0] * 5])
def test_sign_flip_min_p_is_scipys_p_at_the_most_extreme_data(diffs):
    """The most extreme data (every difference positive) reaches the minimum; no sign pattern
    of the same |differences| goes below it."""
    from itertools import product

    from clemgrid.analysis.uncertainty import sign_flip_min_p

    magnitudes = np.abs(diffs)
    ps = [_exact_sign_flip_p(magnitudes * signs) for signs in product([1, -1], repeat=len(diffs))]
    assert sign_flip_min_p(diffs) == pytest.approx(min(ps))
    assert sign_flip_min_p(diffs) == pytest.approx(_exact_sign_flip_p(magnitudes))


@pytest.mark.parametrize("k", [0, 1, 2, 3, 5, 6, 10])
def test_mcnemar_min_p_is_the_exact_tests_p_with_all_discordant_pairs_on_one_side(k):
    from scipy import stats
    from statsmodels.stats.contingency_tables import mcnemar

    from clemgrid.analysis.uncertainty import mcnemar_min_p

    ps = [mcnemar([[4, b], [k - b, 2]], exact=True).pvalue for b in range(k + 1)]
    assert mcnemar_min_p(k) == pytest.approx(min(ps))
    if k:
        assert mcnemar_min_p(k) == pytest.approx(min(1, stats.binomtest(k, k).pvalue))


def test_paired_tests_report_their_smallest_attainable_p():
    """Three instance pairs (the embedded grid's taboo): neither test can reach alpha."""
    from clemgrid.analysis.uncertainty import testable

    a = episodes([1, 1, 1], [100.0, 50.0, 100.0])
    b = episodes([1, 0, 0], [0.0, np.nan, np.nan])
    result = paired_tests(a, b)
    assert result.permutation_min_p == 1.0  # one pair both played
    assert result.mcnemar_min_p == 0.5  # two discordant pairs: 2 / 2^2
    assert not testable(result.permutation_min_p) and not testable(result.mcnemar_min_p)
    big = paired_tests(episodes([1] * 6, [100.0] * 6), episodes([1] * 6, [0.0] * 6))
    assert big.permutation_min_p == pytest.approx(2 / 2**6) and testable(big.permutation_min_p)


def test_monte_carlo_standard_error_of_a_rate():
    from clemgrid.analysis.simulation import rate

    assert rate(pd.Series([True] * 95 + [False] * 5)) == pytest.approx(
        (95.0, 100 * np.sqrt(0.95 * 0.05 / 100))
    )
    assert rate(pd.Series([False] * 10)) == (0.0, 0.0)


def test_simulation_runs_at_the_grids_size_and_at_the_full_set():
    """Three episodes (one instance per taboo experiment, as the grid plays them): neither
    test can reach alpha, so neither rejects; at 60 the tests are testable. Every rate has
    its Monte Carlo standard error."""
    skill = {"format_error_rate": 0.1, "good_move_rate": 0.8}
    weaker = {"format_error_rate": 0.1, "good_move_rate": 0.5}
    runs, summary = simulate(
        {"gap": (skill, weaker)}, repetitions=4, n_boot=100, n_resamples=200, sizes=[1, None]
    )
    assert sorted(runs["episodes"].unique()) == [3, 60]
    small, full = (summary[summary["episodes"] == n].iloc[0] for n in (3, 60))
    assert small["permutation_testable"] == small["mcnemar_testable"] == 0
    assert small["permutation_rejects"] == small["mcnemar_rejects"] == 0
    assert full["permutation_testable"] == 100
    r = full["ci_coverage"] / 100
    assert full["ci_coverage_se"] == pytest.approx(100 * np.sqrt(r * (1 - r) / 8))
    for column in ("ci_coverage_se", "permutation_rejects_se", "mcnemar_rejects_se"):
        assert 0 <= full[column] <= 100 * 0.5 / np.sqrt(4)
