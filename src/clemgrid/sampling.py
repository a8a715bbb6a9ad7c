"""Sampled games (seed 004): N answers per instance at temperature T, each its own episode.

Every sample has its own seed, derived from (generation seed, instance, sample index) and
nothing else, so a rerun or a resumed job asks exactly the same requests (the response cache
key holds the seed) and a seeded backend answers them byte for byte the same. A game that does
not sample is played as before: one episode per instance with the run's generation params.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

from clemgrid.backends.base import GenerationParams
from clemgrid.games.base import Instance
from clemgrid.hashing import canonical_json

SEED_BITS = 31
"""Seeds fit a signed 32-bit int: llama.cpp takes uint32, torch and OpenAI servers any int."""


@dataclass(frozen=True)
class Sampling:
    """`n` samples per instance at `temperature` (> 0); `max_tokens` replaces the run's where a
    game's answer is short (a strict dilemma answer is at most 40 characters)."""

    n: int
    temperature: float
    max_tokens: int | None = None

    @classmethod
    def from_identity(cls, identity: dict[str, Any]) -> Sampling | None:
        """The job's sampling, or None for a game that does not sample (no `sampling` key)."""
        spec = identity.get("sampling")
        if spec is None:
            return None
        return cls(int(spec["n"]), float(spec["temperature"]), spec.get("max_tokens"))


def sample_seed(base_seed: int, instance: Instance, sample: int) -> int:
    """The seed of one sample: a hash of the run's seed, the instance's key and the index."""
    key = canonical_json(
        [base_seed, instance.game, instance.experiment, instance.instance_id, sample]
    )
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") >> (32 - SEED_BITS)


def sample_params(
    params: GenerationParams, sampling: Sampling, instance: Instance, sample: int
) -> GenerationParams:
    """The generation params of one sample: the run's, at the sampling temperature and seed."""
    return replace(
        params,
        temperature=sampling.temperature,
        max_tokens=sampling.max_tokens or params.max_tokens,
        seed=sample_seed(params.seed, instance, sample),
    )
