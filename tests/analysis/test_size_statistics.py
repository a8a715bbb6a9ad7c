"""Seed 003's analyses: shapes, and agreement with direct scipy/statsmodels calls."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.gam.api import BSplines, GLMGam
from statsmodels.stats.multicomp import pairwise_tukeyhsd

from clemgrid.analysis import size_statistics


@pytest.fixture(scope="module")
def frame(joined):
    return size_statistics.bracket_frame(joined)


def test_brackets(frame):
    assert frame["model"].is_unique and len(frame) == 39
    edges = size_statistics.size_bracket(pd.Series([0.5, 9.9, 10.0, 70.0, 100.0, 1760.0]))
    assert edges.astype(str).tolist() == ["<10B", "<10B", "10-40B", "40-100B", ">100B", ">100B"]
    summary = size_statistics.bracket_summary(frame)
    assert summary["n"].sum() == len(frame) and summary["n"].min() >= 5


def test_anova_equals_f_oneway(frame):
    table = size_statistics.anova_brackets(frame).set_index("term")
    groups = [g["clemscore"].to_numpy() for _, g in frame.groupby("bracket", observed=True)]
    direct = stats.f_oneway(*groups)
    assert table.loc["C(bracket)", "F"] == pytest.approx(direct.statistic)
    assert table.loc["C(bracket)", "p"] == pytest.approx(direct.pvalue)
    assert table.loc["Residual", "df"] == len(frame) - len(groups)


def test_tukey_equals_direct_call(frame):
    table = size_statistics.tukey_brackets(frame)
    direct = pairwise_tukeyhsd(frame["clemscore"], frame["bracket"].astype(str))
    assert len(table) == 6  # pairs of 4 brackets
    assert table["meandiff"].to_numpy() == pytest.approx(direct.meandiffs)
    assert table["p_adj"].to_numpy() == pytest.approx(direct.pvalues)
    summary = direct.summary().data[1:]  # statsmodels' own table, rounded to 4 decimals
    assert table[["group1", "group2"]].to_numpy().tolist() == [row[:2] for row in summary]
    assert table["reject"].tolist() == list(direct.reject)


def test_mixed_model_equals_direct_call(frame):
    result = size_statistics.mixed_model(frame)
    direct = smf.mixedlm("clemscore ~ log10_params", frame, groups=frame["family"]).fit(reml=True)
    assert result["coefficients"]["estimate"].to_numpy() == pytest.approx(
        direct.fe_params.to_numpy()
    )
    assert result["group_var"] == pytest.approx(float(direct.cov_re.iloc[0, 0]))
    assert result["n_groups"] == frame["family"].nunique() and result["converged"]
    assert 0 < result["icc"] < 1


def test_gam_equals_direct_fit(frame):
    result = size_statistics.gam(frame, points=7)
    x = frame[["log10_params"]].to_numpy()
    direct = GLMGam(
        frame["clemscore"].to_numpy(),
        exog=np.ones((len(frame), 1)),
        smoother=BSplines(x, df=[6], degree=[3]),
        alpha=[result["alpha"]],
    ).fit()
    assert result["edf"] == pytest.approx(direct.edf.sum())
    assert result["deviance_explained"] == pytest.approx(1 - direct.deviance / direct.null_deviance)
    curve = result["curve"]
    assert (
        len(curve) == 7
        and (curve["ci_low"] <= curve["fit"]).all()
        and (curve["fit"] <= curve["ci_high"]).all()
    )
    assert curve["fit"].iloc[[0, -1]].to_numpy() == pytest.approx(
        direct.fittedvalues[np.argsort(x[:, 0])][[0, -1]], abs=1e-6
    )


def test_gam_with_fixed_penalty(frame):
    assert size_statistics.gam(frame, alpha=5.0, points=3)["alpha"] == 5.0


def test_mixed_spline_shape(frame):
    result = size_statistics.mixed_spline(frame, df=4, points=9)
    assert len(result["coefficients"]) == 5  # intercept + 4 basis columns
    assert len(result["curve"]) == 9 and result["curve"]["fit"].notna().all()


def test_profiles_and_tsne(matrix, frame):
    profiles = size_statistics.score_profiles(matrix, frame)
    assert profiles.shape == (len(frame), 4 + 14) and not profiles.isna().any().any()
    pytest.importorskip("sklearn")
    embedding = size_statistics.tsne_map(matrix, frame, perplexity=8.0)
    assert embedding.shape[0] == len(frame)
    assert embedding[["x", "y"]].notna().all().all() and "bracket" in embedding
