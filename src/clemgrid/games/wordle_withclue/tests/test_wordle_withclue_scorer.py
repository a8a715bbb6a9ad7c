"""wordle_withclue scores wins as round(100 / guesses, 2), unlike plain wordle's v1.6 scale."""

import math

import pytest

from clemgrid.games.base import Instance
from clemgrid.games.wordle_withclue import GAME

SHARE = Instance(
    "wordle_withclue",
    "high_frequency_words_clue_no_critic",
    "2",
    {"target_word": "share", "clue": "lion's amount?", "difficulty": "high_frequency"},
)
WRONG = ["pride", "crane", "slate", "apple", "early"]


def rows(*responses: str) -> list[dict]:
    return [
        {"turn": 0, "step": step, "player": "player_1", "role": "guesser", "response": response}
        for step, response in enumerate(responses)
    ]


@pytest.mark.parametrize(
    ("guesses", "quality"),
    [(1, 100.0), (2, 50.0), (3, 33.33), (4, 25.0), (5, 20.0), (6, 16.67)],
)
def test_speed_is_100_over_guesses_rounded(guesses: int, quality: float) -> None:
    words = [*WRONG[: guesses - 1], "share"]
    result = GAME.score(SHARE, rows(*(f"guess: {word}" for word in words)))
    assert (result.outcome, result.quality, result.metrics["Main Score"]) == (
        "success",
        quality,
        quality,
    )


def test_retries_do_not_count_as_guesses() -> None:
    result = GAME.score(SHARE, rows("guess: pride", "guess: beade", "no tag", "guess: share"))
    assert (result.outcome, result.quality) == ("success", 50.0)
    assert result.metrics["Request Count turn 2"] == 3
    assert result.metrics["Parsed Request Count turn 2"] == 2
    assert result.metrics["Violated Request Count turn 2"] == 1
    assert result.metrics["Request Success Ratio"] == 0.75


def test_lost_and_aborted() -> None:
    lost = GAME.score(SHARE, rows(*(f"guess: {w}" for w in [*WRONG, "pride"])))
    assert (lost.outcome, lost.quality, lost.metrics["Main Score"]) == ("lost", 0.0, 0.0)
    assert lost.metrics["total guess repetitions"] == 1
    aborted = GAME.score(SHARE, rows("guess: 12345", "guess: sh are", "guess: s.h.a.r.e"))
    assert (aborted.outcome, aborted.abort_reason) == (
        "aborted",
        "INVALID_WORD (the guess is not letters only), no retries left",
    )
    assert math.isnan(aborted.metrics["Main Score"])
