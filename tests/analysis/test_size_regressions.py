"""Size regressions: the tidy results equal a direct statsmodels OLS fit on the same frame."""

import numpy as np
import pytest
import statsmodels.api as sm

from clemgrid.analysis import regression


@pytest.fixture(scope="module")
def results(joined):
    return regression.size_regressions(joined)


def _direct(frame, columns):
    x = sm.add_constant(np.log10(frame[columns].to_numpy()))
    return sm.OLS(frame["clemscore"].to_numpy(), x).fit()


@pytest.mark.parametrize(
    ("formula", "columns"),
    [(regression.PARAMS, ["params_b"]), (regression.PARAMS_TOKENS, ["params_b", "tokens_t"])],
)
def test_result_equals_direct_ols(results, formula, columns):
    result = results[formula]
    direct = _direct(result.frame, columns)
    assert result.n == direct.nobs == len(result.frame) == len(result.models)
    assert result.f == pytest.approx(direct.fvalue)
    assert result.f_p == pytest.approx(direct.f_pvalue)
    assert result.r2 == pytest.approx(direct.rsquared)
    assert result.adj_r2 == pytest.approx(direct.rsquared_adj)
    assert (result.df_model, result.df_resid) == (direct.df_model, direct.df_resid)
    assert result.coefficients["estimate"].to_numpy() == pytest.approx(direct.params)
    ci = direct.conf_int(0.05)
    assert result.coefficients["ci_low"].to_numpy() == pytest.approx(ci[:, 0])
    assert result.coefficients["ci_high"].to_numpy() == pytest.approx(ci[:, 1])


def test_subset_rule(results):
    frame = results[regression.PARAMS].frame
    assert len(frame) == 20 and frame["model"].is_unique
    assert (frame["quant"] == "none").all()
    inherited = frame.loc[frame["tokens_source"] != "characteristics file", "model"]
    assert sorted(inherited) == [
        "sheep-duck-llama-2-70b-v1.1",
        "tulu-2-dpo-70b",
        "wizardlm-70b-v1.0",
    ]
    llama = frame.set_index("model").loc["Meta-Llama-3-70B-Instruct"]
    assert llama["backend"] == "huggingface-local"


def test_close_to_the_paper(results):
    """Guards the reconstruction: the paper's numbers are 23.56/.57 and 17.31/.67."""
    table = regression.summary(results).set_index("formula")
    for formula, (f, df_model, df_resid, r2) in regression.PAPER.items():
        row = table.loc[formula]
        assert (row["df_model"], row["df_resid"]) == (df_model, df_resid)
        assert row["F"] == pytest.approx(f, abs=1.0)
        assert row["R2"] == pytest.approx(r2, abs=0.015)


def test_no_inheritance_gives_the_strict_subset(joined):
    assert len(regression.size_frame(joined, inherit={})) == 17


def test_per_game_regressions(matrix, results):
    frame = results[regression.PARAMS].frame
    table = regression.per_game_regressions(matrix, frame)
    assert len(table) == 14 and set(table["metric"]) == {"pct_played", "quality"}
    taboo = matrix[matrix["game"] == "taboo"].merge(
        frame[["model", "backend", "quant", "params_b"]]
    )
    direct = sm.OLS(
        taboo["pct_played"].to_numpy(), sm.add_constant(np.log10(taboo["params_b"]))
    ).fit()
    row = table.set_index(["game", "metric"]).loc[("taboo", "pct_played")]
    assert row["n"] == 20
    assert row["slope"] == pytest.approx(direct.params.iloc[1])
    assert row["r2"] == pytest.approx(direct.rsquared)
