"""Programmatic players behind the backend interface: scripted policies and synthetic players.

A synthetic player has a declared skill: each answer is a format violation with probability
`format_error_rate`, otherwise a good move (the game's `perfect` policy) with probability
`good_move_rate`, otherwise a valid but useless move (`never_right`). The draws hash the seed
with the chat, so the player is deterministic and needs no state across requests. When sampling
(temperature > 0) the request's seed is hashed in too, so the samples of one chat differ and a
rerun repeats them; at temperature 0 the draws are those they always were.
"""

from __future__ import annotations

import hashlib
from typing import Any

from clemgrid.backends.base import Backend, Generation, GenerationParams, Message
from clemgrid.games.base import GameSpec
from clemgrid.hashing import canonical_json

SYNTHETIC_POLICIES = ("rule_breaker", "perfect", "never_right")


def uniform(seed: int | list[int], salt: str, messages: list[Message]) -> float:
    digest = hashlib.sha256(canonical_json([seed, salt, messages]).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def synthetic_policy(
    skill: dict[str, Any], messages: list[Message], sample_seed: int | None = None
) -> str:
    seed = skill["seed"] if sample_seed is None else [skill["seed"], sample_seed]
    if uniform(seed, "format", messages) < skill["format_error_rate"]:
        return "rule_breaker"
    if uniform(seed, "move", messages) < skill["good_move_rate"]:
        return "perfect"
    return "never_right"


class ScriptedBackend(Backend):
    def __init__(self, game: GameSpec, source: dict[str, Any]) -> None:
        needed = SYNTHETIC_POLICIES if "synthetic" in source else (source["scripted"],)
        missing = [p for p in needed if p not in game.scripted_policies]
        if missing:
            raise ValueError(f"game {game.name!r} has no scripted policy {', '.join(missing)}")
        self.game, self.source = game, source

    def policy(self, messages: list[Message], sample_seed: int | None = None) -> str:
        if "synthetic" in self.source:
            return synthetic_policy(self.source["synthetic"], messages, sample_seed)
        return self.source["scripted"]

    def generate(self, batch: list[list[Message]], params: GenerationParams) -> list[Generation]:
        results = []
        sample_seed = params.seed if params.temperature > 0 else None
        for messages in batch:
            text = self.game.scripted_player(self.policy(messages, sample_seed), messages)
            prompt_tokens = sum(len(m["content"].split()) for m in messages)
            results.append(Generation(text, "end_of_turn", prompt_tokens, len(text.split())))
        return results
