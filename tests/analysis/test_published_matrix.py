"""The published score file in the matrix layout: keys, quantisation, backends, clemscores."""

import pandas as pd
import pyarrow as pa
import pytest

from clemgrid.analysis.published import SAME_WEIGHTS, configs, published_matrix, read_wide
from clemgrid.records import MATRIX_SCHEMA


def test_matrix_fits_the_parquet_schema(matrix):
    assert list(matrix.columns) == MATRIX_SCHEMA.names
    table = pa.Table.from_pandas(matrix, schema=MATRIX_SCHEMA, preserve_index=False)
    assert table.num_rows == len(matrix) == 55 * 7 - 2  # command-r(-plus) have no privateshared
    assert matrix["n_episodes"].isna().all()
    assert (matrix["source"] == "clembench-v1.6").all()


def test_every_config_keeps_its_published_clemscore(scores, scores_csv):
    published = configs(scores_csv)
    merged = published.merge(scores, on=["model", "backend", "quant"], suffixes=("_file", ""))
    assert len(merged) == len(scores) == 55
    for column in ("clemscore", "avg_pct_played", "avg_quality"):
        assert merged[column].to_numpy() == pytest.approx(
            merged[f"{column}_file"].to_numpy(), abs=0.005
        )


def test_backends_and_quantisation(scores_csv):
    table = configs(scores_csv).set_index("config")
    assert "remote" not in set(table["backend"])
    assert table.loc["llama-3-70b-groq", ["model", "backend", "quant"]].tolist() == [
        "Meta-Llama-3-70B-Instruct",
        "groq",
        "none",
    ]
    assert table.loc["dolphin-2.5-mixtral-8x7b", "backend"] == "together"
    assert table.loc["mixtral-8x22b-instruct-v0.1", "backend"] == "anyscale"
    gguf = table[table["backend"] == "llama.cpp"]
    assert sorted(gguf["quant"]) == ["Q4_K_M"] * 3 + ["Q8_0"] * 3
    assert (table.loc[table["backend"] != "llama.cpp", "quant"] == "none").all()
    assert table.loc["c4ai-command-r-plus-gguf-q4", ["model", "quant"]].tolist() == [
        "c4ai-command-r-plus",
        "Q4_K_M",
    ]


def test_same_weights_names_only_real_configs(scores_csv):
    names = set(read_wide(scores_csv)["Model Name"].str.strip())
    assert set(SAME_WEIGHTS) <= names
    assert configs(scores_csv)["model"].nunique() == 45


def test_unknown_remote_provider_is_an_error(tmp_path, scores_csv):
    wide = read_wide(scores_csv).head(1).assign(Backend="remote", Link="https://example.org/")
    path = tmp_path / "scores.csv"
    wide.to_csv(path, index=False)
    with pytest.raises(ValueError, match="unknown provider"):
        published_matrix(path)


def test_game_not_run_has_no_row(matrix):
    command_r = matrix[matrix["model"] == "command-r"]
    assert "privateshared" not in set(command_r["game"])
    assert isinstance(command_r, pd.DataFrame) and len(command_r) == 6
