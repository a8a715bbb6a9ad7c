"""The transfer section's figures (the paper's Figs. 2-5): every split gets a panel, flagged
scenarios are marked and not dropped, a missing role or split is said in the figure instead of
crashing it, and every text prints at 7 pt or more where the paper includes it."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from clemgrid.analysis import readability
from clemgrid.analysis.dilemma import Counts, c_rates
from clemgrid.analysis.transfer_figures import (
    CHOICE_SPLITS,
    FLAG_HATCH,
    improvement_figure,
    paper_figures,
    pgg_figure,
    rates_figure,
    scenario_order,
)
from clemgrid.analysis.transfer_report import pgg_stats, transfer_summary

SECTION = Path(__file__).parents[2] / "paper" / "sections" / "transfer.tex"
ROLES = {"student": ["s", "b", "lora"], "base": ["s", "b", "q"], "teacher": {"model": "t"}}


def _table(teacher_splits=("in_sample",)) -> dict:
    """Base and student on two scenarios of each C/D split, the teacher where given; in-sample
    team_delight has teacher 2 points from base (flagged: too close for the ratio)."""
    table = {}
    for split, contexts in (
        ("in_sample", ("IR", "team")),
        ("oos_context", ("athletes", "roommates")),
        ("ood_game", ("IR", "team")),
    ):
        for context in contexts:
            game = "delight" if split != "ood_game" else "delight_x2"
            roles = {"base": Counts(6, 14), "finetuned": Counts(12, 8)}
            if split in teacher_splits:
                roles["teacher"] = Counts(96, 204) if context == "team" else Counts(240, 60)
            table[(split, f"{context}_{game}")] = roles
    return table


def _rows(table) -> list[dict]:
    return transfer_summary(table, ROLES, n_boot=20)[0]


def _texts(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text().strip()]


def _printed_width(name: str) -> float:
    """The width at which transfer.tex includes figures/<name>.pdf, in inches."""
    found = re.search(
        r"\\includegraphics\[width=([0-9.]*)\\linewidth[^\]]*\]\{figures/" + name + r"\.pdf\}",
        SECTION.read_text(),
    )
    assert found, f"figures/{name}.pdf is not in the transfer section"
    return float(found.group(1) or 1) * readability.TEXT_WIDTH


def test_scenarios_are_grouped_by_game_in_the_papers_order():
    order = scenario_order(["team_prison", "IR_delight", "IR_prison", "athletes_prison"])
    assert order == ["IR_prison", "team_prison", "athletes_prison", "IR_delight"]


def test_rates_figure_has_a_panel_per_split_with_labelled_axes():
    figure = rates_figure(c_rates(_table()))
    panels = [ax for ax in figure.axes if ax.get_ylabel()]
    assert len(panels) == len(CHOICE_SPLITS)
    assert all(ax.get_ylabel() == "C-rate %" for ax in panels)
    assert [t.get_text() for t in panels[0].get_xticklabels()] == ["IR", "team"]
    texts = _texts(figure)
    assert "fine-tuned" in texts and "teacher" in texts  # the legend names every role
    # the teacher answered in-sample only: the other panels say so
    assert sum("no teacher answers" in t for t in texts) == 2


def test_rates_figure_without_any_play_is_a_placeholder_not_a_crash():
    texts = _texts(rates_figure([]))
    assert sum("not played" in t for t in texts) == len(CHOICE_SPLITS)


def test_improvement_figure_marks_flagged_scenarios_and_keeps_them():
    rows = _rows(_table())
    assert [r["flag"] for r in rows] == ["", "close"]  # team_delight is flagged
    figure = improvement_figure(rows)
    ax = next(ax for ax in figure.axes if ax.get_ylabel() == "improvement %")
    bars = [p for p in ax.patches if p.get_height() != 0]
    assert len(bars) == 2  # the flagged scenario is drawn, not dropped
    assert [p.get_hatch() for p in bars] == [None, FLAG_HATCH]
    assert "flagged" in _texts(figure)


def test_improvement_figure_says_which_splits_have_no_teacher():
    texts = _texts(improvement_figure(_rows(_table())))
    assert sum("no teacher answers" in t for t in texts) == 2
    everywhere = _texts(improvement_figure(_rows(_table(CHOICE_SPLITS))))
    assert not any("no teacher answers" in t for t in everywhere)


def test_improvement_figure_draws_an_undefined_scenario_as_a_cross():
    table = _table()
    table[("in_sample", "team_delight")]["teacher"] = Counts(90, 210)
    table[("in_sample", "team_delight")]["base"] = Counts(6, 14)  # same rate: undefined
    rows = _rows(table)
    assert rows[1]["improvement"] is None
    figure = improvement_figure(rows)
    ax = next(ax for ax in figure.axes if ax.get_ylabel() == "improvement %")
    crosses = [line for line in ax.lines if line.get_marker() == "x"]
    assert len(crosses) == 1


def test_an_exploding_improvement_is_cut_and_its_value_written():
    table = _table()
    table[("in_sample", "team_delight")]["teacher"] = Counts(92, 208)  # 1 point from base
    texts = _texts(improvement_figure(_rows(table)))
    assert any(re.fullmatch(r"-?\d{4,}", t) for t in texts)


PGG = [
    {"role": "base", "amount": 10, "count": 4},
    {"role": "base", "amount": 0, "count": 4},
    {"role": "base", "amount": None, "count": 2},
    {"role": "finetuned", "amount": 5, "count": 8},
]


def test_pgg_stats_mean_and_standard_error_by_hand():
    s = pgg_stats(PGG, "base")
    assert (s["n"], s["unread"], s["mean"]) == (8, 2, 5.0)
    assert s["se"] == pytest.approx((8 * 25 / 7) ** 0.5 / 8**0.5)
    assert pgg_stats(PGG, "teacher")["mean"] is None


def test_pgg_figure_shows_the_distribution_and_names_the_missing_teacher():
    figure = pgg_figure(PGG)
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(a) for a in range(11)]
    heights = sorted(p.get_height() for p in ax.patches if p.get_height() > 0)
    assert heights == [50.0, 50.0, 100.0]  # base: 4 and 4 of 8 read; student: all 5
    texts = _texts(figure)
    assert any("no answers: teacher" in t for t in texts)
    assert any("base: mean 5.0" in t and "2 unread" in t for t in texts)


def test_pgg_figure_without_answers_is_a_placeholder():
    assert any("no role gave" in t for t in _texts(pgg_figure([])))


def _frames(table):
    rows = [{"student": "s/b/lora", "teacher": "t (synthetic)"} | r for r in _rows(table)]
    rates = [{"student": "s/b/lora"} | r for r in c_rates(table)]
    pgg = [{"student": "s/b/lora"} | r for r in PGG]
    return pd.DataFrame(rows), pd.DataFrame(rates), pd.DataFrame(pgg)


def test_paper_figures_from_the_csv_frames_label_a_synthetic_teacher():
    figures = paper_figures(*_frames(_table()))
    assert set(figures) == {"rates", "improvement", "pgg"}
    assert "teacher (synthetic)" in _texts(figures["rates"])


def test_paper_figures_from_header_only_files_are_placeholders():
    empty = pd.DataFrame({"student": []})
    figures = paper_figures(empty, empty, empty)
    assert any("not played" in t for t in _texts(figures["rates"]))


@pytest.mark.parametrize("name", ["rates", "improvement", "pgg"])
def test_figures_print_at_seven_points_without_overlaps(name):
    figure = paper_figures(*_frames(_table()))[name]
    scale = readability.printed_scale(figure, _printed_width(f"transfer_{name}"))
    assert readability.small_texts(figure, scale) == []
    assert readability.overlapping_texts(figure) == []


def test_the_rule_script_writes_the_three_pdfs(tmp_path):
    """workflow/scripts/transfer_figures.py on the CSVs dilemma_summary writes, header-only
    ones included (no student played the public-goods game)."""
    import runpy
    from types import SimpleNamespace

    transfer, rates, _ = _frames(_table())
    paths = {"transfer": tmp_path / "t.csv", "rates": tmp_path / "r.csv", "pgg": tmp_path / "p.csv"}
    transfer.to_csv(paths["transfer"], index=False)
    rates.to_csv(paths["rates"], index=False)
    paths["pgg"].write_text("student\n")
    out = {name: str(tmp_path / f"{name}.pdf") for name in ("rates", "improvement", "pgg")}
    snakemake = SimpleNamespace(
        input=SimpleNamespace(**{k: str(v) for k, v in paths.items()}),
        output=SimpleNamespace(**out),
        log=[str(tmp_path / "log")],
    )
    script = Path(__file__).parents[2] / "workflow" / "scripts" / "transfer_figures.py"
    runpy.run_path(str(script), init_globals={"snakemake": snakemake})
    assert all(Path(path).read_bytes().startswith(b"%PDF") for path in out.values())
