"""Step-wise referencegame master (rules of clembench v1.6's referencegame, our own wording).

One turn only: the speaker (player_1) describes the target among three grids, the listener
(player_2) sees the grids in another order plus the speaker's answer and names one. A malformed
expression or answer aborts the episode; a wrong choice loses it.
"""

from __future__ import annotations

from clemgrid.games.base import Instance, Move, insert_examples
from clemgrid.games.dialogue import DialogueMaster, prompt_loader
from clemgrid.games.referencegame.demonstrations import ORDINALS, chosen
from clemgrid.games.referencegame.parse import is_target, parse_answer, parse_expression

SPEAKER, LISTENER = "player_1", "player_2"
ROLES = {SPEAKER: "speaker", LISTENER: "listener"}
EXPRESSION_FORMAT_ERROR = (
    "invalid format: the expression must be one line starting with 'Expression: '"
)
ANSWER_FORMAT_ERROR = "invalid format: the answer must start with 'Answer: ' and name one grid"


_prompt = prompt_loader(__package__)


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


class ReferenceGameMaster(DialogueMaster):
    """Each player gets a single user message; clembench's empty system message is left out
    (its backends drop an empty system message before generation)."""

    roles = ROLES

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        super().__init__(instance, demonstrations)
        self.payload = instance.payload
        self.tell(SPEAKER, speaker_prompt(self.payload, demonstrations))

    def opening(self, player: str, content: str) -> str:
        """The listener's prompt holds the speaker's whole answer among the grids."""
        if player == LISTENER:
            return listener_prompt(self.payload, content, self.demonstrations)
        return content

    def respond(self, player: str, response: str) -> Move:
        if player == SPEAKER:
            return self._receive_expression(response)
        return self._receive_answer(response)

    def _receive_expression(self, response: str) -> Move:
        expression = parse_expression(response, self.payload["player_1_response_pattern"])
        if not expression.well_formed:
            self.end("aborted")
            return Move(False, EXPRESSION_FORMAT_ERROR)
        self.tell(LISTENER, response)
        return Move(True, "ok", {"expression": expression.content})

    def _receive_answer(self, response: str) -> Move:
        answer = parse_answer(response, self.payload["player_2_response_pattern"])
        if not answer.well_formed:
            self.end("aborted")
            return Move(False, ANSWER_FORMAT_ERROR)
        correct = is_target(answer.answer, self.payload["target_grid_name"])
        self.end("success" if correct else "lost")
        reason = "correct choice" if correct else "wrong choice"
        if not answer.only_answer:
            reason += " (text after the answer ignored)"
        return Move(True, reason, {"answer": answer.answer, "correct": correct})
