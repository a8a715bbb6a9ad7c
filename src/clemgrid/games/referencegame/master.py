"""Step-wise referencegame master (rules of clembench v1.6's referencegame, our own wording).

One turn only: the speaker (player_1) describes the target among three grids, the listener
(player_2) sees the grids in another order plus the speaker's answer and names one. A malformed
expression or answer aborts the episode; a wrong choice loses it.
"""

from __future__ import annotations

from importlib.resources import files

from clemgrid.backends.base import Message
from clemgrid.games.base import GameMaster, Instance, Move, Outcome, Request, insert_examples
from clemgrid.games.referencegame.demonstrations import ORDINALS, chosen
from clemgrid.games.referencegame.parse import is_target, parse_answer, parse_expression

SPEAKER, LISTENER = "player_1", "player_2"
ROLES = {SPEAKER: "speaker", LISTENER: "listener"}
EXPRESSION_FORMAT_ERROR = (
    "invalid format: the expression must be one line starting with 'Expression: '"
)
ANSWER_FORMAT_ERROR = "invalid format: the answer must start with 'Answer: ' and name one grid"


def _prompt(name: str) -> str:
    return files(__package__).joinpath(f"prompts/{name}.txt").read_text("utf-8").rstrip("\n")


def _examples(blocks: list[str]) -> str:
    if not blocks:
        return ""
    return "\n\n".join(["Here are examples with other grids.", *blocks, "Now your own grids."])


def _labelled(labels: tuple[str, ...], grids: list[str]) -> str:
    return "\n\n".join(f"{label}:\n\n{grid}" for label, grid in zip(labels, grids, strict=True))


def speaker_examples(k: int) -> str:
    """Each example: the speaker's three grids, labelled as in its prompt, and its answer."""
    labels = ("Target", "Other grid A", "Other grid B")
    return _examples(
        [
            f"Example {i}. {_labelled(labels, list(demo.grids))}\n\n"
            f"A good answer:\n{demo.expression}"
            for i, demo in enumerate(chosen(k), start=1)
        ]
    )


def listener_examples(k: int) -> str:
    """Each example: the grids in the listener's order, the expression and the answer."""
    labels = tuple(ordinal.capitalize() for ordinal in ORDINALS)
    return _examples(
        [
            f"Example {i}. {_labelled(labels, [demo.grids[j] for j in demo.listener_order])}"
            f"\n\nThe speaker's description:\n{demo.expression}\n\nA good answer:\n{demo.answer}"
            for i, demo in enumerate(chosen(k), start=1)
        ]
    )


def speaker_prompt(payload: dict, demonstrations: int = 0) -> str:
    """Examples go between the introduction and the grids, so the target stays third to last."""
    prompt = _prompt("speaker").format(
        target_grid=payload["player_1_target_grid"],
        second_grid=payload["player_1_second_grid"],
        third_grid=payload["player_1_third_grid"],
    )
    return insert_examples(prompt, "Target:", speaker_examples(demonstrations))


def listener_prompt(payload: dict, expression: str, demonstrations: int = 0) -> str:
    """`expression` is the speaker's whole answer, as clembench passes it on. Examples go
    between the introduction and the grids, so the grids to choose from are the last three."""
    prompt = _prompt("listener").format(
        first_grid=payload["player_2_first_grid"],
        second_grid=payload["player_2_second_grid"],
        third_grid=payload["player_2_third_grid"],
        expression=expression,
    )
    return insert_examples(prompt, "First:", listener_examples(demonstrations))


class ReferenceGameMaster(GameMaster):
    """Each player gets a single user message; clembench's empty system message is left out
    (its backends drop an empty system message before generation)."""

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        super().__init__(instance, demonstrations)
        self.payload = instance.payload
        self.histories: dict[str, list[Message]] = {
            SPEAKER: [{"role": "user", "content": speaker_prompt(self.payload, demonstrations)}],
            LISTENER: [],
        }
        self.outcome: Outcome | None = None  # set once the episode has ended
        self._next: str | None = SPEAKER

    def pending(self) -> Request | None:
        if self._next is None:
            return None
        messages = [dict(message) for message in self.histories[self._next]]
        return Request(self._next, ROLES[self._next], 0, messages)

    def receive(self, response: str) -> Move:
        player = self._next
        if player is None:
            raise RuntimeError("the episode has ended; there is nothing to answer")
        self.histories[player].append({"role": "assistant", "content": response})
        if player == SPEAKER:
            return self._receive_expression(response)
        return self._receive_answer(response)

    def _end(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self._next = None

    def _receive_expression(self, response: str) -> Move:
        expression = parse_expression(response, self.payload["player_1_response_pattern"])
        if not expression.well_formed:
            self._end("aborted")
            return Move(False, EXPRESSION_FORMAT_ERROR)
        content = listener_prompt(self.payload, response, self.demonstrations)
        self.histories[LISTENER].append({"role": "user", "content": content})
        self._next = LISTENER
        return Move(True, "ok", {"expression": expression.content})

    def _receive_answer(self, response: str) -> Move:
        answer = parse_answer(response, self.payload["player_2_response_pattern"])
        if not answer.well_formed:
            self._end("aborted")
            return Move(False, ANSWER_FORMAT_ERROR)
        correct = is_target(answer.answer, self.payload["target_grid_name"])
        self._end("success" if correct else "lost")
        reason = "correct choice" if correct else "wrong choice"
        if not answer.only_answer:
            reason += " (text after the answer ignored)"
        return Move(True, reason, {"answer": answer.answer, "correct": correct})
