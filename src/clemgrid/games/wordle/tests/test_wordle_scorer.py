"""The scorer on hand-made transcripts: outcomes, speed (Main Score) and clembench's metrics."""

import math
import random

import pytest

from clemgrid.games.base import Instance
from clemgrid.games.wordle import GAME

SHARE = Instance(
    "wordle",
    "high_frequency_words_no_clue_no_critic",
    "2",
    {"target_word": "share", "clue": "lion's amount?", "difficulty": "high_frequency"},
)


def guess(word: str) -> str:
    return f"guess: {word}\nexplanation: a hand-made answer"


def rows(*responses: str) -> list[dict]:
    """Guesser rows in play order; the scorer orders by `step` and derives attempts itself."""
    return [
        {"turn": 0, "step": step, "player": "player_1", "role": "guesser", "response": response}
        for step, response in enumerate(responses)
    ]


def score(*responses: str):
    return GAME.score(SHARE, rows(*responses))


def test_clembench_runs_episode_is_reproduced() -> None:
    """v1.6/gpt-4-0613-t0.0--gpt-4-0613-t0.0/wordle/0_high_frequency_words_no_clue_no_critic/
    episode_1: the same guesses (and errors) give the logged scores.json, number for number."""
    result = score(
        *map(guess, ["apple", "peace", "beade", "grade", "areal", "reale", "early", "reap"]),
        guess("arear"),
    )
    assert (result.outcome, result.quality, result.abort_reason) == ("lost", 0.0, None)
    expected_episode = {
        "Aborted": 0,
        "Lose": 1,
        "Success": 0,
        "Request Count": 9,
        "Parsed Request Count": 8,
        "Violated Request Count": 1,
        "Request Success Ratio": 0.89,
        "Main Score": 0,
        "repeats guess": 0,
        "total guess repetitions": 0,
    }
    assert {k: result.metrics[k] for k in expected_episode} == expected_episode
    turns = {
        "Request Count": [1, 1, 2, 1, 2, 2],
        "Parsed Request Count": [1, 1, 2, 1, 2, 1],
        "Violated Request Count": [0, 0, 0, 0, 0, 1],
        "closeness score": [8, 10, 13, 9, 9, 9],
        "strategy score": [0, 10, 20, 50, -10, 30],
    }
    for name, values in turns.items():
        assert [result.metrics[f"{name} turn {k}"] for k in range(1, 7)] == values
    assert "Request Count turn 7" not in result.metrics


@pytest.mark.parametrize(
    ("words", "quality"),
    [
        (["share"], 100.0),
        (["crane", "slate", "share"], 100.0),  # clembench v1.6: up to 3 guesses score 100
        (["crane", "slate", "apple", "share"], 50.0),
        (["crane", "slate", "apple", "peace", "share"], 30.0),
        (["crane", "slate", "apple", "peace", "early", "share"], 20.0),
    ],
)
def test_speed_scores_wins(words: list[str], quality: float) -> None:
    result = score(*map(guess, words))
    assert (result.outcome, result.quality) == ("success", quality)
    assert result.metrics["Main Score"] == quality
    assert result.metrics["Success"] == 1 and result.metrics["Lose"] == 0
    assert result.metrics[f"closeness score turn {len(words)}"] == 25


def test_a_win_in_one_has_strategy_100() -> None:
    assert score(guess("share")).metrics["strategy score turn 1"] == 100


def test_repeated_guesses_are_counted() -> None:
    result = score(*map(guess, ["crane", "crane", "slate", "crane", "slate", "early"]))
    assert result.outcome == "lost"
    assert result.metrics["repeats guess"] == 1
    assert result.metrics["total guess repetitions"] == 3


def test_aborted_episode_scores_nan_but_keeps_turn_scores() -> None:
    result = score(guess("crane"), "Guess: share", "share", "The answer is share.")
    assert (result.outcome, result.quality) == ("aborted", None)
    assert result.abort_reason == "INVALID_FORMAT (no line starting with 'guess:'), no retries left"
    assert result.played == 0
    for name in ("Main Score", "repeats guess", "total guess repetitions"):
        assert math.isnan(result.metrics[name])
    assert (result.metrics["Aborted"], result.metrics["Success"], result.metrics["Lose"]) == (
        1,
        0,
        0,
    )
    assert result.metrics["Request Count"] == 4
    assert result.metrics["Violated Request Count"] == 3
    assert result.metrics["Request Success Ratio"] == 0.25
    assert result.metrics["Request Count turn 1"] == 1  # the failing retries are in no turn
    assert result.metrics["strategy score turn 1"] == 0  # a lone guess of an aborted episode
    assert "Request Count turn 2" not in result.metrics


def test_aborted_before_any_guess_logs_nan_turn_1() -> None:
    result = score("x", "y", "z")
    assert math.isnan(result.metrics["closeness score turn 1"])
    assert math.isnan(result.metrics["strategy score turn 1"])
    assert "Request Count turn 1" not in result.metrics


def test_unlisted_words_abort_after_six() -> None:
    result = score(*[guess("beade")] * 6)
    assert result.abort_reason.startswith("NOT_VALID_ENGLISH_WORD")
    assert result.metrics["Request Success Ratio"] == 1  # clembench counts them as parsed


def test_stored_verdicts_are_ignored() -> None:
    turns = rows("I guess share")
    turns[0].update(valid=True, reason="correct guess", move='{"guess": "share"}')
    assert GAME.score(SHARE, turns).outcome == "aborted"


def test_row_order_does_not_matter() -> None:
    turns = rows(guess("crane"), "oops", guess("share"))
    expected = GAME.score(SHARE, turns)
    random.Random(0).shuffle(turns)
    assert GAME.score(SHARE, turns) == expected


def test_incomplete_transcript_is_aborted() -> None:
    result = score(guess("crane"), "oops")
    assert result.outcome == "aborted"
    assert result.abort_reason == "incomplete episode: no guesser response after 2 responses"
    empty = GAME.score(SHARE, [])
    assert empty.outcome == "aborted" and math.isnan(empty.metrics["Request Success Ratio"])


def test_broken_transcripts_are_rejected() -> None:
    with pytest.raises(ValueError, match="same step"):
        GAME.score(SHARE, rows(guess("crane")) * 2)
    with pytest.raises(ValueError, match="after the episode ended"):
        score(guess("share"), guess("crane"))
    critic_row = rows(guess("crane"))
    critic_row[0]["role"] = "critic"
    with pytest.raises(ValueError, match="a guesser response was due"):
        GAME.score(SHARE, critic_row)
