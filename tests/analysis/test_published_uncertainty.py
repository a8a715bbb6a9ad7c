"""Intervals and tests of the published v1.6 numbers (clemgrid.analysis.published_uncertainty)
against scipy/statsmodels reference computations, and the summary-based intervals against the
bootstrap of real published episodes (the fidelity fixtures)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from clemgrid.analysis import macros as m
from clemgrid.analysis import published_uncertainty as pu
from clemgrid.analysis import settings
from clemgrid.analysis.published import LLAMA3_8B, LLAMA3_70B

FIXTURES = Path(__file__).resolve().parents[1] / "fidelity" / "fixtures"
EPISODES = {"taboo": 60, "wordle": 30}


def _fixture() -> pd.DataFrame:
    """Two configs on two games: a (played 54/60, 27/30) and b (played 45/60, 30/30)."""
    rows = [
        ("m", "x", "none", "taboo", 90.0, 60.0, 30.0),
        ("m", "x", "none", "wordle", 90.0, 10.0, 20.0),
        ("m", "y", "none", "taboo", 75.0, 40.0, 35.0),
        ("m", "y", "none", "wordle", 100.0, 12.0, 25.0),
    ]
    columns = ["model", "backend", "quant", "game", "pct_played", "quality", "quality_std"]
    return pd.DataFrame(rows, columns=columns)


def test_counts_and_incomplete_runs():
    frame = pu.with_counts(_fixture(), EPISODES)
    assert frame["k"].tolist() == [54, 27, 45, 30]
    assert frame["complete"].all()
    # 93.1 % of 30 (or 60) is no whole count: the run lost episodes (27 of 29, 54 of 58)
    odd = pu.with_counts(_fixture().assign(pct_played=93.1), EPISODES)
    assert odd["n"].tolist() == [58, 29, 58, 29] and not odd["complete"].any()


def test_game_intervals_match_references():
    frame = pu.game_intervals(_fixture(), EPISODES)
    alpha = settings.interval_alpha()
    for r in frame.itertuples():
        low, high = proportion_confint(r.k, r.n, alpha=alpha, method="wilson")
        assert (r.played_low, r.played_high) == pytest.approx((100 * low, 100 * high))
        half = stats.t.ppf(1 - alpha / 2, r.k - 1) * r.quality_std / math.sqrt(r.k)
        assert r.quality_low == pytest.approx(max(0, r.quality - half))
        assert r.quality_high == pytest.approx(min(100, r.quality + half))


def test_game_tests_match_references():
    # the fixture as Llama-3-8B via Anyscale (a) and local Hugging Face (b): a listed comparison
    renamed = {"model": {"m": LLAMA3_8B}, "backend": {"x": "anyscale", "y": "huggingface-local"}}
    tests = pu.game_tests(_fixture().replace(renamed), EPISODES)
    played = tests[tests["measure"] == "played"].set_index("game")
    assert played.loc["taboo", "p"] == pytest.approx(stats.fisher_exact([[54, 6], [45, 15]]).pvalue)
    quality = tests[tests["measure"] == "quality"].set_index("game")
    assert quality.loc["wordle", "p"] == pytest.approx(
        stats.ttest_ind_from_stats(10.0, 20.0, 27, 12.0, 25.0, 30, equal_var=False).pvalue
    )
    assert tests["p_holm"].tolist() == pytest.approx(multipletests(tests["p"], method="holm")[1])
    # smallest attainable Fisher p: the most extreme table with the observed margins
    extreme = stats.fisher_exact([[60, 0], [39, 21]]).pvalue
    assert played.loc["taboo", "min_p"] == pytest.approx(extreme)


def test_min_fisher_p_can_exceed_alpha():
    # one abort in 60 + 60 episodes: no split of it can be significant
    assert pu.min_fisher_p(60, 60, 119) == pytest.approx(1.0)
    assert pu.min_fisher_p(30, 30, 30) < 1e-15


def test_bootstrap_centres_on_the_clemscore_and_is_seeded():
    frame = pu.with_counts(_fixture(), EPISODES)
    one = frame[frame["backend"] == "x"]
    a = pu.draws(one, 4000, np.random.default_rng(1))
    b = pu.draws(one, 4000, np.random.default_rng(1))
    assert np.array_equal(a, b)
    point = one["quality"].mean() * one["pct_played"].mean() / 100
    assert a.mean() == pytest.approx(point, abs=0.3)


def test_published_comparisons(matrix):
    episodes = pu.episodes_per_game()
    scores, samples = pu.clemscore_intervals(matrix, episodes, 400, 0)
    assert (scores["low"] <= scores["clemscore"] + 1e-9).all()
    assert (scores["clemscore"] <= scores["high"] + 1e-9).all()
    tests = pu.clemscore_tests(scores, samples)
    assert len(tests) == len(pu.COMPARISONS) == 13
    assert set(tests["family"]) == {"route", "quant"}
    groq = tests[(tests["model"] == LLAMA3_70B) & (tests["a"].str.endswith("groq"))].iloc[0]
    assert groq["difference"] == pytest.approx(39.34 - 35.11, abs=0.01)
    assert (tests["min_p"] == 2 / 401).all()
    macros = m.Macros()
    pu.claim_macros(macros, tests, pu.game_tests(matrix, episodes))
    assert macros["PubUncRouteVerdict"] in {"significant", "not significant"}


def test_verdict_follows_the_tests():
    base = {"significant": [False, False], "equivalent": [True, True]}
    assert pu.negligible_verdict(pd.DataFrame(base)) == "supported by"
    assert pu.negligible_verdict(pd.DataFrame(base | {"equivalent": [True, False]})).startswith(
        "consistent"
    )
    assert pu.negligible_verdict(pd.DataFrame(base | {"significant": [True, False]})) == (
        "contradicted by"
    )


@pytest.fixture(scope="module")
def fidelity() -> pd.DataFrame:
    return pu.fidelity_episodes(str(FIXTURES))


def test_summaries_reproduce_the_published_values(fidelity):
    summary = pu.summarise(fidelity).set_index("game")
    assert summary.loc["taboo", "pct_played"] == pytest.approx(86.67, abs=0.005)
    assert summary.loc["privateshared", "quality_std"] == pytest.approx(4.08, abs=0.005)


def test_summary_intervals_agree_with_the_episode_bootstrap(fidelity):
    agreement = pu.summary_vs_episodes(fidelity, 2000, 0)
    reliable = agreement[agreement["reliable"]]
    # every %played / quality interval within a third of the episode interval's width
    assert (reliable["relative_gap"] < 0.35).all(), reliable
    score = agreement[agreement["measure"] == "clemscore"].iloc[0]
    assert score["relative_gap"] < 0.1
    assert (~agreement["reliable"]).sum() <= 2
