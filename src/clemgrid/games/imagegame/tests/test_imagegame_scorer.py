"""The scorer and grid comparison on hand-made transcripts, quirks of clembench v1.6 included."""

import math
import random

import pytest

from clemgrid.games.base import Instance
from clemgrid.games.imagegame.master import GRID_FORMAT_ERROR, INSTRUCTION_FORMAT_ERROR
from clemgrid.games.imagegame.parse import CellScores, changed_cells, compare
from clemgrid.games.imagegame.scorer import score

TARGET = "▢ ▢ ▢ ▢ B\n▢ ▢ ▢ B ▢\n▢ ▢ B ▢ ▢\n▢ B ▢ ▢ ▢\nB B B B B\n"  # 9 letters
PAYLOAD = {
    "grid_dimension": 5,
    "player_1_response_pattern": "^instruction: [^\n]+$",
    "player_1_terminate_pattern": "^\\s*instruction\\s*:\\s*done\\s*$",
    "player_2_response_pattern": "^\n*([A-Z▢]\\s){4}[A-Z▢]\n([A-Z▢]\\s){4}[A-Z▢]\n([A-Z▢]\\s){4}[A-Z▢]\n([A-Z▢]\\s){4}[A-Z▢]\n([A-Z▢]\\s){4}[A-Z▢]\n*$",
    "target_grid": TARGET,
}
GAME = Instance("imagegame", "compact_grids", "0", PAYLOAD)
E = "▢ ▢ ▢ ▢ ▢"
EMPTY = "\n".join([E] * 5)
BOTTOM = "\n".join([E] * 4 + ["B B B B B"])  # 5 right letters: P 100, R 56, F1 71
SLOPPY = "\n".join(["B ▢ ▢ ▢ ▢", E, E, E, "B B B B C"])  # 4 of 6 drawn right: P 67, R 44, F1 53
FILL = "Instruction: Fill the bottom row with B"  # 26 characters and 6 tokens after the tag
DIAGONAL = "Instruction: Put a B on the rising diagonal"  # 30 characters, 7 tokens
DONE = "Instruction: DONE"


def rows(*responses: str) -> list[dict]:
    """Rows in play order: giver, follower, giver, ... (turn = index // 2)."""
    roles = ("instruction_giver", "instruction_follower")
    return [
        {
            "turn": i // 2,
            "step": i,
            "player": f"player_{i % 2 + 1}",
            "role": roles[i % 2],
            "response": text,
        }
        for i, text in enumerate(responses)
    ]


def test_cell_scores_are_rounded_like_clembench() -> None:
    assert compare(TARGET, BOTTOM) == CellScores(100.0, 56.0, 71.0)  # R .5556, F1 .7143
    assert compare(TARGET, SLOPPY) == CellScores(67.0, 44.0, 53.0)  # P .6667, R .4444, F1 .5333
    assert compare(TARGET, TARGET) == CellScores(100.0, 100.0, 100.0)
    assert compare(TARGET, TARGET.lower()) == CellScores(100.0, 100.0, 100.0)  # case ignored
    wrong = "\n".join(["X X X X ▢"] + [E] * 4)
    assert compare(TARGET, wrong) == CellScores(0.0, 0.0, 0.0)


def test_uncomparable_grids() -> None:
    assert compare(TARGET, EMPTY) is None  # no letter drawn: clembench divides by zero
    short_row = "\n".join([E, "▢\t▢ ▢ ▢ ▢", E, E, "B B B B B"])
    assert compare(TARGET, short_row) is None  # 4 cells in row 2: clembench's index error
    other_shape = "\n".join(["B\tB B B B", E, E, E, E])  # its first row has 4 cells
    assert compare(TARGET, other_shape) == CellScores(0.0, 0.0, 0.0)
    assert changed_cells(EMPTY, BOTTOM) == 5
    assert changed_cells(BOTTOM, TARGET) == 4
    assert changed_cells(EMPTY, short_row) is None


def test_done_after_a_partial_grid_loses_with_its_f1() -> None:
    result = score(GAME, rows(FILL, BOTTOM, DONE))
    assert (result.outcome, result.quality, result.abort_reason) == ("lost", 71.0, None)
    assert result.metrics == {
        "Precision turn 0": 100.0,
        "Recall turn 0": 56.0,
        "F1 turn 0": 71.0,
        "Changed Cell Count turn 0": 5,
        "Request Count": 2,  # the DONE is not counted (clembench's scorer)
        "Parsed Request Count": 2,
        "Violated Request Count": 0,
        "Request Success Ratio": 1.0,
        "Aborted": 0,
        "Success": 0,
        "Lose": 1,
        "Main Score": 71.0,
        "Precision": 100.0,
        "Recall": 56.0,
        "F1": 71.0,
        "Average Changed Cell Count": 5.0,
        "Average Generated Instruction Length": 26.0,
        "Average Generated Expression Number of Tokens": 6.0,
    }


def test_complete_grid_succeeds() -> None:
    result = score(GAME, rows(FILL, BOTTOM, DIAGONAL, TARGET, DONE))
    assert (result.outcome, result.quality) == ("success", 100.0)
    metrics = result.metrics
    assert (metrics["Success"], metrics["Lose"], metrics["Main Score"]) == (1, 0, 100.0)
    assert [metrics[f"F1 turn {t}"] for t in (0, 1)] == [71.0, 100.0]
    assert metrics["Average Changed Cell Count"] == 4.5
    assert metrics["Average Generated Instruction Length"] == 28.0
    assert metrics["Average Generated Expression Number of Tokens"] == 6.5
    assert metrics["Request Count"] == 4


def test_last_grid_counts_not_the_best() -> None:
    result = score(GAME, rows(FILL, TARGET, FILL, SLOPPY, DONE))
    assert (result.outcome, result.quality) == ("lost", 53.0)
    assert (result.metrics["Precision"], result.metrics["Recall"]) == (67.0, 44.0)


def test_uncomparable_grid_keeps_the_previous_scores() -> None:
    result = score(GAME, rows(FILL, BOTTOM, "Instruction: Erase everything", EMPTY, DONE))
    assert (result.outcome, result.quality) == ("lost", 71.0)  # the empty grid is not scored
    assert result.metrics["F1 turn 1"] == 71.0
    assert result.metrics["Changed Cell Count turn 1"] == 5
    short_row = "\n".join([E, "▢\t▢ ▢ ▢ ▢", E, E, "B B B B B"])
    result = score(GAME, rows(FILL, TARGET, FILL, short_row, DONE))
    assert result.quality == 100.0
    assert result.metrics["Changed Cell Count turn 1"] == 0  # clembench's count raised too


def test_done_in_turn_0_is_lost_with_0() -> None:
    # clembench's scorer divides by zero here and writes no scores (see the module docstring)
    result = score(GAME, rows(" instruction : done \n"))
    assert (result.outcome, result.quality) == ("lost", 0.0)
    assert result.metrics["Request Count"] == 0 and result.metrics["Request Success Ratio"] == 0
    assert math.isnan(result.metrics["Average Changed Cell Count"])


def test_turn_limit_ends_the_game() -> None:
    result = score(GAME, rows(*[FILL, BOTTOM] * 24, DIAGONAL, TARGET))
    assert (result.outcome, result.quality) == ("success", 100.0)
    assert result.metrics["Request Count"] == 50
    with pytest.raises(ValueError, match="outside the game's 25 turns"):
        score(GAME, rows(*[FILL, BOTTOM] * 25, DONE))


@pytest.mark.parametrize(
    "instruction",
    [
        "Sure! Instruction: Fill the bottom row with B",
        "Instruction:Fill the bottom row with B",  # exactly one space after the colon
        "Instruction: Fill the bottom row\nwith B",
        "Instruction: DONE\nThat is all.",
        "Instruction: ",
        "",
    ],
)
def test_malformed_instruction_aborts(instruction: str) -> None:
    result = score(GAME, rows(FILL, BOTTOM, instruction, TARGET))
    assert (result.outcome, result.quality, result.abort_reason) == (
        "aborted",
        None,
        INSTRUCTION_FORMAT_ERROR,
    )
    metrics = result.metrics
    assert (metrics["Request Count"], metrics["Parsed Request Count"]) == (3, 2)
    assert metrics["Request Success Ratio"] == 0.6667
    assert (metrics["Aborted"], metrics["Success"], metrics["Lose"]) == (1, 0, 0)
    for name in ("Main Score", "F1", "Precision", "Recall", "Average Changed Cell Count"):
        assert math.isnan(metrics[name])
    assert metrics["F1 turn 0"] == 71.0


@pytest.mark.parametrize(
    ("instruction", "length"),
    [
        ("INSTRUCTION: fill the bottom row with b", 39),  # the tag is removed case-sensitively
        ("instruction:  Fill the bottom row with B\n", 40),  # a lowercase tag is not removed
        ("Instruction: DONE.", 5),  # not the end of the game: an instruction "DONE."
    ],
)
def test_instruction_variants(instruction: str, length: int) -> None:
    result = score(GAME, rows(instruction, BOTTOM, DONE))
    assert result.outcome == "lost"
    assert result.metrics["Average Generated Instruction Length"] == length


@pytest.mark.parametrize(
    "grid",
    [
        "Here is the grid:\n" + BOTTOM,
        BOTTOM.lower(),
        BOTTOM + "\nDone.",
        "\n".join([E] * 4),
        BOTTOM.replace(" ", "  "),
        BOTTOM.replace("B", "1"),
    ],
)
def test_malformed_grid_aborts(grid: str) -> None:
    result = score(GAME, rows(FILL, grid))
    assert (result.outcome, result.abort_reason) == ("aborted", GRID_FORMAT_ERROR)
    assert result.metrics["Violated Request Count"] == 1


def test_grid_may_be_framed_by_newlines() -> None:
    result = score(GAME, rows(FILL, f"\n\n{TARGET}\n\n", DONE))
    assert (result.outcome, result.quality) == ("success", 100.0)


def test_incomplete_and_broken_transcripts() -> None:
    assert score(GAME, []).abort_reason == "incomplete episode: no instruction in turn 0"
    assert score(GAME, rows(FILL)).abort_reason == "incomplete episode: no grid in turn 0"
    assert score(GAME, rows(FILL)).metrics["Request Count"] == 1
    with pytest.raises(ValueError, match="two responses"):
        score(GAME, rows(FILL) * 2)
    with pytest.raises(ValueError, match="no role"):
        score(GAME, [{"turn": 0, "role": "GM", "player": "GM", "response": DONE}])


def test_row_order_does_not_matter_and_verdicts_are_ignored() -> None:
    turns = rows(FILL, BOTTOM, DIAGONAL, SLOPPY, DONE)
    expected = score(GAME, turns)
    random.Random(0).shuffle(turns)
    for row in turns:
        row.update(valid=False, reason="invalid format")
    assert score(GAME, turns) == expected
