"""A deterministic programmatic player behind the backend interface, for tests and synthetic models."""

from __future__ import annotations

from clemgrid.backends.base import Backend, Generation, GenerationParams, Message
from clemgrid.games.base import GameSpec


class ScriptedBackend(Backend):
    def __init__(self, game: GameSpec, policy: str) -> None:
        if policy not in game.scripted_policies:
            raise ValueError(f"game {game.name!r} has no scripted policy {policy!r}")
        self.game, self.policy = game, policy

    def generate(self, batch: list[list[Message]], params: GenerationParams) -> list[Generation]:
        results = []
        for messages in batch:
            text = self.game.scripted_player(self.policy, messages)
            prompt_tokens = sum(len(m["content"].split()) for m in messages)
            results.append(Generation(text, "end_of_turn", prompt_tokens, len(text.split())))
        return results
