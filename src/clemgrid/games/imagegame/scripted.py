"""Deterministic programmatic imagegame players, for tests and the scripted backend.

They read only the chat, as a model would. A scripted giver finds the target grid in its
prompt and describes it one row at a time ("Instruction: Make row 2 read ▢ ▢ E ▢ ▢"), then
says DONE; a scripted follower redraws its own last grid with the latest row instruction.
"""

from __future__ import annotations

import re

from clemgrid.backends.base import Message
from clemgrid.games.base import role_player
from clemgrid.games.imagegame.parse import EMPTY

POLICIES = ("perfect", "never_right", "rule_breaker")
"""perfect: the giver describes every row holding letters, the follower draws it (F1 100);
never_right: the giver describes the complement of the target (an X in every empty cell,
nothing elsewhere) and the follower always answers the empty grid (F1 0, lost with any mix of
perfect and never_right players); rule_breaker: chatter around the answer (aborted)."""

_CELL = rf"[A-Z{EMPTY}]"
_ROW = rf"{_CELL}(?: {_CELL})*"
_GRID = re.compile(rf"^{_ROW}(?:\n{_ROW})+$", re.MULTILINE)
_ROW_INSTRUCTION = re.compile(rf"row (\d+) read ({_ROW})$", re.MULTILINE)
DONE = "Instruction: DONE"


def _rows_to_describe(policy: str, target: str) -> list[tuple[int, str]]:
    rows = [row.split(" ") for row in target.split("\n")]
    if policy == "never_right":
        rows = [["X" if cell == EMPTY else EMPTY for cell in row] for row in rows]
    return [(index, " ".join(row)) for index, row in enumerate(rows) if set(row) != {EMPTY}]


def _give(policy: str, messages: list[Message]) -> str:
    if policy == "rule_breaker":
        return "Sure! Let me describe the grid for you."
    grids = _GRID.findall(messages[0]["content"])  # the target is the last: examples precede it
    rows = _rows_to_describe(policy, grids[-1]) if grids else []
    given = sum(1 for message in messages if message["role"] == "assistant")
    if given >= len(rows):
        return DONE
    index, row = rows[given]
    return f"Instruction: Make row {index + 1} read {row}"


def _follow(policy: str, messages: list[Message]) -> str:
    shown = _GRID.findall(messages[0]["content"])  # the empty grid of the prompt
    dimension = shown[0].count("\n") + 1 if shown else 5
    empty = [[EMPTY] * dimension for _ in range(dimension)]
    drawn = [m["content"].strip("\n") for m in messages if m["role"] == "assistant"]
    rows = [row.split(" ") for row in drawn[-1].split("\n")] if drawn else empty
    if len(rows) != dimension or any(len(row) != dimension for row in rows):
        rows = empty
    # the instruction is the last line: in the first message, prompt and examples precede it
    instructions = _ROW_INSTRUCTION.findall(messages[-1]["content"].rsplit("\n", 1)[-1])
    if policy == "never_right":
        rows = empty
    elif instructions:
        number, cells = instructions[-1]
        if 1 <= int(number) <= dimension and len(cells.split(" ")) == dimension:
            rows = [*rows[: int(number) - 1], cells.split(" "), *rows[int(number) :]]
    grid = "\n".join(" ".join(row) for row in rows)
    return f"Here is my grid:\n{grid}" if policy == "rule_breaker" else grid


scripted_player = role_player(
    "imagegame", POLICIES, {"instruction giver": _give, "instruction follower": _follow}
)
"""The answer of a `policy` player to `messages` (its own chat so far)."""
