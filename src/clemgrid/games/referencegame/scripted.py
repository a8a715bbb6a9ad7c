"""Deterministic programmatic referencegame players, for tests and the scripted backend.

They read only the chat, as a model would: the grids come from our prompt text. A scripted
speaker writes a grid on one line, rows joined by " / " ("X X X X X / ▢ ▢ ▢ ▢ ▢ / ..."), and a
scripted listener looks the written grids up among the three it sees.
"""

from __future__ import annotations

import re

from clemgrid.backends.base import Message
from clemgrid.games.base import role_player

POLICIES = ("perfect", "never_right", "rule_breaker")
"""perfect: the speaker writes the target, the listener picks the first grid written (success);
never_right: the speaker writes a distractor and then the target, the listener picks a grid
that was not written (lost with any mix of perfect and never_right players);
rule_breaker: no "Expression:" / "Answer:" tag (aborted)."""

_ROW = r"[X▢](?: [X▢]){4}"
_GRID = re.compile(rf"^{_ROW}(?:\n{_ROW}){{4}}$", re.MULTILINE)
_WRITTEN_GRID = re.compile(rf"{_ROW}(?: / {_ROW}){{4}}")
_ORDINALS = ("first", "second", "third")


def _write(grid: str) -> str:
    return " / ".join(grid.split("\n"))


def _speak(policy: str, messages: list[Message]) -> str:
    prompt = messages[0]["content"]
    target, other, _ = (["", "", ""] + _GRID.findall(prompt))[-3:]  # examples come first
    if policy == "rule_breaker":
        return "The target is the grid I was shown first."
    if policy == "never_right":
        return f"Expression: the grid {_write(other)}, or else the grid {_write(target)}"
    return f"Expression: the grid {_write(target)}"


def _listen(policy: str, messages: list[Message]) -> str:
    prompt = messages[0]["content"]
    if policy == "rule_breaker":
        return "I would say the first one."
    shown = list(_GRID.finditer(prompt))[-3:]  # examples come first
    grids = [match.group() for match in shown]
    description = prompt[shown[-1].end() :] if shown else ""
    written = [grid.replace(" / ", "\n") for grid in _WRITTEN_GRID.findall(description)]
    if policy == "never_right":
        choices = [i for i, grid in enumerate(grids) if grid not in written]
    else:
        choices = [grids.index(grid) for grid in written if grid in grids]
    return f"Answer: {_ORDINALS[choices[0] if choices else 0]}"


scripted_player = role_player("referencegame", POLICIES, {"speaker": _speak, "listener": _listen})
"""The answer of a `policy` player to `messages` (its own chat so far)."""
