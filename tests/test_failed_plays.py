"""The failure report of the Snakefile's `onerror:` handler (clemgrid.failed_plays), on a
working directory of fake outputs and logs. tests/cluster runs it in a real failed run."""

from __future__ import annotations

import io

import pytest

from clemgrid import failed_plays
from clemgrid.keys import ConfigKey
from clemgrid.registry import Grid, PlayConfig

TRANSCRIPTS = "results/transcripts/{model}/{backend}/{quant}/{game}.parquet"
PLAY_LOG = "logs/play/{model}/{backend}/{quant}/{game}.log"
LOG = ".snakemake/log/run.snakemake.log"


def grid() -> Grid:
    """Three configs of taboo and wordle; the third plays only wordle."""
    configs = tuple(
        PlayConfig(model, "llama_cpp", "Q4_1", {}, {"kind": "llama_cpp"})
        for model in ("a", "b", "c")
    )
    return Grid(
        {"games": ["taboo", "wordle"]},
        {},
        {},
        configs,
        {ConfigKey("c", "llama_cpp", "Q4_1"): ("wordle",)},
    )


def transcripts(model: str, game: str) -> str:
    return TRANSCRIPTS.format(model=model, backend="llama_cpp", quant="Q4_1", game=game)


@pytest.fixture
def run(tmp_path, monkeypatch):
    """A run that played a's games and b's taboo, and whose log names b's wordle and c's
    wordle as failed jobs (and plans a's, before the errors)."""
    monkeypatch.chdir(tmp_path)
    for model, game in (("a", "taboo"), ("a", "wordle"), ("b", "taboo")):
        path = tmp_path / transcripts(model, game)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    log = tmp_path / LOG
    log.parent.mkdir(parents=True)
    log.write_text(
        f"Job 1: play {transcripts('c', 'taboo')}\n"
        f"Error in rule play:\n    output: {transcripts('b', 'wordle')}\n"
        f"Error in rule play:\n    output: {transcripts('c', 'wordle')}\n"
    )
    return tmp_path


def test_failed_configs_are_named_with_their_logs(run) -> None:
    slurm = run / "logs" / "slurm"
    for job in range(1, 6):  # five attempts of b's group: the last three are shown
        (slurm / "group_play_b_llama_cpp_Q4_1_play").mkdir(parents=True, exist_ok=True)
        (slurm / "group_play_b_llama_cpp_Q4_1_play" / f"{job}.log").write_text("")
    assert failed_plays.report_text(grid(), TRANSCRIPTS, PLAY_LOG, LOG) == (
        "\nPlay jobs failed for 2 of 3 configs:\n"
        "  b / llama_cpp / Q4_1: wordle\n"
        "    log: logs/play/b/llama_cpp/Q4_1/wordle.log\n"
        "    SLURM log: logs/slurm/group_play_b_llama_cpp_Q4_1_play/3.log\n"
        "    SLURM log: logs/slurm/group_play_b_llama_cpp_Q4_1_play/4.log\n"
        "    SLURM log: logs/slurm/group_play_b_llama_cpp_Q4_1_play/5.log\n"
        "  c / llama_cpp / Q4_1: wordle\n"
        "    log: logs/play/c/llama_cpp/Q4_1/wordle.log\n"
        f"Snakemake log: {LOG}"
    )


def test_without_a_log_every_missing_transcript_counts(run) -> None:
    [b, c] = failed_plays.failed_configs(grid(), TRANSCRIPTS, None)
    assert (b.config.model, b.games) == ("b", ("wordle",))
    assert (c.config.model, c.games) == ("c", ("wordle",))
    text = failed_plays.report_text(grid(), TRANSCRIPTS, PLAY_LOG, [])
    assert text.startswith("\nPlay jobs failed for 2 of 3 configs:\n")
    assert "Snakemake log" not in text


def test_only_jobs_after_the_first_error_count() -> None:
    log = "planned: x.parquet\nError in rule play: y.parquet\n"
    assert failed_plays.snakemake_errors(log) == "Error in rule play: y.parquet\n"
    assert failed_plays.snakemake_errors("planned: x.parquet\n") == ""
    # Named only among the planned jobs: not run, not failed.
    assert failed_plays.failed_configs(grid(), "{model}.{game}", "") == []


def test_nothing_is_printed_without_failures(run) -> None:
    (run / LOG).write_text("Error in rule score:\n")
    stream = io.StringIO()
    failed_plays.report(grid(), TRANSCRIPTS, PLAY_LOG, LOG, stream=stream)
    assert stream.getvalue() == ""
    (run / LOG).unlink()  # a log that is not there names nothing
    assert failed_plays.report_text(grid(), TRANSCRIPTS, PLAY_LOG, LOG) == ""


def test_the_report_is_printed(run) -> None:
    stream = io.StringIO()
    failed_plays.report(grid(), TRANSCRIPTS, PLAY_LOG, [LOG], stream=stream)
    expected = failed_plays.report_text(grid(), TRANSCRIPTS, PLAY_LOG, LOG)
    assert stream.getvalue() == expected + "\n"
