"""Worked examples for the few-shot variants (`referencegame+<k>shot`), written by us.

Each is one game on grids of our own in the style of the v1.6 experiments (lines, a letter,
random cells): the speaker's three grids and expression, and the same grids in the listener's
order with its answer. They are checked (tests/test_referencegame_demonstrations.py) never to
show a grid of an evaluation instance and to be valid, winning moves.
"""

from __future__ import annotations

from typing import NamedTuple

ORDINALS = ("first", "second", "third")


class Demonstration(NamedTuple):
    grids: tuple[str, str, str]  # as the speaker sees them: the target, other grid A, B
    expression: str  # the speaker's answer
    listener_order: tuple[int, int, int]  # indices into `grids`, in the listener's order

    @property
    def answer(self) -> str:
        """The listener's answer: the position of the target in its order."""
        return f"Answer: {ORDINALS[self.listener_order.index(0)]}"


def _grid(*rows: str) -> str:
    return "\n".join(rows)


DEMONSTRATIONS: tuple[Demonstration, ...] = (
    Demonstration(
        (
            _grid("▢ ▢ ▢ ▢ ▢", "X X X X X", "▢ ▢ ▢ ▢ ▢", "X X X X X", "▢ ▢ ▢ ▢ ▢"),
            _grid("X X X X X", "▢ ▢ ▢ ▢ ▢", "X X X X X", "▢ ▢ ▢ ▢ ▢", "▢ ▢ ▢ ▢ ▢"),
            _grid("▢ ▢ ▢ ▢ ▢", "X X X X X", "▢ ▢ ▢ ▢ ▢", "▢ ▢ ▢ ▢ ▢", "X X X X X"),
        ),
        "Expression: Rows 2 and 4 are filled, all other rows are empty.",
        (1, 0, 2),
    ),
    Demonstration(
        (
            _grid("X ▢ ▢ ▢ X", "X ▢ ▢ ▢ X", "X ▢ ▢ ▢ X", "X ▢ ▢ ▢ X", "X X X X X"),
            _grid("X X X X X", "▢ ▢ X ▢ ▢", "▢ ▢ X ▢ ▢", "▢ ▢ X ▢ ▢", "X X X X X"),
            _grid("X ▢ ▢ ▢ X", "X ▢ ▢ ▢ X", "X ▢ ▢ ▢ X", "X ▢ ▢ ▢ X", "X ▢ ▢ ▢ X"),
        ),
        "Expression: A letter U: both outer columns and the whole bottom row are filled.",
        (2, 1, 0),
    ),
    Demonstration(
        (
            _grid("X ▢ ▢ X ▢", "▢ ▢ X ▢ ▢", "▢ X ▢ ▢ X", "▢ ▢ ▢ ▢ ▢", "X ▢ X ▢ ▢"),
            _grid("X ▢ ▢ X ▢", "▢ ▢ X ▢ ▢", "▢ X ▢ ▢ X", "▢ X ▢ ▢ ▢", "▢ ▢ X ▢ ▢"),
            _grid("▢ ▢ ▢ X ▢", "X ▢ X ▢ ▢", "▢ X ▢ ▢ X", "▢ ▢ ▢ ▢ ▢", "X ▢ X ▢ ▢"),
        ),
        "Expression: Scattered cells, with both the top left and the bottom left corner filled.",
        (0, 2, 1),
    ),
)
MAX_DEMONSTRATIONS = len(DEMONSTRATIONS)


def chosen(k: int) -> tuple[Demonstration, ...]:
    """The first k demonstrations; asking for more than there are is an error, not fewer shots."""
    if not 0 <= k <= MAX_DEMONSTRATIONS:
        raise ValueError(f"referencegame has {MAX_DEMONSTRATIONS} demonstrations, not {k}")
    return DEMONSTRATIONS[:k]
