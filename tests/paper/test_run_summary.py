"""`clemgrid summary` on a real results tree: the whole workflow on the tiny scripted grid."""

import pandas as pd
import pytest

from clemgrid import cli, summary_screen

pytestmark = pytest.mark.slow


def test_summary_of_a_finished_run(built, capsys, monkeypatch):
    monkeypatch.chdir(built)
    assert cli.main(["summary"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(map(len, lines)) <= summary_screen.WIDTH
    assert lines[0] == ("clemgrid run: 2 configs x 1 game, 2 instances per experiment, 12 episodes")
    assert "over 1 zero-shot game: taboo" in out
    # Both players are synthetic (the run's configs.csv says so); the perfect one ranks first.
    rows = [line.split() for line in lines if line.lstrip().startswith(("1 ", "2 "))]
    assert [row[1] for row in rows] == ["scripted-perfect*", "scripted-never-right*"]
    # The pipeline's row (runs/configs.csv: clemscore and interval over the zero-shot games)
    # is the one shown, so the screen and the paper give the same numbers.
    configs = pd.read_csv(built / "results" / summary_screen.CONFIGS).set_index("model")
    score, low, high = configs.loc["scripted-perfect", ["clemscore", "ci_low", "ci_high"]]
    assert f"{score:6.2f} [{low:5.1f}, {high:5.1f}]" in out and score == 100
    assert "few-shot" not in out.lower()  # the test grid has no variants
    paper = next(line for line in lines if line.strip().startswith("paper "))
    assert "results/paper/paper.pdf" in paper and "not built" not in paper
