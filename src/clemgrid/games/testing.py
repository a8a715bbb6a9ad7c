"""One episode through `engine.play`, for the games' tests: they need the game master too (its
chats, its outcome) and players that answer by role, which a backend alone cannot give."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from clemgrid.backends.base import Backend, Generation, GenerationParams, Message
from clemgrid.engine import play
from clemgrid.games.base import GameMaster, GameSpec, Instance, Move, Request, TurnRow

Answer = Callable[[Request], str]
KEYS = {"model": "test", "backend": "test", "quant": "none"}


class _Watched(GameMaster):
    """The game's master, remembering the request the backend is about to answer."""

    def __init__(self, inner: GameMaster) -> None:
        super().__init__(inner.instance, inner.demonstrations)
        self.inner = inner
        self.request: Request | None = None

    def pending(self) -> Request | None:
        self.request = self.inner.pending()
        return self.request

    def receive(self, response: str) -> Move:
        return self.inner.receive(response)


class _Answering(Backend):
    def __init__(self, master: _Watched, answer: Answer) -> None:
        self.master, self.answer = master, answer

    def generate(self, batch: list[list[Message]], params: GenerationParams) -> list[Generation]:
        assert len(batch) == 1 and self.master.request is not None
        return [Generation(self.answer(self.master.request), "end_of_turn", 0, 0)]


def play_episode(
    game: GameSpec, instance: Instance, answer: Answer, max_requests: int = 5000
) -> tuple[GameMaster, list[TurnRow]]:
    """The game master after the episode and the episode's turn rows, as the engine stores
    them; raises if the episode needs more than `max_requests` answers."""
    watched = _Watched(game.master(instance, game.demonstrations))
    spec = replace(game, master=lambda _instance, _demonstrations: watched)
    result = play(
        spec,
        [instance],
        _Answering(watched, answer),
        GenerationParams(),
        KEYS,
        batch_size=1,
        max_steps=max_requests,
    )
    return watched.inner, result.turns


def policy_player(game: GameSpec, policy: str | dict[str, str]) -> Answer:
    """The game's scripted players: one policy for every role, or a policy per role."""
    roles = policy if isinstance(policy, dict) else None
    return lambda request: game.scripted_player(
        roles[request.role] if roles else str(policy), request.messages
    )
