"""Context- and game-sensitivity of a config's C-rate: chi-square against statsmodels, the
smallest attainable p against brute force over all tables of the same level sizes."""

import itertools

import pytest
from statsmodels.stats.contingency_tables import Table

from clemgrid.analysis.dilemma_sensitivity import (
    chi_square,
    format_sensitivity,
    level,
    min_attainable_p,
    pooled,
    sensitivity_rows,
)


def test_levels_of_scenario_ids():
    assert level("IR_prison", "context") == "IR"
    assert level("IR_prison_x2", "game") == "prison_x2"
    assert level("athletes_prison", "game") == "prison"


def test_chi_square_matches_statsmodels():
    table = [[12, 8], [5, 15], [9, 11]]
    stat, p, dof = chi_square(table)
    reference = Table(table).test_nominal_association()
    assert stat == pytest.approx(reference.statistic)
    assert p == pytest.approx(reference.pvalue)
    assert dof == reference.df == 2


def test_no_test_without_variation():
    assert chi_square([[5, 0], [7, 0]]) is None
    assert chi_square([[5, 5]]) is None


def test_min_attainable_p_is_the_minimum_over_all_tables():
    sizes = [4, 3, 5]
    brute = min(
        r[1]
        for cs in itertools.product(*(range(n + 1) for n in sizes))
        if (r := chi_square([[c, n - c] for c, n in zip(cs, sizes, strict=True)])) is not None
    )
    assert min_attainable_p(sizes) == pytest.approx(brute)
    assert min_attainable_p([20]) is None


def test_rows_per_config_and_factor():
    rows = [
        {"model": "m", "backend": "b", "quant": "q", "scenario": s, "n": 20, "n_C": c}
        for s, c in [("IR_prison", 18), ("biz_prison", 2), ("IR_staghunt", 17)]
    ]
    out = sensitivity_rows(rows)
    assert [(r["factor"], r["levels"]) for r in out] == [("context", 2), ("game", 2)]
    assert pooled({"IR_prison": (18, 2), "IR_staghunt": (17, 3)}, "context") == {"IR": [35, 5]}
    assert out[0]["p"] < 0.001 and out[0]["min_p"] <= out[0]["p"]
    assert all(len(line) <= 100 for line in format_sensitivity(out).splitlines())
