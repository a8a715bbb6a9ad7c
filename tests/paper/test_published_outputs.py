"""The published-data rules, run by snakemake: the files they write and what they contain."""

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import statsmodels.api as sm
from support import ROOT

from clemgrid import records
from clemgrid.analysis import regression, tables

pytestmark = pytest.mark.slow
PUBLISHED = "results/analysis/published"
PRINTED = ROOT / "tests" / "analysis" / "fixtures" / "paper_tables.csv"
# fixture table -> ours (the paper prints Tables 2 and 3 in full as appendix Tables 6 and 7)
OURS = {"1": "1", "4": "4", "6": "2", "7": "3"}


def test_matrix_has_the_schema_of_our_runs(built):
    for name, schema in (
        ("matrix", records.MATRIX_SCHEMA),
        ("clemscore", records.CLEMSCORE_SCHEMA),
    ):
        published = pq.read_schema(built / PUBLISHED / f"{name}.parquet")
        ours = pq.read_schema(built / "results" / "scores" / f"{name}.parquet")
        assert published.remove_metadata() == schema == ours.remove_metadata()
        meta = records.read_metadata(built / PUBLISHED / f"{name}.parquet")
        assert meta["clemgrid.source"] == "clembench-v1.6" and "clemgrid.origin_sha256" in meta
    matrix = pd.read_parquet(built / PUBLISHED / "matrix.parquet")
    assert set(matrix["source"]) == {"clembench-v1.6"} and matrix["game"].nunique() == 7


def test_every_published_clemscore_is_recomputed(built):
    check = pd.read_csv(built / PUBLISHED / "recomputed.csv")
    assert len(check) == 55 and check["match"].all()
    scores = pd.read_parquet(built / PUBLISHED / "clemscore.parquet").set_index(
        ["model", "backend", "quant"]
    )
    assert (
        scores.loc[("Meta-Llama-3-70B-Instruct", "huggingface-local", "none"), "clemscore"] == 35.11
    )


def test_join_reports_its_dropped_rows(built):
    joined = pd.read_parquet(built / PUBLISHED / "joined.parquet")
    dropped = pd.read_csv(built / PUBLISHED / "dropped.csv")
    assert len(joined) + len(dropped) == 55
    assert len(dropped) == 6 and dropped["reason"].notna().all()
    assert {"model", "backend", "quant", "characteristics_name", "reason"} <= set(dropped.columns)
    log = (built / "logs/characteristics_join/characteristics_join.log").read_text()
    for row in dropped.itertuples():
        assert f"dropped {row.model} / {row.backend} / {row.quant}: {row.reason}" in log


def test_tables_match_the_printed_rows(built):
    """Every row the paper prints is in our table; those the score file holds match to 0.01."""
    printed = pd.read_csv(PRINTED, dtype={"table": str})
    counts = {}
    for number, part in printed.groupby("table"):
        ours = pd.read_csv(built / f"results/analysis/tables/table{OURS[number]}.csv")
        key = ["model"] if number == "4" else ["model", "backend", "quant"]
        merged = part.merge(ours, on=key, how="left", suffixes=("_printed", ""), validate="1:1")
        assert merged["status"].notna().all(), f"table {number}: a printed row is missing"
        found = merged[merged["status"] == tables.FOUND]
        for ours_column, printed_column in (
            ("clemscore", "clemscore_printed"),
            ("avg_pct_played", "avg_played"),
            ("avg_quality", "avg_quality_printed"),
        ):
            assert np.allclose(found[ours_column], found[printed_column], atol=0.005)
        counts[number] = (len(found), len(part))
    # 29 of the 32 printed rows are in the score file (see tests/analysis/test_paper_tables.py)
    assert counts == {"1": (9, 9), "4": (5, 6), "6": (6, 8), "7": (9, 9)}
    assert (built / "results/analysis/tables/table2.tex").read_text().startswith("\\begin{tabular}")


def test_regressions_equal_statsmodels_on_the_same_frame(built):
    fits = pd.read_csv(built / "results/analysis/regression/fits.csv").set_index("formula")
    coefficients = pd.read_csv(built / "results/analysis/regression/coefficients.csv")
    frame = pd.read_csv(built / "results/analysis/regression/frame.csv")
    for formula, columns in (
        (regression.PARAMS, ["params_b"]),
        (regression.PARAMS_TOKENS, ["params_b", "tokens_t"]),
    ):
        direct = sm.OLS(
            frame["clemscore"].to_numpy(), sm.add_constant(np.log10(frame[columns].to_numpy()))
        ).fit()
        fit = fits.loc[formula]
        assert fit["n"] == direct.nobs == len(frame) == 20
        assert fit["subset_rule"] == regression.SUBSET_RULE
        assert len(fit["models"].split("; ")) == 20
        assert (fit["df_model"], fit["df_resid"]) == (direct.df_model, direct.df_resid)
        assert fit["F"] == pytest.approx(direct.fvalue)
        assert fit["F_p"] == pytest.approx(direct.f_pvalue)
        assert fit["R2"] == pytest.approx(direct.rsquared)
        terms = coefficients[coefficients["formula"] == formula]
        ci = direct.conf_int(0.05)
        assert terms["estimate"].to_numpy() == pytest.approx(direct.params)
        assert terms["p"].to_numpy() == pytest.approx(direct.pvalues)
        assert terms["ci_low"].to_numpy() == pytest.approx(ci[:, 0])
        assert terms["ci_high"].to_numpy() == pytest.approx(ci[:, 1])
    per_game = pd.read_csv(built / "results/analysis/regression/per_game.csv")
    assert len(per_game) == 14 and (per_game["n"] <= 20).all()


def test_size_statistics_outputs(built):
    out = built / "results/analysis/size_statistics"
    assert pd.read_csv(out / "brackets.csv")["n"].sum() == 39
    assert len(pd.read_csv(out / "tukey.csv")) == 6
    models = pd.read_csv(out / "models.csv").set_index("key")
    assert list(models.index) == ["ols", "mixed", "gam", "gamm"]
    assert models.loc["mixed", "n_groups"] == 15
    assert len(pd.read_csv(out / "tsne.csv")) == 39
    for name in ("tsne", "smooth", "size", "brackets", "dynamics", "profiles", "all_profiles_1"):
        for suffix in (".pdf", ".png"):
            path = built / "results/analysis/figures" / f"{name}{suffix}"
            assert path.stat().st_size > 1000, path
