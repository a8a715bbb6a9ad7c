"""The synthetic teacher and the SFT dataset: published rates, reproducible draws, chat pairs
in the game's format with their provenance. Fast: no model."""

from __future__ import annotations

from pathlib import Path

from clemgrid.games.dilemma.parse import read_choice
from clemgrid.transfer.dataset import build, data_id, load
from clemgrid.transfer.teacher import published_rates, synthetic_answers

ROOT = Path(__file__).resolve().parents[2]
COUNTS = ROOT / "resources/dilemma/dilemma_in_sample_counts.csv"
TEACHER = {
    "teacher_rates": {
        "counts": "dilemma/dilemma_in_sample_counts.csv",
        "role": "teacher",
        "seed": 4,
    }
}
DATA = {"split": "in_sample", "samples": 200, "seed": 0, "motivation": False}


def test_choices_follow_the_published_rates() -> None:
    rows = synthetic_answers(TEACHER, DATA, COUNTS)
    rates = published_rates(COUNTS, "teacher", "in_sample")
    assert len(rates) == 20 and len(rows) == 20 * 200
    for scenario, rate in rates.items():
        mine = [r["choice"] == "C" for r in rows if r["scenario"] == scenario]
        assert abs(sum(mine) / len(mine) - rate) < 0.12  # 200 draws: > 3.4 standard errors
    assert rates["friendsharing_prison"] == 246 / 300


def test_draws_are_reproducible_and_motivated() -> None:
    small = {**DATA, "samples": 3}
    first = synthetic_answers(TEACHER, small, COUNTS)
    assert first == synthetic_answers(TEACHER, small, COUNTS)
    assert first != synthetic_answers(TEACHER, {**small, "seed": 1}, COUNTS)
    for row in first:
        assert row["response"].startswith(row["choice"] + "\n") and row["motivation"]
        assert "{" not in row["motivation"]  # every template field filled


def test_dataset_pairs_in_the_games_format(tmp_path) -> None:
    small = {**DATA, "samples": 2}
    provenance = build(synthetic_answers(TEACHER, small, COUNTS), small, tmp_path / "sft.parquet")
    rows, stored = load(tmp_path / "sft.parquet")
    assert stored == provenance and stored["data_id"] == data_id(small) and stored["rows"] == 40
    assert all(read_choice(r["answer"]).strict == r["choice"] for r in rows)
    explained = {**small, "motivation": True}
    build(synthetic_answers(TEACHER, explained, COUNTS), explained, tmp_path / "m.parquet")
    rows, _ = load(tmp_path / "m.parquet")
    assert all(r["answer"].startswith(r["choice"] + "\n") for r in rows)
    assert data_id(explained) != data_id(small)
