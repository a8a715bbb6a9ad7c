"""llama.cpp multi-sequence decoding (`parallel: N`) gives exactly the sequential path's outputs,
with either engine (`legacy`: shared decode steps; `batched`: prompts evaluated together and
prefixes reused), against the one-sequence legacy path."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from clemgrid.backends.base import GenerationParams
from clemgrid.backends.llama_cpp import LlamaCppBackend
from clemgrid.engine import play
from clemgrid.games.registry import GAMES
from clemgrid.registry import PlayConfig

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MODEL, QUANT = "SmolLM2-135M-Instruct", "Q4_1"
KEYS = {"model": MODEL, "backend": "llama_cpp", "quant": QUANT}


def config(parallel: int, engine: str | None = None) -> PlayConfig:
    """The registry's llama_cpp entry at `parallel`, with its engine or `engine`."""
    models = yaml.safe_load((ROOT / "config" / "models.yaml").read_text())
    entry = yaml.safe_load((ROOT / "config" / "backends.yaml").read_text())["llama_cpp"]
    options = {**entry["options"], "parallel": parallel, **({"engine": engine} if engine else {})}
    return PlayConfig(MODEL, "llama_cpp", QUANT, models[MODEL], {**entry, "options": options})


def taboo_chats() -> list[list[dict[str, str]]]:
    """First requests of taboo episodes (prompts of a few hundred tokens), and short chats."""
    game = GAMES["taboo"]
    chats = [game.master(inst).pending().messages for inst in game.load_instances()[::30]]
    return [
        *chats,
        [{"role": "user", "content": "Say hello."}],
        [
            {"role": "user", "content": "Say hello."},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": "Now say goodbye."},
        ],
    ]


@pytest.fixture(scope="module")
def sequential():
    with LlamaCppBackend(config(1, "legacy")) as backend:
        yield backend


@pytest.fixture(scope="module", params=["legacy", "batched"])
def parallel(request):
    with LlamaCppBackend(config(2, request.param)) as backend:
        yield backend


@pytest.mark.parametrize(
    "params",
    [GenerationParams(0.0, 24, 0), GenerationParams(1.0, 8, 7)],
    ids=["greedy", "sampled"],
)
def test_parallel_outputs_equal_sequential(sequential, parallel, params) -> None:
    chats = taboo_chats()
    assert len(chats) > parallel.parallel  # slots are reused (continuous batching)
    expected = sequential.generate(chats, params)
    got = parallel.generate(chats, params)
    assert got == expected
    assert {g.stop_reason for g in expected} >= {"length"}
    # Order and neighbours do not matter either.
    assert parallel.generate(chats[::-1], params) == expected[::-1]


def test_over_the_context_and_max_tokens_one(sequential, parallel) -> None:
    cfg = config(2)
    small = {**cfg.backend_entry, "options": {**cfg.backend_entry["options"], "n_ctx": 256}}
    chats = taboo_chats()
    params = GenerationParams(0.0, 60, 0)  # taboo prompts (~200 tokens) + 60 exceed 256
    with LlamaCppBackend(replace(cfg, backend_entry=small)) as backend:
        results = backend.generate(chats, params)
        assert results == [backend._generate_one(chat, params) for chat in chats]
    exceeded = [bool(r.extra.get("context_exceeded")) for r in results]
    assert any(exceeded) and not all(exceeded)
    one = GenerationParams(0.0, 1, 0)
    assert parallel.generate(chats, one) == sequential.generate(chats, one)


def test_stop_string_in_parallel(parallel) -> None:
    chats = taboo_chats()[-3:]
    greedy = GenerationParams(0.0, 24, 0)
    texts = [g.text for g in parallel.generate(chats, greedy)]
    stop = texts[1][5:12]  # a piece of the second greedy answer
    cfg = config(2)
    chat = {**cfg.model_entry["chat"], "end_of_turn": ["<|im_end|>", stop]}
    with LlamaCppBackend(replace(cfg, model_entry={**cfg.model_entry, "chat": chat})) as other:
        got = other.generate(chats, greedy)
        assert (got[1].text, got[1].stop_reason) == (
            texts[1][: texts[1].index(stop)],
            "stop_string",
        )
        assert got == [other._generate_one(c, greedy) for c in chats]


def test_engine_with_parallel_backend_plays_the_sequential_transcripts(
    sequential, parallel
) -> None:
    game = GAMES["taboo"]
    instances = game.load_instances()[::20]
    params = GenerationParams(0.0, 16, 0)
    one = play(game, instances, sequential, params, KEYS, batch_size=1)
    batched = play(game, instances, parallel, params, KEYS, batch_size=3)
    assert batched.turns == one.turns
    assert max(t["batch_size"] for t in batched.timing) > 1


def test_parallel_option_is_checked() -> None:
    with pytest.raises(ValueError, match="options.parallel"):
        LlamaCppBackend(config(0))
