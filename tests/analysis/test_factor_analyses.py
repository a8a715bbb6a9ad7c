"""Seed 003's factor programme: agreement with direct scipy/statsmodels calls, small groups
flagged (never p = 1), the correlation matrix's shape, deterministic t-SNE, the results.csv
replication and the section's macros."""

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.multicomp import pairwise_tukeyhsd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.oneway import anova_oneway

from clemgrid.analysis import factor_analyses as fa
from clemgrid.analysis import factor_maps, factor_report, settings
from clemgrid.analysis.characteristics import read_mapping
from clemgrid.analysis.macros import Macros

ROOT = Path(__file__).resolve().parents[2]
CHARACTERISTICS_CSV = ROOT / "resources" / "clembench_v1.6" / "model_characteristics.csv"
MAPPING_CSV = ROOT / "resources" / "mapping" / "model_names.csv"
RESULTS_CSV = ROOT / "resources" / "clembench_v1.6" / "results.csv"
RESULTS_MAPPING = ROOT / "resources" / "mapping" / "results_names.csv"


@pytest.fixture(scope="module")
def toy() -> pd.DataFrame:
    """Three levels of 6, 5 and 4 models with unequal spread, and one level of 2."""
    rng = np.random.default_rng(3)
    levels = ["a"] * 6 + ["b"] * 5 + ["c"] * 4 + ["d"] * 2
    scores = np.concatenate(
        [rng.normal(10, 2, 6), rng.normal(20, 8, 5), rng.normal(12, 4, 4), [50.0, 55.0]]
    )
    return pd.DataFrame({"model": [f"m{i}" for i in range(17)], "g": levels, "clemscore": scores})


def test_factor_test_equals_direct_calls(toy):
    row = fa.factor_test(toy, "g", min_group=3)
    tested = toy[toy["g"] != "d"]
    groups = [tested.loc[tested["g"] == level, "clemscore"].to_numpy() for level in "abc"]
    kw = stats.kruskal(*groups)
    welch = anova_oneway(groups, use_var="unequal")
    table = sm.stats.anova_lm(smf.ols("clemscore ~ C(g)", tested).fit(), typ=1)
    assert (row["n"], row["k"], row["n_untested"]) == (15, 3, 2)
    assert row["H"] == pytest.approx(kw.statistic) and row["kw_p"] == pytest.approx(kw.pvalue)
    assert row["epsilon2"] == pytest.approx(kw.statistic / ((15**2 - 1) / 16))
    assert row["welch_p"] == pytest.approx(welch.pvalue)
    assert row["F"] == pytest.approx(stats.f_oneway(*groups).statistic)
    assert row["anova_p"] == pytest.approx(table["PR(>F)"].iloc[0])
    assert row["eta2"] == pytest.approx(table["sum_sq"].iloc[0] / table["sum_sq"].sum())
    residuals = tested["clemscore"] - tested.groupby("g")["clemscore"].transform("mean")
    assert row["bf_p"] == pytest.approx(stats.levene(*groups, center="median").pvalue)
    assert row["shapiro_p"] == pytest.approx(stats.shapiro(residuals).pvalue)


def test_small_groups_are_flagged_with_their_best_p(toy):
    summary = fa.group_summary(toy, "g", min_group=3).set_index("level")
    assert summary["tested"].to_dict() == {"a": True, "b": True, "c": True, "d": False}
    assert summary["p_min"][["a", "b", "c"]].isna().all()
    # Two models against the largest other level (6): complete separation, exact test.
    best = stats.mannwhitneyu([0, 1], [2, 3, 4, 5, 6, 7], method="exact").pvalue
    assert summary.loc["d", "p_min"] == pytest.approx(best) and best < 1
    # A factor with a single testable level gets no test, not p = 1.
    row = fa.factor_test(toy[toy["g"].isin(["a", "d"])], "g", min_group=3)
    assert row["k"] == 1 and np.isnan(row["kw_p"]) and np.isnan(row["anova_p"])


def test_pairwise_equals_mann_whitney_holm_and_tukey(toy):
    table = fa.pairwise(toy, "g", min_group=3)
    tested = toy[toy["g"] != "d"]
    values = {k: tested.loc[tested["g"] == k, "clemscore"] for k in "abc"}
    direct = [stats.mannwhitneyu(values[a], values[b]).pvalue for a, b in combinations("abc", 2)]
    assert table["mw_p"].to_numpy() == pytest.approx(direct)
    assert table["mw_p_holm"].to_numpy() == pytest.approx(multipletests(direct, method="holm")[1])
    tukey = pairwise_tukeyhsd(tested["clemscore"], tested["g"])
    assert table["tukey_p"].to_numpy() == pytest.approx(tukey.pvalues)


def test_correlations_symmetric_with_unit_diagonal_and_n():
    rng = np.random.default_rng(0)
    scores = pd.DataFrame(rng.normal(size=(12, 3)), columns=["x", "y", "z"])
    scores.loc[[0, 1], "z"] = np.nan
    long = fa.game_correlations(scores)
    rho, n = fa.correlation_matrix(long), fa.correlation_matrix(long, "n")
    assert np.allclose(rho.to_numpy(), rho.to_numpy().T) and np.allclose(np.diag(rho), 1)
    assert n.loc["x", "y"] == 12 and n.loc["x", "z"] == 10 and n.loc["z", "z"] == 10
    both = scores[["x", "z"]].dropna()
    assert rho.loc["x", "z"] == pytest.approx(stats.spearmanr(both["x"], both["z"]).statistic)
    off = long[long["game1"] < long["game2"]]
    assert off["p_holm"].to_numpy() == pytest.approx(multipletests(off["p"], method="holm")[1])


@pytest.fixture(scope="module")
def published(matrix, scores):
    facts = fa.characteristics_frame(CHARACTERISTICS_CSV, MAPPING_CSV)
    return fa.analyse(scores, matrix, read_mapping(MAPPING_CSV), facts)


def test_published_frame_and_per_game_ols(published, matrix):
    frame, tables = published
    assert len(frame) == 45 and frame["model"].is_unique and tables["dropped"].empty
    assert set(frame["commercial"]) == {"yes", "no"}
    per_game = tables["per_game_size"].set_index("game")
    data = fa.game_frame(frame, fa.game_scores(matrix, frame)).dropna(subset=["log10_params"])
    fit = smf.ols("taboo ~ log10_params", data.dropna(subset=["taboo"])).fit()
    assert per_game.loc["taboo", "slope"] == pytest.approx(fit.params["log10_params"])
    assert per_game.loc["taboo", "p"] == pytest.approx(fit.pvalues["log10_params"])
    holm = multipletests(tables["per_game_size"]["p"], method="holm")[1]
    assert tables["per_game_size"]["p_holm"].to_numpy() == pytest.approx(holm)


def test_size_replication_row_matches_the_sensitivity_table(published, joined):
    """The factor frame (characteristics by name) and the size analyses (the join) reach the
    same models with a parameter count, so the replication row equals the sensitivity table's
    'all joinable models' fit."""
    from clemgrid.analysis import size_sensitivity

    row = published[1]["size"].iloc[0]
    every = size_sensitivity.sensitivity(joined, set()).set_index("key").loc["all"]
    assert row["n"] == every["n"] == 39
    assert row["slope"] == pytest.approx(every["slope"])
    assert row["r2"] == pytest.approx(every["r2"])
    assert 0 < row["anova_p"] < 1 and 0 < row["kruskal_p"] < 1 and 0 < row["eta2"] < 1


def test_results_csv_replication(published):
    clemscore, matrix = fa.results_scores(RESULTS_CSV)
    assert len(clemscore) == 68 and not clemscore["model"].str.endswith("-t0.0").any()
    facts = fa.characteristics_frame(CHARACTERISTICS_CSV, MAPPING_CSV)
    frame, tables = fa.analyse(clemscore, matrix, pd.read_csv(RESULTS_MAPPING, dtype=str), facts)
    assert len(frame) == 45 and len(tables["dropped"]) == 23
    same = fa.same_models(published[0], frame)
    assert len(same) == 45 and same["difference"].max() < 0.5
    assert tables["correlations"]["n"].max() == 68


def test_tsne_grid_is_deterministic(matrix, published):
    frame = published[0].iloc[:20]
    first = factor_maps.tsne_grid(matrix, frame, [5.0], [0, 1])
    again = factor_maps.tsne_grid(matrix, frame, [5.0], [0, 1])
    pd.testing.assert_frame_equal(first, again)
    seeds = [first.loc[first["seed"] == s, ["x", "y"]].to_numpy() for s in (0, 1)]
    assert not np.allclose(*seeds)  # a random start: the seed matters
    stable = factor_maps.stability(matrix, frame, first)
    assert stable["perplexity"].isna().sum() == 1 and (stable["n"] == 20).all()


def test_macros_follow_the_numbers(published, tmp_path, monkeypatch):
    frame, tables = published
    stable = pd.DataFrame(
        [
            {"perplexity": np.nan, "n": 45, "silhouette_bracket_mean": 0.1}
            | {"silhouette_tuning_mean": 0.0, "silhouette_family_mean": 0.0},
            {"perplexity": 5.0, "n": 45, "seeds": 2, "neighbours": 5}
            | {"disparity_mean": 0.1, "disparity_max": 0.2, "trustworthiness": 0.9}
            | {
                f"silhouette_{c}_{s}": 0.3
                for c in factor_maps.COLOURINGS
                for s in ("mean", "min", "max")
            },
        ]
    )
    paths = {"stability": stable}
    paths |= {k: tables[k].assign(dataset="scores") for k in tables if k != "dropped"}
    for key in ("tests", "groups", "size", "per_game_size", "per_game_factors", "correlations"):
        paths[key] = pd.concat([paths[key], paths[key].assign(dataset="results")])
    paths["data"] = pd.DataFrame(
        [
            {"dataset": "scores", "rows": 55, "joined": 45, "dropped": 0},
            {"dataset": "results", "rows": 68, "joined": 45, "dropped": 23}
            | {"self_play": 68, "shared": 45, "shared_identical": 45, "shared_max_difference": 0},
        ]
    )
    paths["settings"] = pd.DataFrame([{"min_group": 3, "perplexities": "5", "seeds": "0 1"}])
    files = []
    for key, table in paths.items():
        table.to_csv(tmp_path / f"{key}.csv", index=False)
        files.append(tmp_path / f"{key}.csv")
    macros = Macros()
    factor_report.factor_macros(macros, files)
    assert macros["FactorCommercialVerdict"] == "differ"
    assert macros["FactorTuningVerdict"] == "do not differ detectably"
    assert macros.flags["ReplicationAll"][0] and macros.flags["TsneClusters"][0]
    assert macros.flags["TsneTrustHigh"][0]  # trustworthiness 0.9 reaches TRUSTED
    assert macros["FactorAssumptions"].startswith("The classical analysis of variance assumes")
    monkeypatch.setattr(settings, "ALPHA", 1e-12)  # verdicts read the level at call time
    strict = Macros()
    factor_report.factor_macros(strict, files)
    assert strict["FactorCommercialVerdict"] == "do not differ detectably"
    assert "neither assumption is rejected" in strict["FactorAssumptions"]
    assert strict["FactorFamilyPairsReading"] == "neither test separates any pair"
    assert macros.flags["ResultsAllSelfPlay"][0] and macros.flags["ResultsMostlyShared"][0]
    assert strict["FactorRhoReading"].startswith("No pair of games")


def test_the_correlation_sentence_follows_the_count_of_significant_pairs():
    assert factor_report.rho_reading(21, 21).startswith("Every pair")
    assert factor_report.rho_reading(0, 21).startswith("No pair")
    assert "some others and not in others" in factor_report.rho_reading(7, 21)


def test_the_assumption_sentence_names_the_factors_whose_checks_reject():
    groups = pd.DataFrame({"n": [2, 4, 30], "tested": [False, True, True]})
    tests = pd.DataFrame(
        {"factor": ["tuning", "family", "commercial"], "bf_p": [0.01, 0.5, 0.2]}
        | {"shapiro_p": [0.3, 0.001, 0.02]}
    )
    text = factor_report.assumption_reading(tests, groups)
    assert "hold 4 to 30 models" in text
    assert "normality for architecture family and commercial (Shapiro-Wilk)" in text
    assert "spread differs between levels for tuning (Brown-Forsythe)" in text
    calm = factor_report.assumption_reading(tests.assign(bf_p=0.5, shapiro_p=0.5), groups)
    assert "neither assumption is rejected" in calm and "Shapiro-Wilk)" not in calm


def test_the_pairs_sentence_compares_the_separated_pairs_not_their_counts():
    pairs = pd.DataFrame(
        {"group1": ["a", "a", "b"], "group2": ["b", "c", "c"]}
        | {"mw_p_holm": [0.01, 0.5, 0.5], "tukey_p": [0.5, 0.01, 0.5]}
    )
    assert "separate different pairs" in factor_report.pairs_reading(pairs, "3 to 6")
    assert "with 3 to 6 models per family" in factor_report.pairs_reading(pairs, "3 to 6")
    same = pairs.assign(tukey_p=pairs["mw_p_holm"])
    assert factor_report.pairs_reading(same, "3") == "both tests separate the same pairs"
    none = pairs.assign(mw_p_holm=0.9, tukey_p=0.9)
    assert factor_report.pairs_reading(none, "3") == "neither test separates any pair"


def test_the_abstract_sentence_names_the_factors_that_differ():
    tests = pd.DataFrame({"factor": ["tuning", "family", "commercial"], "kw_p": [0.4, 0.01, 0.001]})
    text = factor_report.factor_summary(tests)
    assert text == (
        "by rank tests, architecture families and commercial and open models differ in"
        " clemscore, while vendor models and third-party fine-tunes do not detectably"
    )
    none = factor_report.factor_summary(tests.assign(kw_p=0.5))
    assert none.startswith("by rank tests, none of") and " or commercial" in none
    every = factor_report.factor_summary(tests.assign(kw_p=0.001))
    assert "while" not in every
