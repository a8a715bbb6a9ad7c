"""Dilemma game master: one player, one turn. The prompt is sent, the answer read, done.

A strict-format violation aborts the episode; a valid C (or, in the public-goods game, any
valid amount) is recorded as the move together with the lenient reading.
"""

from __future__ import annotations

from clemgrid.games.base import GameMaster, Instance, Move, Request
from clemgrid.games.dilemma.parse import Reading, read

PLAYER, ROLE = "player_1", "chooser"
CHOICE_FORMAT_ERROR = "invalid format: the answer must be the single letter C or D"
AMOUNT_FORMAT_ERROR = "invalid format: the answer must be one whole number from 0 to 10"


def is_public_goods(instance: Instance) -> bool:
    return instance.payload["game"] == "pgg"


def format_error(instance: Instance) -> str:
    return AMOUNT_FORMAT_ERROR if is_public_goods(instance) else CHOICE_FORMAT_ERROR


def reading(instance: Instance, response: str) -> Reading:
    return read(response, is_public_goods(instance))


class DilemmaGameMaster(GameMaster):
    """Few-shot demonstrations are not offered: they would tell the model what to choose."""

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        super().__init__(instance, demonstrations)
        self.done = False

    def pending(self) -> Request | None:
        if self.done:
            return None
        messages = [{"role": "user", "content": self.instance.payload["prompt"]}]
        return Request(PLAYER, ROLE, 0, messages)

    def receive(self, response: str) -> Move:
        if self.done:
            raise RuntimeError("the episode has ended; there is nothing to answer")
        self.done = True
        answer = reading(self.instance, response)
        parsed = {"strict": answer.strict, "lenient": answer.lenient}
        if answer.strict is None:
            return Move(False, format_error(self.instance), parsed)
        return Move(True, "ok", parsed)
