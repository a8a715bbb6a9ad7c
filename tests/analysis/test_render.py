"""The table renderer: missing values, Markdown as tabulate pads it, LaTeX as pandas wrote it."""

import numpy as np
import pandas as pd
import pytest

from clemgrid.analysis import render, simulation
from clemgrid.analysis.render import Column


def test_missing_values_print_as_an_en_dash_in_each_spelling():
    frame = pd.DataFrame({"x": [1.5, np.nan, None], "y": ["a|b", None, pd.NA]}, dtype=object)
    columns = [Column("x", format=render.fixed(1), align="r"), Column("y")]
    assert render.markdown(frame, columns).splitlines()[2:] == [
        "| 1.5 | a\\|b |",
        "| – | – |",
        "| – | – |",
    ]
    tex = render.latex(frame, columns)
    assert "\\begin{tabular}{rl}" in tex and "-- & -- \\\\" in tex
    assert render.markdown(frame, [Column("x", missing="n/a", format=str)]).endswith("| n/a |\n")
    assert render.markdown(frame[:1], [Column("x", missing=False, format=repr)]).endswith(
        "| 1.5 |\n"
    )


def test_a_computed_column_needs_a_header_and_odd_names_work():
    frame = pd.DataFrame({"avg %played": [50.0], "taboo+1shot quality": [1.0]})
    assert render.markdown(frame, [Column("avg %played", format=render.fixed(0))]).endswith(
        "| 50 |\n"
    )
    with pytest.raises(ValueError, match="header"):
        render.markdown(frame, [Column(lambda r: 1)])


@pytest.mark.parametrize("seed", range(5))
def test_padded_markdown_is_what_to_markdown_prints(seed):
    rng = np.random.default_rng(seed)
    words = ["a", "llm / b / none", "–", "100.0 [100.0, 100.0]", "x" * 30, "synthetic", ""]
    frame = pd.DataFrame(
        {
            f"h{'e' * int(rng.integers(0, 20))}{i}": rng.choice(words, size=4).tolist()
            for i in range(5)
        }
    )
    columns = [Column(c, format=str) for c in frame.columns]
    expected = frame.to_markdown(index=False, disable_numparse=True) + "\n"
    assert render.markdown(frame, columns, padded=True) == expected


def test_padded_alignment_is_tabulates():
    from tabulate import tabulate

    frame = pd.DataFrame({"a": ["x", "long value"], "bb": ["1", "22"], "c": ["q", "rr"]})
    expected = tabulate(
        frame.to_numpy().tolist(),
        headers=list(frame.columns),
        tablefmt="pipe",
        colalign=("left", "right", "center"),
        disable_numparse=True,
    )
    columns = [Column("a"), Column("bb", align="r"), Column("c", align="c")]
    assert render.markdown(frame, columns, padded=True) == expected + "\n"


def test_simulation_summary_is_what_to_latex_wrote():
    summary = pd.DataFrame(
        {
            "scenario": ["equal skill", "10-point gap & more_x"],
            "repetitions": [200, 3],
            "true_clemscore_a": [42.0, 41.005],
            "ci_coverage": [94.25, np.nan],
        }
    )
    expected = summary.to_latex(index=False, float_format="%.2f", escape=True)
    assert simulation.summary_latex(summary) == expected


def test_floating_wraps_a_tabular():
    tex = render.floating(render.tabular(["A"], [["1"]], "l"), "Cap", "tab:x")
    assert tex.startswith("\\begin{table}\n\\centering\n\\caption{Cap}\n\\label{tab:x}\n")
    assert tex.endswith("\\end{tabular}\n\\end{table}\n")
