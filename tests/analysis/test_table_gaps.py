"""The rows of the paper's tables that the score file lacks: filled from the leaderboard or the
paper, marked, and Table 4's instruction-tuning data (clemgrid.analysis.table_gaps)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from clemgrid.analysis import table_gaps, tables
from clemgrid.analysis.characteristics import join_characteristics
from clemgrid.analysis.published import LLAMA3_8B

BOARD = Path(__file__).resolve().parents[2] / "resources" / "clembench_v1.6" / "results.csv"


@pytest.fixture(scope="module")
def board() -> pd.DataFrame:
    return table_gaps.leaderboard(BOARD)


def test_codegemma_comes_from_the_leaderboard(scores, board):
    table = table_gaps.fill(tables.build(scores, "4"), board).set_index("model")
    row = table.loc["codegemma-7b-it"]
    assert row["status"] == table_gaps.LEADERBOARD
    # the paper's Table 4 prints 15.30 / 51.95 / 29.45
    assert row[tables.SCORES].tolist() == pytest.approx([15.30, 51.95, 29.45])
    assert (table["status"] != tables.MISSING).all()


def test_llama8b_routes_come_from_the_paper(scores, board):
    table = table_gaps.fill(tables.build(scores, "2"), board)
    paper = table[table["status"] == table_gaps.PAPER].set_index("backend")
    assert set(paper.index) == {"groq", "together"}
    assert (paper["model"] == LLAMA3_8B).all()
    assert paper.loc["groq", "clemscore"] == pytest.approx(17.79)
    # the score file's own rows are untouched and still the only ones counted as found
    assert (table["status"] == tables.FOUND).sum() == 6


def test_marks_and_tuning_data_in_print(scores, board, characteristics_csv, mapping_csv):
    joined = join_characteristics(scores, characteristics_csv, mapping_csv)[0]
    table = table_gaps.with_tuning_data(table_gaps.fill(tables.build(scores, "4"), board), joined)
    tuning = table.set_index("model")["tuning_data"]
    assert tuning["tulu-2-dpo-70b"].startswith("Ultrafeedback-binarized")
    assert pd.isna(tuning["gemma-7b-it"])
    tex = tables.latex(table, floating=False, marks=table_gaps.MARKS)
    assert "codegemma-7b-it$^{a}$" in tex and "Instruction-tuning data" in tex
    assert "\\parbox[t]" in tex and "Feedback collection" in tex
    route = tables.latex(
        table_gaps.fill(tables.build(scores, "2"), board), floating=False, marks=table_gaps.MARKS
    )
    assert route.count("$^{b}$") == 2
