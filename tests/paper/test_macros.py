"""The macros writer: valid unique names, values from the frames, the paper uses only macros."""

import re
from pathlib import Path

import pandas as pd
import pytest

from clemgrid.analysis import macros, regression, tables
from clemgrid.analysis.characteristics import join_characteristics
from clemgrid.analysis.published import configs, published_matrix
from clemgrid.scoring import clemscores

ROOT = Path(__file__).resolve().parents[2]
V16 = ROOT / "resources" / "clembench_v1.6"


@pytest.fixture(scope="module")
def published():
    matrix = published_matrix(V16 / "clembench_model_scores.csv")
    scores = clemscores(matrix)
    joined, dropped = join_characteristics(
        scores, V16 / "model_characteristics.csv", ROOT / "resources/mapping/model_names.csv"
    )
    recomputed = configs(V16 / "clembench_model_scores.csv").merge(
        scores[["model", "backend", "quant", "clemscore"]],
        on=["model", "backend", "quant"],
        suffixes=("_published", ""),
    )
    recomputed["match"] = (
        recomputed["clemscore_published"] - recomputed["clemscore"]
    ).abs() < 0.005
    built = {n: tables.build(scores, n) for n in tables.SPECS}
    return matrix, scores, joined, dropped, recomputed, built


def test_camel_spells_digits_and_drops_punctuation():
    assert macros.camel("SmolLM2-135M-Instruct", "llama_cpp", "Q4_1") == (
        "SmolLMTwoOneThreeFiveMInstructLlamaCppQFourOne"
    )
    assert macros.camel("taboo+1shot") == "TabooOneShot"
    assert re.fullmatch(r"[A-Za-z]+", macros.camel("a.b-c_d 9"))


def test_names_are_checked():
    m = macros.Macros()
    m.number("GoodName", 1.234)
    with pytest.raises(ValueError, match="letters only"):
        m.number("Bad1", 1.0)
    with pytest.raises(ValueError, match="twice"):
        m.integer("GoodName", 3)
    m.flag("HaveThing", True)
    with pytest.raises(ValueError, match="twice"):
        m.flag("HaveThing", False)
    text = m.render()
    assert "\\newcommand{\\GoodName}{1.23\\xspace}" in text
    assert "\\newif\\ifHaveThing\\HaveThingtrue" in text
    assert macros.names(text) == ["GoodName", "HaveThing"]


def test_formatting():
    m = macros.Macros()
    m.number("Negative", -8.2449)
    m.p("Small", 1e-9)
    m.p("Large", 0.0271)
    m.number("Missing", None)
    m.text("Escaped", "a_b & <10B")
    assert m["Negative"] == "$-$8.24"
    assert m["Small"] == "$p < 0.001$" and m["Large"] == "$p = 0.027$"
    assert m["Missing"] == "--"
    assert m["Escaped"] == "a\\_b \\& \\textless{}10B"


def test_published_macros(published):
    matrix, _, joined, dropped, recomputed, built = published
    m = macros.Macros()
    macros.published_macros(m, recomputed, matrix, joined, dropped, built)
    assert m["LlamaSeventyClemscore"] == "35.11"
    assert m["LlamaSeventyGroqClemscore"] == "39.34"
    assert m["LlamaEightQFourClemscore"] == "11.75"
    assert m["LlamaSeventyRouteSpread"] == "5.08"  # 39.34 - 34.26
    assert m["LlamaEightQFourDelta"] == "$-$8.24"  # 11.75 - 19.99
    assert m["PublishedRecomputed"] == m["PublishedConfigs"] == "55"
    assert m["DroppedConfigs"] == "6" and m["TableMissingTwo"] == "2"
    assert m["TableMissingTwoRoutes"] == "Together AI and Groq"
    assert m.flags["DroppedAllClosed"][0] and m["JoinedClosedModels"] == "9"


def test_regression_macros(published):
    _, _, joined, *_ = published
    results = regression.size_regressions(joined)
    fits = regression.summary(results)
    coefficients = pd.concat(
        [r.coefficients.assign(formula=f) for f, r in results.items()], ignore_index=True
    )
    m = macros.Macros()
    macros.regression_macros(m, fits, coefficients, results[regression.PARAMS].frame)
    fit = results[regression.PARAMS]
    assert m["SizeN"] == str(fit.n) == "20"
    assert m["SizeRSquared"] == f"{fit.r2:.2f}"
    assert m["SizeF"] == f"{fit.f:.2f}"
    assert m["PaperSizeF"] == "23.56" and m["PaperSizeTokensRSquared"] == "0.67"
    assert m["SizeParamsLow"] == f"{fit.coefficients['ci_low'].iloc[1]:.2f}"


def test_simulation_macros():
    summary = pd.DataFrame(
        {
            "scenario": ["equal skill", "10-point gap"],
            "repetitions": [400, 400],
            "true_clemscore_a": [60.87, 60.87],
            "true_clemscore_b": [60.87, 50.87],
            "true_gap": [0.0, 10.0],
            "mean_estimate_a": [60.1, 60.2],
            "mean_estimate_b": [60.3, 50.5],
            "ci_coverage": [94.75, 95.0],
            "permutation_rejects": [5.25, 61.0],
            "mcnemar_rejects": [3.0, 40.5],
            # Monte Carlo SEs and testable shares (the study's summary since it has them)
            "ci_coverage_se": [0.79, 0.77],
            "permutation_testable": [100.0, 100.0],
            "permutation_rejects_se": [1.11, 2.44],
            "mcnemar_testable": [100.0, 100.0],
            "mcnemar_rejects_se": [0.85, 2.45],
        }
    )
    m = macros.Macros()
    study = {"format_error_rate": 0.1, "good_move_rate": 0.8, "gap": 10}
    macros.simulation_macros(m, summary, study, {"resamples": 2000, "seed": 0})
    assert m["SimNullCoverage"] == "94.8" and m["SimGapPermutationRejects"] == "61.0"
    assert m["SimNullPermutationRejects"] == "5.2" and m["SimRepetitions"] == "400"


def test_paper_types_no_result_by_hand():
    """The prose holds no decimal number: results come from macros or \\input tables (layout
    options such as a figure's width are not results)."""
    for path in sorted((ROOT / "paper" / "sections").glob("*.tex")):
        source = re.sub(r"(?<!\\)%.*", "", path.read_text())
        source = re.sub(r"\[[^\]]*\]", "", source)  # optional arguments
        source = re.sub(r"[\d.]+\\(linewidth|textwidth|textheight)", "", source)
        assert not re.findall(r"\d+\.\d+", source), path
