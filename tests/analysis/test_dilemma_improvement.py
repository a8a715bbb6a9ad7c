"""Seed 004's improvement metric, the proportion statistics and `clemgrid dilemma-improvement`."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest

from clemgrid.analysis.dilemma import (
    CountsError,
    c_rates,
    counts_from_scores,
    improvement,
    improvement_table,
    read_counts,
    summarize,
)
from clemgrid.analysis.proportions import (
    bridging,
    cosine,
    jensen_shannon,
    two_proportion_z,
    wilson,
)
from clemgrid.cli import main

ROOT = Path(__file__).resolve().parents[2]
COUNTS = ROOT / "resources" / "dilemma" / "dilemma_in_sample_counts.csv"
HEADER = "split,scenario,role,n_C,n_D\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "counts.csv"
    path.write_text(header + body)
    return path


def rows(*scenarios: tuple[str, int, int, int]) -> str:
    """(scenario, C_base, C_finetuned, C_teacher), each role with 100 answers."""
    return "".join(
        f"s,{name},{role},{c},{100 - c}\n"
        for name, *cs in scenarios
        for role, c in zip(("base", "finetuned", "teacher"), cs, strict=True)
    )


def test_published_in_sample_numbers() -> None:
    table = {r["scenario"]: r for r in improvement_table(read_counts(COUNTS))}
    assert len(table) == 20
    for scenario, value in {
        "IR_prison": 18.64,
        "team_delight": 200.0,
        "team_prison": -25.0,
        "friendsharing_prison": -5.0,
    }.items():
        assert round(table[scenario]["improvement"], 2) == value
    # one teacher cell has 299 answers: counts (the paper) and rates differ there
    assert round(table["friendsharing_snowdrift"]["improvement"], 2) == 123.08
    assert round(table["friendsharing_snowdrift"]["improvement_rates"], 2) == 130.85
    (summary,) = summarize(table.values())
    assert (round(summary["mean"], 2), round(summary["median"], 2)) == (46.26, 32.33)
    assert summary["n_defined"] == 20
    assert summary["flagged"] == [
        "friendsharing_snowdrift (close)",
        "team_delight (close)",
        "team_staghunt (close)",
    ]


def test_cli_prints_the_published_mean_and_writes_rows(capsys, tmp_path) -> None:
    out = tmp_path / "rows.csv"
    assert main(["dilemma-improvement", str(COUNTS), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    line = next(li for li in printed.splitlines() if li.startswith("in_sample "))
    assert line.split()[1:4] == ["20", "46.26", "32.33"]
    assert "team_delight (close)" in printed
    with out.open() as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == 20 and written[0]["scenario"] == "IR_prison"
    assert {r["flag"] for r in written} == {"", "close"}


def test_undefined_ratio_is_flagged_and_left_out_of_the_mean(capsys, tmp_path) -> None:
    path = write(tmp_path, rows(("a", 50, 70, 90), ("b", 60, 80, 60)))
    assert main(["dilemma-improvement", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "b (undefined)" in printed
    (summary,) = summarize(improvement_table(read_counts(path)))
    assert (summary["n_scenarios"], summary["n_defined"], summary["mean"]) == (2, 1, 50.0)


@pytest.mark.parametrize(
    ("body", "header", "message"),
    [
        (rows(("a", 50, 70, 90)), "split,scenario,role,n_C\n", "missing column(s) n_D"),
        ("s,a,base,50,50\ns,a,teacher,90,10\n", HEADER, "s/a has no finetuned row"),
        ("s,a,base,-1,50\n", HEADER, ":2: n_C = -1 is negative"),
        ("s,a,base,50,x\n", HEADER, ":2: n_D = 'x' is not a whole number"),
        ("s,a,base,0,0\n", HEADER, ":2: n_C + n_D = 0"),
        ("s,a,student,5,5\n", HEADER, ":2: role 'student'"),
        ("s,a,base,5,5\ns,a,base,5,5\n", HEADER, ":3: second base row for a"),
        ("", HEADER, "no rows"),
    ],
)
def test_bad_counts_give_a_located_error_not_a_traceback(
    capsys, tmp_path, body: str, header: str, message: str
) -> None:
    path = write(tmp_path, body, header)
    with pytest.raises(CountsError, match=re.escape(message)):
        read_counts(path)
    assert main(["dilemma-improvement", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}") and message in err and "Traceback" not in err


def test_missing_file_is_an_error(capsys, tmp_path) -> None:
    assert main(["dilemma-improvement", str(tmp_path / "nope.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_improvement_and_bridging() -> None:
    assert improvement(10, 15, 20) == 50.0
    assert improvement(10, 25, 20) == 150.0  # overshoot is unbounded
    assert improvement(10, 15, 10) is None
    assert bridging(0.9, 0.6, 0.3) == pytest.approx(0.5)
    assert bridging(0.9, 0.1, 0.3) == pytest.approx(2 / 3)  # overshoot counts as distance
    assert bridging(0.5, 0.4, 0.5) is None


def test_wilson_interval() -> None:
    low, high = wilson(254, 300)
    assert (round(low, 4), round(high, 4)) == (0.8015, 0.8830)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0
    assert wilson(0, 0) == (0.0, 1.0)


def test_two_proportion_z() -> None:
    z, p = two_proportion_z(60, 100, 40, 100)
    assert round(z, 4) == 2.8284 and round(p, 4) == 0.0047
    assert two_proportion_z(5, 5, 7, 7) == (0.0, 1.0)


def test_jensen_shannon_and_cosine() -> None:
    assert jensen_shannon([1, 0], [0, 1]) == pytest.approx(1.0)
    assert jensen_shannon([30, 70], [3, 7]) == pytest.approx(0.0)
    assert jensen_shannon([0.5, 0.5], [0.9, 0.1]) == pytest.approx(0.1468, abs=1e-4)
    assert cosine([1, 0], [0, 1]) == 0.0 and cosine([2, 2], [1, 1]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        jensen_shannon([0, 0], [1, 1])
    assert not math.isnan(jensen_shannon([254, 46], [77, 223]))


def test_c_rates_per_scenario_and_role() -> None:
    rates = c_rates(read_counts(COUNTS))
    assert len(rates) == 60
    first = rates[0]
    assert (first["scenario"], first["role"], first["n"], first["n_C"]) == (
        "IR_prison",
        "teacher",
        300,
        77,
    )
    assert first["low"] < first["rate"] < first["high"]


def test_counts_from_episode_scores(tmp_path) -> None:
    def episode(instance_id: str, strict: float, lenient: float, experiment="in_sample") -> dict:
        metrics = {"Cooperation": strict, "Lenient Cooperation": lenient}
        return {"game": "dilemma", "experiment": experiment, "instance_id": instance_id} | {
            "metrics": json.dumps(metrics)
        }

    nan = float("nan")
    scores = [
        episode("IR_prison", 100.0, 100.0),
        episode("IR_prison", 0.0, 0.0),
        episode("IR_prison", nan, 100.0),  # aborted, but the lenient rule reads C
        episode("pgg", 70.0, 70.0, "pgg"),
        {"game": "taboo", "experiment": "x", "instance_id": "0", "metrics": "{}"},
    ]
    assert counts_from_scores(scores, "base") == [
        {"split": "in_sample", "scenario": "IR_prison", "role": "base"}
        | {"n_C": 1, "n_D": 1, "n_aborted": 1}
    ]
    assert counts_from_scores(scores, "base", lenient=True)[0]["n_C"] == 2


def test_unwritable_out_is_an_error(capsys, tmp_path) -> None:
    out = tmp_path / "missing" / "rows.csv"
    assert main(["dilemma-improvement", str(COUNTS), "--out", str(out)]) == 2
    assert f"error: {out}: cannot write" in capsys.readouterr().err
