"""From one clembench episode log (interactions.json) to the players' raw responses.

Each game's log has the same shape: a list of turns, each a list of events `{from, to,
action: {type, content, ...}}`. A player's answer is a `get message` event from "Player 1" /
"Player 2" to the GM (privateshared also logs its probe answers as `probe answer`); what the
game master sent that player since its previous answer are the `send message` / `probe
question` events to it; the game master's verdict on the answer are the GM-to-GM events that
follow it, up to the next answer. Verdicts are only kept for comparison: scores are always
re-derived from the raw responses by clemgrid's own scorers.

The verdict vocabulary (per game, the same for clembench's log and for clemgrid's move):

* taboo: `valid`, `correct guess`, `invalid format`, `invalid clue`. Both of clembench's
  taboo game masters are read: the pre-April-2024 one (`valid format`, `clue`, `guess`,
  `correct guess` with the word) and the later one (`valid response`, `valid clue`,
  `valid guess`, `correct guess` with "end game").
* imagegame: `parse`, `invalid format`, `done` (the giver's DONE: clembench logs nothing).
* referencegame: `parse`, `invalid format`. clembench's game master logs `invalid format` for a
  listener answer followed by more text, but its scorer re-matches the logged answer without
  checking the rest and takes it; given the instance's pattern, the listener's `invalid format`
  carries that decision as detail (`answer taken by the scorer` / `answer rejected by the
  scorer`).
* wordle games: the guesser's error name (`INVALID_FORMAT`, `INVALID_WORD`,
  `INVALID_WORD_LENGTH`, `NOT_VALID_ENGLISH_WORD`) or `valid`; the critic's `valid` or
  `critic error`. For a checked guess the detail is the letter feedback as clembench writes it.
* privateshared: `valid` / `invalid format`, with the parsed answer (`yes`/`no` for probes,
  the answer text without its tag for requests) as detail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

PLAYERS = {"Player 1": "player_1", "Player 2": "player_2"}
ROLES = {
    "taboo": {"player_1": "describer", "player_2": "guesser"},
    "imagegame": {"player_1": "instruction_giver", "player_2": "instruction_follower"},
    "referencegame": {"player_1": "speaker", "player_2": "listener"},
    "wordle": {"player_1": "guesser", "player_2": "critic"},
    "wordle_withclue": {"player_1": "guesser", "player_2": "critic"},
    "wordle_withcritic": {"player_1": "guesser", "player_2": "critic"},
    "privateshared": {"player_1": "answerer"},
}
"""Which model-played role each clembench player slot is (privateshared's Player 2, the
questioner, is programmatic and is not imported)."""

SCORER_TAKES = "answer taken by the scorer"
SCORER_REJECTS = "answer rejected by the scorer"

_RESPONSE_TYPES = {"get message", "probe answer"}
_PROMPT_TYPES = {"send message", "send message (reprompt)", "probe question"}


@dataclass
class LoggedResponse:
    """One model answer as clembench logged it."""

    step: int  # its position among the episode's model answers
    turn: int  # index of the clembench turn (event list) it was logged in
    player: str  # player_1 | player_2
    kind: str  # the event type: get message | probe answer
    response: str
    prompts: list[str] = field(
        default_factory=list
    )  # what the GM sent this player since its last answer
    verdict_events: list[dict[str, Any]] = field(default_factory=list)  # GM-to-GM actions after it

    @property
    def verdict_types(self) -> list[str]:
        return [action.get("type", "") for action in self.verdict_events]


def responses(game: str, interactions: dict[str, Any]) -> list[LoggedResponse]:
    """The model answers of an episode in logged order, with their prompts and GM verdicts."""
    roles = ROLES[game]
    answers: list[LoggedResponse] = []
    pending_prompts: dict[str, list[str]] = {}
    for turn_index, events in enumerate(interactions.get("turns", [])):
        for event in events:
            action = event.get("action", {})
            kind = action.get("type", "")
            source, target = event.get("from"), event.get("to")
            if source == "GM" and target in PLAYERS and kind in _PROMPT_TYPES:
                content = action.get("content")
                pending_prompts.setdefault(PLAYERS[target], []).append(
                    content if isinstance(content, str) else ""
                )
            elif source in PLAYERS and target == "GM" and kind in _RESPONSE_TYPES:
                player = PLAYERS[source]
                if player not in roles:
                    continue  # a programmatic player (privateshared's questioner)
                answers.append(
                    LoggedResponse(
                        step=len(answers),
                        turn=turn_index,
                        player=player,
                        kind=kind,
                        response=action.get("content") or "",
                        prompts=pending_prompts.pop(player, []),
                    )
                )
            elif source == "GM" and target == "GM" and answers:
                answers[-1].verdict_events.append(action)
    return answers


def all_gm_actions(interactions: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        event.get("action", {})
        for events in interactions.get("turns", [])
        for event in events
        if event.get("from") == "GM" and event.get("to") == "GM"
    ]


# --- the game master's verdict on one answer, as logged ------------------------------------

_TABOO_VALID = {"valid format", "valid response", "valid clue", "clue", "valid guess", "guess"}


def _taboo(answer: LoggedResponse, role: str) -> tuple[str | None, str | None]:
    types = answer.verdict_types
    if "invalid format" in types:
        return "invalid format", None
    if "invalid clue" in types:
        return "invalid clue", None
    detail = None
    for action in answer.verdict_events:
        if action.get("type") in ("guess", "valid guess"):
            detail = action.get("content")
    if "correct guess" in types:
        return "correct guess", detail
    if _TABOO_VALID & set(types):
        return "valid", detail
    return None, None


def _parse_or_invalid(answer: LoggedResponse) -> str | None:
    for kind in answer.verdict_types:
        if kind in ("parse", "invalid format"):
            return kind
    return None


def _imagegame(answer: LoggedResponse, role: str, last: bool) -> tuple[str | None, str | None]:
    verdict = _parse_or_invalid(answer)
    if verdict is None and role == "instruction_giver" and last:
        verdict = "done"  # clembench ends the game on DONE without logging a verdict
    return verdict, None


def _wordle(answer: LoggedResponse, role: str) -> tuple[str | None, str | None]:
    if role == "critic":
        for action in answer.verdict_events:
            content = action.get("content")
            if action.get("type") == "metadata" and isinstance(content, str):
                if content.startswith(("Critic agrees", "Critic disagrees")):
                    return "valid", None
                if content.startswith("Critic Error"):
                    return "critic error", None
        if "error" in answer.verdict_types or "invalid format" in answer.verdict_types:
            return "critic error", None
        # clembench asks the critic again without logging why
        return ("critic error", None) if "parse" in answer.verdict_types else (None, None)
    for action in answer.verdict_events:
        info = action.get("game_info")
        if action.get("type") == "metadata" and isinstance(info, dict):
            if info.get("error"):
                return str(info["error"]), None
            return "valid", _feedback(action.get("content"))
    for action in answer.verdict_events:
        if action.get("type") == "invalid format":
            return str(action.get("original_content") or "invalid format"), None
    if "parse" in answer.verdict_types:
        return "valid", None  # a first guess passed on to the critic
    return None, None


def _feedback(content: Any) -> str | None:
    if not isinstance(content, str):
        return None
    for line in content.split("\n"):
        if line.startswith("guess_feedback: "):
            return line[len("guess_feedback: ") :].strip()
    return None


def _privateshared(answer: LoggedResponse, role: str) -> tuple[str | None, str | None]:
    for action in answer.verdict_events:
        if action.get("type") == "parse":
            parsed = action.get("content")
            if answer.kind == "probe answer":
                if parsed in ("yes", "no"):
                    return "valid", parsed
                return "invalid format", None
            if parsed == "NA":  # clembench's marker for "not parsed"
                return "invalid format", None
            return "valid", parsed
    return None, None


def _referencegame_listener_taken(answer: LoggedResponse, payload: dict[str, Any]) -> bool:
    """clembench's ReferenceGameScorer: a listener answer the game master logged as `invalid
    format` still counts when the pattern matches the logged text (remainder not checked)."""
    pattern = payload.get("player_2_response_pattern")
    if not pattern:
        return False
    text = answer.response
    for action in answer.verdict_events:
        if action.get("type") == "invalid format" and isinstance(
            action.get("original_content"), str
        ):
            text = action["original_content"]
    return re.match(pattern, text, re.IGNORECASE) is not None


def _referencegame(
    answer: LoggedResponse, role: str, payload: dict[str, Any] | None
) -> tuple[str | None, str | None]:
    verdict = _parse_or_invalid(answer)
    if verdict == "invalid format" and role == "listener" and payload is not None:
        taken = _referencegame_listener_taken(answer, payload)
        return verdict, SCORER_TAKES if taken else SCORER_REJECTS
    return verdict, None


def logged_verdicts(
    game: str, answers: list[LoggedResponse], payload: dict[str, Any] | None = None
) -> list[tuple[str | None, str | None]]:
    """(verdict, detail) of clembench's game master for each answer (None: none logged).

    `payload` (the episode's instance) lets the referencegame listener's `invalid format` say
    whether clembench's scorer takes the answer anyway."""
    roles = ROLES[game]
    verdicts = []
    for index, answer in enumerate(answers):
        role = roles[answer.player]
        if game == "taboo":
            verdicts.append(_taboo(answer, role))
        elif game == "imagegame":
            verdicts.append(_imagegame(answer, role, index == len(answers) - 1))
        elif game == "referencegame":
            verdicts.append(_referencegame(answer, role, payload))
        elif game.startswith("wordle"):
            verdicts.append(_wordle(answer, role))
        elif game == "privateshared":
            verdicts.append(_privateshared(answer, role))
        else:
            raise ValueError(f"no clembench log reader for game {game!r}")
    return verdicts


def logged_outcome(
    game: str, interactions: dict[str, Any], payload: dict[str, Any] | None = None
) -> str | None:
    """The episode's end as clembench logged it: success | lost | aborted | played
    (played: not aborted, success not logged), None when the log does not say.

    For referencegame with `payload`, the listener's `invalid format` counts as played when
    clembench's scorer takes the answer (see `logged_verdicts`)."""
    actions = all_gm_actions(interactions)
    types = [action.get("type") for action in actions]
    if game == "referencegame" and payload is not None:
        answers = responses(game, interactions)
        verdicts = logged_verdicts(game, answers, payload)
        if not answers or verdicts[0][0] != "parse":
            return "aborted"
        if len(answers) < 2:
            return None
        return "aborted" if verdicts[1][1] == SCORER_REJECTS else "played"
    if game == "taboo":
        if "invalid format" in types:
            return "aborted"
        return "success" if "correct guess" in types else "lost"
    if game in ("imagegame", "referencegame"):
        return "aborted" if "invalid format" in types else "played"
    if game.startswith("wordle"):
        for action in reversed(actions):
            content = action.get("content")
            if isinstance(content, str) and content.startswith("game_result = "):
                result = content.split("=", 1)[1].strip()
                return {"WIN": "success", "LOSS": "lost", "ABORTED": "aborted"}.get(result)
        return None
    if game == "privateshared":
        aborted = interactions.get("Aborted")
        if aborted is None:
            return "aborted" if "invalid format" in types else None
        return "aborted" if aborted else "played"
    return None
