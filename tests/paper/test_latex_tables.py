"""LaTeX renderings: escaping, numbers, and the shape of a booktabs tabular."""

import pandas as pd
import pytest

from clemgrid.analysis import latex, tables


def test_escape_and_numbers():
    assert latex.escape("wordle_withclue 100% & <10B") == (
        "wordle\\_withclue 100\\% \\& \\textless{}10B"
    )
    assert latex.number(-0.004) == "0.00"  # no negative zero
    assert latex.number(-1.5, 1) == "$-$1.5"
    assert latex.number(float("nan")) == latex.integer(None) == "--"
    assert latex.p_value(0.0004) == "$<$0.001" and latex.p_value(0.05) == "0.050"
    assert latex.interval(1, 2.345) == "[1.00, 2.35]"


def test_tabular_checks_its_shape():
    text = latex.tabular(["A", "B"], [["1", "2"], ["3", "4"]], "lr", breaks=[1], footer=["note"])
    assert text.splitlines()[:4] == ["\\begin{tabular}{lr}", "\\toprule", "A & B \\\\", "\\midrule"]
    assert "\\multicolumn{2}{l}{note} \\\\" in text and text.count("\\midrule") == 3
    with pytest.raises(ValueError, match="align"):
        latex.tabular(["A"], [], "lr")
    with pytest.raises(ValueError, match="row 0"):
        latex.tabular(["A", "B"], [["1"]], "lr")


def test_paper_tables_as_bare_tabular():
    scores = pd.DataFrame(
        {
            "model": ["Meta-Llama-3-70B-Instruct"],
            "backend": ["groq"],
            "quant": ["none"],
            "clemscore": [39.34],
            "avg_pct_played": [90.0],
            "avg_quality": [43.7],
        }
    )
    text = tables.latex(tables.build(scores, "2"), floating=False)
    assert text.startswith("\\begin{tabular}") and "\\caption" not in text
    assert "39.34" in text
