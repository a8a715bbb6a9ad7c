"""Worked examples for the few-shot variants (`imagegame+<k>shot`), written by us.

Each is a whole game on a 5 by 5 grid of our own, as the v1.6 instances are: the giver's
instructions and the grid the follower answers after each. They are checked
(tests/test_imagegame_demonstrations.py) never to show an evaluation target, not even its
pattern of filled cells in another letter, and to be valid moves of the game.
"""

from __future__ import annotations

from typing import NamedTuple


class Step(NamedTuple):
    instruction: str  # the giver's answer
    grid: str  # the follower's answer to it


class Demonstration(NamedTuple):
    steps: tuple[Step, ...]  # from the empty grid to the target, then the giver says DONE

    @property
    def target(self) -> str:
        return self.steps[-1].grid


def _grid(*rows: str) -> str:
    return "\n".join(rows)


DEMONSTRATIONS: tuple[Demonstration, ...] = (
    Demonstration(
        (
            Step(
                "Instruction: Fill row 3 with K",
                _grid(
                    "▢ ▢ ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ ▢",
                    "K K K K K",
                    "▢ ▢ ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ ▢",
                ),
            ),
            Step(
                "Instruction: Fill column 3 with K",
                _grid(
                    "▢ ▢ K ▢ ▢",
                    "▢ ▢ K ▢ ▢",
                    "K K K K K",
                    "▢ ▢ K ▢ ▢",
                    "▢ ▢ K ▢ ▢",
                ),
            ),
        )
    ),
    Demonstration(
        (
            Step(
                "Instruction: Fill the top row and the bottom row with M",
                _grid(
                    "M M M M M",
                    "▢ ▢ ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ ▢",
                    "M M M M M",
                ),
            ),
            Step(
                "Instruction: Put an M in the first and in the last cell of rows 2, 3 and 4",
                _grid(
                    "M M M M M",
                    "M ▢ ▢ ▢ M",
                    "M ▢ ▢ ▢ M",
                    "M ▢ ▢ ▢ M",
                    "M M M M M",
                ),
            ),
        )
    ),
    Demonstration(
        (
            Step(
                "Instruction: Put a W in row 1, column 2",
                _grid(
                    "▢ W ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ ▢",
                ),
            ),
            Step(
                "Instruction: Put a W in row 2, column 5",
                _grid(
                    "▢ W ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ W",
                    "▢ ▢ ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ ▢",
                ),
            ),
            Step(
                "Instruction: Put a W in row 4, columns 1 and 4",
                _grid(
                    "▢ W ▢ ▢ ▢",
                    "▢ ▢ ▢ ▢ W",
                    "▢ ▢ ▢ ▢ ▢",
                    "W ▢ ▢ W ▢",
                    "▢ ▢ ▢ ▢ ▢",
                ),
            ),
        )
    ),
)
MAX_DEMONSTRATIONS = len(DEMONSTRATIONS)


def chosen(k: int) -> tuple[Demonstration, ...]:
    """The first k demonstrations; asking for more than there are is an error, not fewer shots."""
    if not 0 <= k <= MAX_DEMONSTRATIONS:
        raise ValueError(f"imagegame has {MAX_DEMONSTRATIONS} demonstrations, not {k}")
    return DEMONSTRATIONS[:k]
