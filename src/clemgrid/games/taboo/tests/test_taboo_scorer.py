"""The scorer on hand-made transcripts: outcomes, Main Score and clembench's metrics."""

import math
import random

import pytest

from clemgrid.games.base import Instance
from clemgrid.games.taboo.master import CLUE_FORMAT_ERROR, GUESS_FORMAT_ERROR
from clemgrid.games.taboo.scorer import score

BOY = Instance(
    "taboo", "high_en", "1", {"target_word": "boy", "related_words": ["kid", "lad", "teenager"]}
)
CLUE = "CLUE: a young male human"
WRONG = "GUESS: man"
RIGHT = "GUESS: Boy"


def rows(*responses: str) -> list[dict]:
    """Rows in play order: describer, guesser, describer, ... (turn = index // 2)."""
    return [
        {
            "turn": index // 2,
            "player": ("player_1", "player_2")[index % 2],
            "role": ("describer", "guesser")[index % 2],
            "response": response,
        }
        for index, response in enumerate(responses)
    ]


@pytest.mark.parametrize(
    ("responses", "quality"),
    [
        ((CLUE, RIGHT), 100.0),
        ((CLUE, WRONG, CLUE, RIGHT), 50.0),
        ((CLUE, WRONG, CLUE, WRONG, CLUE, RIGHT), 100 / 3),
    ],
)
def test_success_scores_100_over_turns_played(responses: tuple[str, ...], quality: float) -> None:
    result = score(BOY, rows(*responses))
    turns = len(responses) // 2
    assert (result.outcome, result.quality, result.abort_reason) == ("success", quality, None)
    assert result.played == 1
    assert result.metrics["Main Score"] == quality
    assert result.metrics["Success"] == 1 and result.metrics["Lose"] == 0
    assert result.metrics["Request Count"] == turns  # clembench counts one request per turn
    assert result.metrics["Parsed Request Count"] == turns
    assert result.metrics["Request Success Ratio"] == 1
    assert [result.metrics[f"Accuracy turn {t}"] for t in range(turns)] == [0] * (turns - 1) + [1]


def test_three_wrong_guesses_lose() -> None:
    result = score(BOY, rows(CLUE, WRONG, CLUE, WRONG, CLUE, WRONG))
    assert (result.outcome, result.quality) == ("lost", 0.0)
    assert result.metrics["Lose"] == 1 and result.metrics["Main Score"] == 0
    assert result.metrics["Request Count"] == 3
    assert result.metrics["Repetition-Guesser"] == 2
    assert result.metrics["Repetition-Describer"] == 2


def test_taboo_clue_loses_in_its_turn() -> None:
    result = score(BOY, rows(CLUE, WRONG, "CLUE: a small kid"))
    assert (result.outcome, result.quality, result.abort_reason) == ("lost", 0.0, None)
    assert result.metrics["Request Count"] == 2
    assert result.metrics["Violated Request Count"] == 0
    assert result.metrics["Accuracy turn 1"] == 0


def test_malformed_clue_aborts() -> None:
    result = score(BOY, rows("A young male human."))
    assert (result.outcome, result.quality, result.abort_reason) == (
        "aborted",
        None,
        CLUE_FORMAT_ERROR,
    )
    assert result.played == 0
    assert math.isnan(result.metrics["Main Score"])
    assert result.metrics["Aborted"] == 1
    assert result.metrics["Success"] == 0 and result.metrics["Lose"] == 0
    assert result.metrics["Request Count"] == 1
    assert result.metrics["Violated Request Count"] == 1
    assert result.metrics["Request Success Ratio"] == 0


def test_malformed_guess_aborts() -> None:
    result = score(BOY, rows(CLUE, WRONG, CLUE, "I think it is boy"))
    assert (result.outcome, result.abort_reason) == ("aborted", GUESS_FORMAT_ERROR)
    assert result.metrics["Request Count"] == 2
    assert result.metrics["Parsed Request Count"] == 1
    assert result.metrics["Request Success Ratio"] == 0.5


def test_stored_verdicts_are_ignored() -> None:
    turns = rows("young male", RIGHT)
    for row in turns:
        row.update(valid=True, reason="correct guess", move='{"guess": "boy"}')
    assert score(BOY, turns).outcome == "aborted"


def test_row_order_does_not_matter() -> None:
    turns = rows(CLUE, WRONG, CLUE, RIGHT)
    expected = score(BOY, turns)
    random.Random(0).shuffle(turns)
    assert score(BOY, turns) == expected


def test_incomplete_transcript_is_aborted() -> None:
    result = score(BOY, rows(CLUE, WRONG, CLUE))
    assert result.outcome == "aborted"
    assert result.abort_reason == "incomplete episode: no guess in turn 1"
    assert score(BOY, []).abort_reason == "incomplete episode: no clue in turn 0"


def test_broken_transcripts_are_rejected() -> None:
    with pytest.raises(ValueError, match="two responses"):
        score(BOY, rows(CLUE) * 2)
    with pytest.raises(ValueError, match="no role"):
        score(BOY, [{"turn": 0, "player": "player_1", "role": "GM", "response": CLUE}])
