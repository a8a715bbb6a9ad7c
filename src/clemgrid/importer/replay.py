"""Replaying logged answers through clemgrid's own game masters.

The game master gives each answer the verdict clemgrid's live play would have recorded (the
`move`, `valid` and `reason` of a transcript row) and the game turn and role it belongs to.
If clembench asked for an answer that clemgrid's rules would not have asked for (another player,
or after clemgrid's game had ended), the replay stops there: that answer and the rest get no
verdict, and the mismatch is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clemgrid.games.base import Instance, Move
from clemgrid.games.imagegame.master import GRID_FORMAT_ERROR, INSTRUCTION_FORMAT_ERROR
from clemgrid.games.privateshared.master import SLOT_FORMAT_ERROR
from clemgrid.games.referencegame.master import ANSWER_FORMAT_ERROR, EXPRESSION_FORMAT_ERROR
from clemgrid.games.registry import GAMES
from clemgrid.games.taboo.master import CLUE_FORMAT_ERROR, GUESS_FORMAT_ERROR
from clemgrid.games.wordle_common.parse import (
    INVALID_FORMAT,
    INVALID_WORD,
    INVALID_WORD_LENGTH,
    NOT_VALID_ENGLISH_WORD,
)
from clemgrid.importer.events import ROLES, SCORER_REJECTS, SCORER_TAKES, LoggedResponse

# longest first: INVALID_WORD is a prefix of INVALID_WORD_LENGTH
_WORDLE_ERRORS = (INVALID_WORD_LENGTH, NOT_VALID_ENGLISH_WORD, INVALID_FORMAT, INVALID_WORD)


@dataclass
class Replayed:
    turn: int
    role: str
    move: Move | None  # None: clemgrid's rules did not ask for this answer
    mismatch: str | None = None


def replay(game: str, instance: Instance, answers: list[LoggedResponse]) -> list[Replayed]:
    spec = GAMES[game]
    master = spec.master(instance, spec.demonstrations)
    roles = ROLES[game]
    out: list[Replayed] = []
    mismatch: str | None = None
    turn = 0
    for answer in answers:
        if mismatch is None:
            request = master.pending()
            if request is None:
                mismatch = f"step {answer.step}: clemgrid's game had already ended"
            elif request.player != answer.player:
                mismatch = (
                    f"step {answer.step}: clemgrid expected {request.player} "
                    f"({request.role}), clembench logged {answer.player}"
                )
            else:
                turn = request.turn
                out.append(Replayed(request.turn, request.role, master.receive(answer.response)))
                continue
        fallback = answer.turn if game in ("taboo", "imagegame", "referencegame") else turn
        out.append(Replayed(fallback, roles[answer.player], None, mismatch))
    return out


ANSWER_REMAINDER_IGNORED = "(text after the answer ignored)"  # referencegame master's reason suffix


def verdict(game: str, role: str, move: Move | None) -> tuple[str | None, str | None]:
    """clemgrid's move in the vocabulary of `events.logged_verdicts`."""
    if move is None:
        return None, None
    parsed: dict[str, Any] = move.parsed if isinstance(move.parsed, dict) else {}
    reason = move.reason
    if game == "taboo":
        if reason in (CLUE_FORMAT_ERROR, GUESS_FORMAT_ERROR):
            return "invalid format", None
        if reason.startswith("taboo word"):
            return "invalid clue", None
        detail = parsed.get("guess") if role == "guesser" else None
        return ("correct guess" if reason == "correct guess" else "valid"), detail
    if game == "imagegame":
        if reason == "done":
            return "done", None
        if reason in (INSTRUCTION_FORMAT_ERROR, GRID_FORMAT_ERROR):
            return "invalid format", None
        return "parse", None
    if game == "referencegame":
        if role == "listener" and reason == ANSWER_FORMAT_ERROR:
            return "invalid format", SCORER_REJECTS
        if role == "listener" and reason.endswith(ANSWER_REMAINDER_IGNORED):
            # clembench's game master logs `invalid format` for text after the answer, while its
            # scorer (and clemgrid) still take the answer
            return "invalid format", SCORER_TAKES
        if reason in (EXPRESSION_FORMAT_ERROR, ANSWER_FORMAT_ERROR):
            return "invalid format", None
        return "parse", None
    if game.startswith("wordle"):
        if role == "critic":
            return ("valid", None) if move.valid else ("critic error", None)
        for error in _WORDLE_ERRORS:
            if reason.startswith(error):
                return error, None
        return "valid", parsed.get("feedback")
    if game == "privateshared":
        if not move.valid:
            return "invalid format", None
        if "filled" in parsed:
            return "valid", parsed.get("answer")
        yes_no: dict[Any, str] = {1: "yes", 0: "no"}
        return "valid", yes_no.get(parsed.get("answer"))
    raise ValueError(f"no verdict mapping for game {game!r}")


def is_slot_answer(move: Move | None) -> bool | None:
    """privateshared: whether the move answered a request (True) or a probe (False)."""
    if move is None:
        return None
    if isinstance(move.parsed, dict):
        return "filled" in move.parsed
    return move.reason == SLOT_FORMAT_ERROR
