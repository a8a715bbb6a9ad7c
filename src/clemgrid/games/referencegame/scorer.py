"""Pure referencegame scorer: replays the raw responses of an episode with the rules of parse.py.

Stored verdicts are never trusted, so imported clembench transcripts score the same way.
Metrics follow clembench v1.6's ReferenceGameScorer, quirks included: `Lose` is 1 - Success
even for an aborted episode; Main Score = 100 on success, 0 when lost, NaN when aborted;
Request Success Ratio rounded to 4 decimals. The episode has one turn, so clembench's turn
scores (`Success`, expression length and tokens, request counts) equal its episode scores.
"""

from __future__ import annotations

from collections.abc import Sequence

from clemgrid.games.base import EpisodeScore, Instance, Outcome, TurnRow
from clemgrid.games.referencegame.master import ANSWER_FORMAT_ERROR, EXPRESSION_FORMAT_ERROR
from clemgrid.games.referencegame.parse import is_target, parse_answer, parse_expression

ROLES = ("speaker", "listener")
NAN = float("nan")


def _responses(turns: Sequence[TurnRow]) -> dict[str, str]:
    """Index the rows by role; anything but one response per role in turn 0 is broken."""
    responses: dict[str, str] = {}
    for row in turns:
        role, turn = row["role"], int(row["turn"])
        if role not in ROLES:
            raise ValueError(f"referencegame has no role {role!r}")
        if turn != 0:
            raise ValueError(f"referencegame has one turn only, not turn {turn}")
        if role in responses:
            raise ValueError(f"two responses for role {role}")
        responses[role] = row["response"]
    return responses


def _abort_reason(
    speaker: str | None, listener: str | None, expression_ok: bool, answer_ok: bool
) -> str | None:
    if speaker is None:
        return "incomplete episode: no expression"
    if not expression_ok:
        return EXPRESSION_FORMAT_ERROR
    if listener is None:
        return "incomplete episode: no answer"
    return None if answer_ok else ANSWER_FORMAT_ERROR


def score(instance: Instance, turns: Sequence[TurnRow]) -> EpisodeScore:
    payload = instance.payload
    responses = _responses(turns)
    speaker, listener = responses.get("speaker"), responses.get("listener")
    expression = parse_expression(speaker or "", payload["player_1_response_pattern"])
    answer = parse_answer(listener or "", payload["player_2_response_pattern"])
    # the listener is only asked (and only looked at) after a well-formed expression
    answer_ok = expression.well_formed and answer.well_formed
    abort_reason = _abort_reason(speaker, listener, expression.well_formed, answer_ok)
    success = int(answer_ok and is_target(answer.answer, payload["target_grid_name"]))
    outcome: Outcome = "aborted" if abort_reason else ("success" if success else "lost")
    requests = int(speaker is not None) + int(expression.well_formed and listener is not None)
    parsed = int(expression.well_formed) + int(answer_ok)
    quality = None if abort_reason else 100.0 * success
    content = expression.content
    metrics: dict[str, float] = {
        "Request Count": requests,
        "Parsed Request Count": parsed,
        "Violated Request Count": requests - parsed,
        "Request Success Ratio": round(parsed / requests, 4) if requests else 0.0,
        "Aborted": int(abort_reason is not None),
        "Success": success,
        "Lose": 1 - success,
        "Main Score": NAN if quality is None else quality,
        "Aborted at Player 1": int(not expression.well_formed),
        "Aborted at Player 2": int(expression.well_formed and not answer_ok),
        "Generated Expression Length": len(content) if expression.well_formed else NAN,
        "Generated Expression Number of Tokens": (
            len(content.split(" ")) if expression.well_formed else NAN
        ),
    }
    return EpisodeScore(outcome, quality, abort_reason, metrics)
