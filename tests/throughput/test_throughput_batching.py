"""Batched and batch-1 play agree on the scripted backend; the response cache follows the config.

Fast: scripted and synthetic players only.
"""

from __future__ import annotations

import pytest
from throughput_support import write_grid

from clemgrid.backends.base import GenerationParams
from clemgrid.backends.scripted import ScriptedBackend
from clemgrid.cache import ResponseCache
from clemgrid.engine import play
from clemgrid.games.registry import GAMES
from clemgrid.pipeline import run_play, write_instances

KEYS = {"model": "m", "backend": "scripted", "quant": "none"}
SYNTHETIC = {"synthetic": {"format_error_rate": 0.1, "good_move_rate": 0.4, "seed": 3}}
ZERO_SHOT = [name for name, game in GAMES.items() if not game.base]


def first_instances(game: str, per_experiment: int = 3) -> list:
    taken: dict[str, int] = {}
    chosen = []
    for inst in GAMES[game].load_instances():
        if taken.get(inst.experiment, 0) < per_experiment:
            taken[inst.experiment] = taken.get(inst.experiment, 0) + 1
            chosen.append(inst)
    return chosen


def play_at(game: str, batch_size: int, instances: list) -> list[dict]:
    spec = GAMES[game]
    return play(
        spec,
        instances,
        ScriptedBackend(spec, SYNTHETIC),
        GenerationParams(),
        KEYS,
        batch_size=batch_size,
    ).turns


@pytest.mark.parametrize("game", [*ZERO_SHOT, "taboo+1shot"])
def test_batched_and_batch_1_play_the_same_episodes(game: str) -> None:
    instances = first_instances(game)
    sequential = play_at(game, 1, instances)
    assert len({t["episode_id"] for t in sequential}) == len(instances)
    if game != "dilemma":  # dilemma has one turn; the others run several requests
        assert max(t["step"] for t in sequential) > 0
    for batch_size in (4, 7, len(instances), 256):
        batched = play_at(game, batch_size, instances)
        episodes = {(t["episode_id"], t["instance_id"]) for t in batched}
        assert episodes == {(t["episode_id"], t["instance_id"]) for t in sequential}
        assert batched == sequential  # every turn row, transcripts included


@pytest.fixture
def scripted_grid(tmp_path):
    models = {"synthetic-x": {"facts": {"synthetic": True}, "weights": {"none": SYNTHETIC}}}
    return write_grid(
        tmp_path / "config",
        models,
        {"scripted": {"kind": "scripted"}},
        instances={"per_experiment": 2},
        batch_size=4,
    )


def play_job(tmp_path, grid, run: str, model_entry=None, generation=None):
    """run_play as the play rule calls it, with a cache under tmp_path/cache."""
    cfg = grid.configs[0]
    if model_entry is not None:
        cfg = type(cfg)(cfg.model, cfg.backend, cfg.quant, model_entry, cfg.backend_entry)
    identity = grid.play_identity(cfg, "taboo", GAMES["taboo"].version)
    if generation is not None:
        identity["generation"] = generation
    instances = tmp_path / "taboo.parquet"
    if not instances.exists():
        write_instances("taboo", 0, instances)
    out = tmp_path / run
    stats = run_play(
        identity, instances, out / "t.parquet", out / "timing.parquet", tmp_path / "cache"
    )
    return stats, (out / "t.parquet").read_bytes()


def test_cache_follows_model_entry_and_generation_params(tmp_path, scripted_grid) -> None:
    first, transcripts = play_job(tmp_path, scripted_grid, "a")
    assert first["requests_sent"] == first["turns"] > first["episodes"]
    again, same = play_job(tmp_path, scripted_grid, "b")
    assert again["requests_sent"] == 0 and same == transcripts
    assert len(list((tmp_path / "cache").glob("*.jsonl"))) == 1

    # Facts do not reach the config hash: still all from the cache.
    entry = scripted_grid.configs[0].model_entry
    facts = {**entry, "facts": {"synthetic": True, "parameters_b": 1.0}}
    assert play_job(tmp_path, scripted_grid, "c", model_entry=facts)[0]["requests_sent"] == 0

    # Another model entry: a new config hash, a new cache file, every request a miss.
    edited = {**entry, "chat": {"end_of_turn": ["<eot>"]}}
    changed, _ = play_job(tmp_path, scripted_grid, "d", model_entry=edited)
    assert changed["requests_sent"] == changed["turns"] == first["turns"]
    assert len(list((tmp_path / "cache").glob("*.jsonl"))) == 2

    # Other generation params: misses again, in yet another file.
    generation = {**scripted_grid.config["generation"], "max_tokens": 7}
    other, _ = play_job(tmp_path, scripted_grid, "e", generation=generation)
    assert other["requests_sent"] == other["turns"]
    assert len(list((tmp_path / "cache").glob("*.jsonl"))) == 3


def test_cache_keys_include_the_params(tmp_path) -> None:
    """Even in one cache file, an answer generated with other params is never reused."""
    spec, instances = GAMES["taboo"], first_instances("taboo", 1)
    backend = ScriptedBackend(spec, SYNTHETIC)

    def sent(params: GenerationParams) -> int:
        cache = ResponseCache(tmp_path / "c.jsonl")
        try:
            return play(
                spec, instances, backend, params, KEYS, cache=cache, config_hash="h"
            ).requests_sent
        finally:
            cache.close()

    assert sent(GenerationParams(max_tokens=10)) > 0
    assert sent(GenerationParams(max_tokens=10)) == 0
    assert sent(GenerationParams(max_tokens=11)) > 0
    assert sent(GenerationParams(max_tokens=10, seed=1)) > 0
