"""Robustness of the size analyses (issue 16.2): every row exists and equals a direct fit."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.oneway import anova_oneway

from clemgrid.analysis import regression, size_sensitivity, size_statistics, smoothing

SUBSET_KEYS = {"stated", "listed_tokens", "gemma_inherits", "published_size", "open"}
ALL_KEYS = {"all", "all_published_size", "all_open", "all_open_covariate", "top_bracket"}


@pytest.fixture(scope="module")
def estimated(mapping_csv):
    return size_sensitivity.estimated_sizes(pd.read_csv(mapping_csv))


@pytest.fixture(scope="module")
def table(joined, estimated):
    return size_sensitivity.sensitivity(joined, estimated)


@pytest.fixture(scope="module")
def frame(joined):
    return size_statistics.bracket_frame(joined)


def test_every_listed_row(table, joined):
    keys = set(table["key"])
    assert SUBSET_KEYS | ALL_KEYS | {"open_covariate"} <= keys
    stated = regression.size_frame(joined)
    loo = table[table["key"].str.startswith("loo:")]
    assert (
        sorted(loo["left_out"]) == sorted(stated["model"]) and (loo["n"] == len(stated) - 1).all()
    )
    assert loo["cooks_d"].notna().all() and table["key"].is_unique
    for column in ("n", "slope", "slope_ci_low", "slope_ci_high", "r2", "slope_p"):
        assert table[column].notna().all()
    assert table.set_index("key").loc["all", "n"] == 39


def test_estimated_sizes_are_the_closed_models_of_v16(estimated, frame):
    assert estimated == set(frame.loc[~frame["open_weights"], "model"])


def _direct(frame, formula="clemscore ~ np.log10(params_b)", term="np.log10(params_b)"):
    fit = smf.ols(formula, frame).fit()
    ci = fit.conf_int(0.05).loc[term]
    return fit, float(fit.params[term]), float(ci[0]), float(ci[1]), float(fit.pvalues[term])


def _check(row, fit, slope, low, high, p):
    assert row["n"] == fit.nobs
    assert (row["slope"], row["slope_ci_low"], row["slope_ci_high"], row["slope_p"]) == (
        pytest.approx(slope),
        pytest.approx(low),
        pytest.approx(high),
        pytest.approx(p),
    )
    assert row["r2"] == pytest.approx(fit.rsquared)


def test_rows_equal_direct_fits(table, joined, frame, estimated):
    rows = table.set_index("key")
    stated = regression.size_frame(joined)
    _check(rows.loc["stated"], *_direct(stated))
    assert rows.loc["stated", "r2"] == pytest.approx(
        regression.fit_ols(stated, regression.PARAMS).r2
    )
    _check(rows.loc["listed_tokens"], *_direct(regression.size_frame(joined, {})))
    _check(rows.loc["open"], *_direct(stated[stated["open_weights"]]))
    _check(rows.loc["all"], *_direct(frame))
    _check(rows.loc["all_open"], *_direct(frame[frame["open_weights"]]))
    _check(rows.loc["all_published_size"], *_direct(frame[~frame["model"].isin(estimated)]))
    _check(rows.loc["top_bracket"], *_direct(frame[frame["params_b"] >= 100]))
    covariate = frame.assign(closed=(~frame["open_weights"]).astype(int))
    _check(
        rows.loc["all_open_covariate"],
        *_direct(covariate, "clemscore ~ np.log10(params_b) + closed"),
    )
    left = rows.loc[f"loo:{stated['model'].iloc[0]}"]
    _check(left, *_direct(stated.iloc[1:]))
    cooks = smf.ols("clemscore ~ np.log10(params_b)", stated).fit().get_influence()
    assert left["cooks_d"] == pytest.approx(cooks.cooks_distance[0][0])


def test_loo_summary(table):
    summary = size_sensitivity.loo_summary(table)
    loo = table[table["key"].str.startswith("loo:")]
    assert summary["fits"] == len(loo) and summary["r2_min"] == pytest.approx(loo["r2"].min())


def test_bracket_tests_equal_scipy_and_statsmodels(frame):
    tests = size_sensitivity.bracket_tests(frame).set_index("key")
    groups = [g["clemscore"].to_numpy() for _, g in frame.groupby("bracket", observed=True)]
    assert tests.loc["anova", "statistic"] == pytest.approx(stats.f_oneway(*groups).statistic)
    kruskal = stats.kruskal(*groups)
    assert tests.loc["kruskal", "statistic"] == pytest.approx(kruskal.statistic)
    assert tests.loc["kruskal", "p"] == pytest.approx(kruskal.pvalue)
    welch = anova_oneway(frame["clemscore"], frame["bracket"].astype(str), use_var="unequal")
    assert tests.loc["welch", "p"] == pytest.approx(welch.pvalue)
    y = frame["clemscore"]
    between = sum(len(g) * (g.mean() - y.mean()) ** 2 for g in groups)
    assert tests.loc["anova", "effect_size"] == pytest.approx(between / ((y - y.mean()) ** 2).sum())


def test_family_lrt(frame):
    result = size_sensitivity.family_lrt(frame)
    mixed = smf.mixedlm("clemscore ~ log10_params", frame, groups=frame["family"]).fit(reml=False)
    ols = smf.ols("clemscore ~ log10_params", frame).fit()
    lr = 2 * (mixed.llf - ols.llf)
    assert result["lr"] == pytest.approx(lr)
    assert result["p"] == pytest.approx(0.5 * stats.chi2.sf(lr, 1))


def test_nonlinearity_and_gamm(frame):
    result = size_sensitivity.nonlinearity(frame)
    linear = smf.ols("clemscore ~ log10_params", frame).fit()
    quadratic = smf.ols("clemscore ~ log10_params + I(log10_params**2)", frame).fit()
    assert result["quadratic_p"] == pytest.approx(quadratic.compare_f_test(linear)[1])
    assert result["gam_alpha"] in smoothing.PENALTY_GRID
    gamm = size_sensitivity.penalised_gamm(frame)
    assert gamm["converged"] and gamm["spline_var"] >= 0 and 0 <= gamm["p"] <= 1


def test_gam_is_deterministic(frame):
    """statsmodels' select_penweight gave a new weight on every call; the grid search does not."""
    first, second = (size_statistics.gam(frame, points=9) for _ in range(2))
    assert first["alpha"] == second["alpha"] and first["edf"] == second["edf"]
    pd.testing.assert_frame_equal(first["curve"], second["curve"], check_exact=True)
    x, y = frame["log10_params"].to_numpy(), frame["clemscore"].to_numpy()
    path = smoothing.penalty_path(x, y, 6)
    assert first["alpha"] == path.loc[path["gcv"].idxmin(), "alpha"]
    assert np.all(np.diff(path["edf"]) < 0)  # more penalty, fewer effective df


def test_macros_cover_the_paper_and_follow_the_numbers(table, frame):
    from pathlib import Path

    from clemgrid.analysis import macros

    robust = size_sensitivity.tests(frame)
    m = macros.Macros()
    size_sensitivity.sensitivity_macros(m, table, robust)
    sections = Path(__file__).parents[2] / "paper" / "sections"
    used = macros.used(sections.glob("*.tex"))
    wanted = {n for n in used if n.startswith("Robust")}
    flags = {n[2:] for n in used if n.startswith("ifRobust")}
    assert wanted <= set(m.values) and flags <= set(m.flags)
    assert m.flags["RobustAllOpenSignificant"][0] == (
        table.set_index("key").loc["all_open", "slope_p"] < 0.05
    )
    weaker = table.copy()
    weaker.loc[weaker["key"] == "all_open", "slope_p"] = 0.5  # another data set: the switch flips
    other = macros.Macros()
    size_sensitivity.sensitivity_macros(other, weaker, robust)
    assert other.flags["RobustAllOpenSignificant"][0] is False
    assert m["RobustOpenChange"].endswith("% less")  # v1.6: the open-weights slope is flatter
    weaker.loc[weaker["key"] == "all_open", "slope"] *= 10
    steeper = macros.Macros()
    size_sensitivity.sensitivity_macros(steeper, weaker, robust)
    assert steeper["RobustOpenChange"].endswith("% more")
