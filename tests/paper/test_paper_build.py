"""The paper builds from the pipeline's outputs, and its text carries the pipeline's numbers."""

import re
import shutil
import subprocess

import pandas as pd
import pytest
from support import run_snakemake

from clemgrid.analysis import macros

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def text(built) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (poppler-utils, scripts/system-deps.sh)")
    pdf = built / "results/paper/paper.pdf"
    run = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(run.stdout.split())  # line breaks and hyphenation-free spacing


def test_paper_has_the_regenerated_numbers(built, text):
    assert "35.11" in text  # Meta-Llama-3-70B-Instruct, recomputed from the published matrix
    fits = pd.read_csv(built / "results/analysis/regression/fits.csv")
    for r2 in fits["R2"]:
        assert f"{r2:.2f}" in text
    ours = pd.read_csv(built / "results/analysis/runs/configs.csv")
    for row in ours.itertuples():
        assert row.model in text
        assert f"{row.clemscore:.2f}" in text


RAW = re.compile(
    r"\{'|'\s*:\s|\bNone\b(?! of)|\bTrue\b|\bFalse\b|\bnan\b|\bNaN\b|<\|im_"
    r"|\\[A-Za-z]+|\?\?|\bdtype\b|Traceback"
)
"""What must never reach the paper: Python or YAML literals (a printed dict, None, NaN), chat
template tokens, LaTeX commands that did not expand and unresolved references (??)."""


def test_the_text_has_no_raw_values_or_unresolved_references(text):
    found = [text[max(m.start() - 30, 0) : m.end() + 30] for m in RAW.finditer(text)]
    assert found == []
    assert RAW.search("end of turn {'stop': ['<|im_end|>']}")  # the check itself can fail


def test_synthetic_players_are_labelled(built, text):
    ours = pd.read_csv(built / "results/analysis/runs/configs.csv")
    assert set(ours["player"]) == {"synthetic"}  # the test grid has scripted players only
    assert (ours["label"].str.endswith("[synthetic]")).all()
    table = (built / "results/analysis/runs/configs.tex").read_text()
    assert table.count("& synthetic &") == len(ours)
    assert "no language model" in text


def test_macros_file_is_valid(built):
    rendered = (built / "results/analysis/macros.tex").read_text()
    names = macros.names(rendered)
    assert len(names) == len(set(names)) > 100
    assert all(re.fullmatch(r"[A-Za-z]+", n) for n in names)
    assert "\\newcommand{\\LlamaSeventyClemscore}{35.11\\xspace}" in rendered


def test_latex_log_is_kept_and_no_line_runs_into_the_margin(built):
    assert "latexmk" in (built / "logs/paper/latexmk.log").read_text()
    log = (built / "logs/paper/main.log").read_text()
    assert "Output written on main.pdf" in log
    assert "Overfull \\hbox" not in log  # generated names must break or fit


def test_report_is_generated(built):
    run_snakemake(built, "--report", "results/report.html")
    html = (built / "results/report.html").read_text(errors="replace")
    assert "Published v1.6 data" in html and "Our runs" in html
