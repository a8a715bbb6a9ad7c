"""The batched llama.cpp engine (batched prompt pieces, prefix reuse) plays exactly the
transcripts of the sequential backend at temperature 0: at batch sizes 1, 4 and 16, and after a
play job stopped midway is resumed from its response cache (then the resumed turns find no
cached KV state for the earlier turns and evaluate the whole prompt).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clemgrid.backends.base import GenerationParams
from clemgrid.backends.llama_cpp import LlamaCppBackend
from clemgrid.cache import ResponseCache
from clemgrid.engine import play
from clemgrid.games.registry import GAMES
from clemgrid.registry import PlayConfig

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MODEL, QUANT = "SmolLM2-135M-Instruct", "Q4_1"
KEYS = {"model": MODEL, "backend": "llama_cpp", "quant": QUANT}
PARAMS = GenerationParams(0.0, 40, 0)
GAME_INSTANCES = {"taboo": 4, "wordle": 2, "privateshared": 2}


def config(**options: object) -> PlayConfig:
    models = yaml.safe_load((ROOT / "config" / "models.yaml").read_text())
    entry = yaml.safe_load((ROOT / "config" / "backends.yaml").read_text())["llama_cpp"]
    entry = {**entry, "options": {**entry["options"], "engine": "batched", **options}}
    return PlayConfig(MODEL, "llama_cpp", QUANT, models[MODEL], entry)


def instances(game: str) -> list:
    every = GAMES[game].load_instances()
    return every[:: len(every) // GAME_INSTANCES[game]][: GAME_INSTANCES[game]]


@pytest.fixture(scope="module")
def reference() -> dict[str, list[dict]]:
    """The sequential backend (legacy engine, one sequence), batch 1."""
    with LlamaCppBackend(config(engine="legacy", parallel=1)) as backend:
        return {
            game: play(GAMES[game], instances(game), backend, PARAMS, KEYS, batch_size=1).turns
            for game in GAME_INSTANCES
        }


@pytest.fixture(scope="module")
def batched():
    with LlamaCppBackend(config(parallel=4, slots=8)) as backend:
        yield backend


def test_multi_turn_games_reuse_prefixes_and_match_the_sequential_backend(
    reference, batched
) -> None:
    for game in GAME_INSTANCES:
        before = batched._batched.prompt_tokens_reused if batched._batched else 0
        turns = play(GAMES[game], instances(game), batched, PARAMS, KEYS, batch_size=4).turns
        assert turns == reference[game], game
        if max(t["step"] for t in turns) > 1:
            assert batched._batched.prompt_tokens_reused > before, game
    assert any(r["stop_reason"] == "length" for rows in reference.values() for r in rows)


@pytest.mark.parametrize("parallel,batch_size", [(1, 1), (16, 16)])
def test_batch_sizes_give_the_same_transcripts(reference, parallel, batch_size) -> None:
    with LlamaCppBackend(config(parallel=parallel)) as backend:
        turns = play(
            GAMES["taboo"], instances("taboo"), backend, PARAMS, KEYS, batch_size=batch_size
        ).turns
    assert turns == reference["taboo"]


class _Stop(Exception):
    pass


class _StopsAfter:
    """The backend, dying (like kill -9: the cache keeps the batches answered so far) after
    `batches` calls."""

    def __init__(self, backend: LlamaCppBackend, batches: int) -> None:
        self.backend, self.left = backend, batches
        self.max_live_episodes = backend.max_live_episodes

    def generate(self, batch, params):
        if self.left == 0:
            raise _Stop
        self.left -= 1
        return self.backend.generate(batch, params)


# Batches answered before the job dies: SmolLM2 ends every taboo episode at its first answer,
# so taboo's 4 instances at batch 2 make only 2 calls in all.
@pytest.mark.parametrize(("game", "batches"), [("taboo", 1), ("privateshared", 3)])
def test_resumed_job_plays_the_same_transcripts(reference, tmp_path, game, batches) -> None:
    cache_path = tmp_path / "cache.jsonl"
    spec = GAMES[game]
    with LlamaCppBackend(config(parallel=4)) as backend:
        cache = ResponseCache(cache_path)
        with pytest.raises(_Stop):
            play(spec, instances(game), _StopsAfter(backend, batches), PARAMS, KEYS, 2, cache, "h")
        cache.close()
    with LlamaCppBackend(config(parallel=4)) as backend:  # a new process: empty KV streams
        cache = ResponseCache(cache_path)
        resumed = play(spec, instances(game), backend, PARAMS, KEYS, 2, cache, "h")
        cache.close()
    assert 0 < resumed.requests_sent < len(resumed.turns)
    assert resumed.turns == reference[game]
