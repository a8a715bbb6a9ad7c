"""Pure parsing and grid comparison for imagegame, following clembench v1.6 exactly.

Shared by the game master and the scorer so that live play and re-scoring of stored (or
imported) transcripts can never disagree. The patterns come from each instance and are
matched at the start of the answer, as clembench does: the giver's "DONE" and instructions
ignoring case, the follower's grid case-sensitively. Grids are compared the way clembench's
evaluator does it, including the cases where its code raises and the scorer silently keeps the
previous turn's values: those return None here. Nothing here raises on any string.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

EMPTY = "▢"


class Instruction(NamedTuple):
    well_formed: bool
    line: str  # the instruction passed on: the answer's first line ("" when not well formed)


class CellScores(NamedTuple):
    """Percentages rounded to whole numbers, as clembench reports them."""

    precision: float
    recall: float
    f1: float


@lru_cache(maxsize=16)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def is_done(response: str, terminate_pattern: str) -> bool:
    return _compiled(terminate_pattern, re.IGNORECASE).match(response) is not None


def parse_instruction(response: str, pattern: str) -> Instruction:
    if _compiled(pattern, re.IGNORECASE).match(response) is None:
        return Instruction(False, "")
    return Instruction(True, response.split("\n")[0])


def is_grid(response: str, pattern: str) -> bool:
    return _compiled(pattern, 0).match(response) is not None


def empty_grid(dimension: int) -> str:
    return "\n".join([" ".join([EMPTY] * dimension)] * dimension)


def _cells(grid: str) -> list[list[str]]:
    return [row.split(" ") for row in grid.strip().split("\n")]


def _shape(cells: list[list[str]]) -> tuple[int, int]:
    """clembench's size: the number of rows and the number of cells in the first row."""
    return len(cells), len(cells[0])


def _covers(cells: list[list[str]], other: list[list[str]]) -> bool:
    """Whether `other` has a cell wherever `cells` has one (else clembench's loop raises)."""
    return len(other) >= len(cells) and all(
        len(row) <= len(other_row) for row, other_row in zip(cells, other, strict=False)
    )


def compare(target: str, drawn: str) -> CellScores | None:
    """Precision and recall over the non-empty cells (letters compared ignoring case), each
    rounded to 4 decimals; F1 of the rounded values, rounded to 4; all three × 100 and
    rounded to whole numbers. 0/0/0 for grids of another shape. None where clembench's
    evaluator raises: a drawn row shorter than the target's, or no letter in either grid."""
    target_cells, drawn_cells = _cells(target), _cells(drawn)
    if _shape(target_cells) != _shape(drawn_cells):
        return CellScores(0.0, 0.0, 0.0)
    if not _covers(target_cells, drawn_cells):
        return None
    pairs = [
        (expected, got)
        for target_row, drawn_row in zip(target_cells, drawn_cells, strict=False)
        for expected, got in zip(target_row, drawn_row, strict=False)
    ]
    expected_letters = [(e, g) for e, g in pairs if e != EMPTY]
    drawn_letters = [(e, g) for e, g in pairs if g != EMPTY]
    if not expected_letters or not drawn_letters:
        return None
    recall = round(
        sum(e.lower() == g.lower() for e, g in expected_letters) / len(expected_letters), 4
    )
    precision = round(sum(e.lower() == g.lower() for e, g in drawn_letters) / len(drawn_letters), 4)
    f1 = 0.0 if precision == 0 or recall == 0 else 2 * precision * recall / (precision + recall)
    return CellScores(
        round(100 * precision, 0), round(100 * recall, 0), round(100 * round(f1, 4), 0)
    )


def changed_cells(previous: str, current: str) -> int | None:
    """Cells of `previous` that differ (ignoring case) in `current`; None where clembench's
    count raises (a row or cell of `previous` missing in `current`)."""
    previous_cells, current_cells = _cells(previous), _cells(current)
    if not _covers(previous_cells, current_cells):
        return None
    return sum(
        before.lower() != after.lower()
        for previous_row, current_row in zip(previous_cells, current_cells, strict=False)
        for before, after in zip(previous_row, current_row, strict=False)
    )
