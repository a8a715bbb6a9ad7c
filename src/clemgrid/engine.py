"""Self-play engine: many episodes alive at once, their pending requests sent as batches.

Each step collects the one pending request of every running episode (a game master never has
more than one), answers cached ones from the cache, sends the rest to the backend in chunks of
`batch_size`, and routes each response back to its game master. With batch_size=1 this is the
sequential loop clembench runs.

A sampled game (clemgrid.sampling) plays each instance `n` times, sample-major within an
instance, each episode with its own seed; the engine then sends a batch with per-request params
(`Backend.generate_each`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from clemgrid.backends.base import Backend, Generation, GenerationParams, Message
from clemgrid.cache import ResponseCache, request_key
from clemgrid.games.base import GameSpec, Instance, Request
from clemgrid.records import dumps
from clemgrid.sampling import Sampling, sample_params


@dataclass
class Episode:
    episode_id: int
    instance: Instance
    master: Any
    params: GenerationParams
    steps: int = 0


@dataclass
class PlayResult:
    turns: list[dict[str, Any]] = field(default_factory=list)
    timing: list[dict[str, Any]] = field(default_factory=list)
    requests_sent: int = 0


def generate_each(
    backend: Backend, batch: list[list[Message]], params: list[GenerationParams]
) -> list[Generation]:
    """`backend.generate_each`, also for an object with only `generate` (test doubles)."""
    if hasattr(backend, "generate_each"):
        return backend.generate_each(batch, params)
    return Backend.generate_each(backend, batch, params)


def play(
    game: GameSpec,
    instances: Sequence[Instance],
    backend: Backend,
    params: GenerationParams,
    keys: dict[str, str],
    batch_size: int = 16,
    cache: ResponseCache | None = None,
    config_hash: str = "",
    on_episode_done: Callable[[], None] | None = None,
    max_steps: int = 5000,  # a safety net against a game master that never ends (privateshared may need 1215)
    max_live: int | None = None,
    sampling: Sampling | None = None,
) -> PlayResult:
    """Play every instance once in self-play (`sampling.n` times for a sampled game, episode
    ids instance-major); `keys` (model, backend, quant) label the rows.

    `max_live` caps the episodes alive at once (by default the backend's `max_live_episodes`,
    else all): a backend that keeps each conversation's KV cache between turns holds only so
    many. Episodes start in order as others end; every episode's turns stay the same."""
    if max_live is None:
        max_live = getattr(backend, "max_live_episodes", None)
    runs = [
        (inst, params if sampling is None else sample_params(params, sampling, inst, s))
        for inst in instances
        for s in range(1 if sampling is None else sampling.n)
    ]
    waiting = [
        Episode(i, inst, game.master(inst, game.demonstrations), episode_params)
        for i, (inst, episode_params) in enumerate(runs)
    ][::-1]
    result = PlayResult()
    running: list[Episode] = []
    batch_counter = 0
    while running or waiting:
        while waiting and (max_live is None or len(running) < max_live):
            running.append(waiting.pop())
        pending: list[tuple[Episode, Request]] = []
        still_running = []
        for episode in running:
            request = episode.master.pending()
            if request is not None and episode.steps >= max_steps:
                raise RuntimeError(
                    f"{game.name} episode {episode.episode_id} ({episode.instance.instance_id}) did not end within {max_steps} requests"
                )
            if request is None:
                if on_episode_done:
                    on_episode_done()
                continue
            pending.append((episode, request))
            still_running.append(episode)
        running = still_running

        answers: dict[int, tuple[Generation, bool, int, int, float]] = {}
        misses = []
        for episode, request in pending:
            key = request_key(config_hash, request.messages, episode.params)
            cached = cache.get(key) if cache else None
            if cached is not None:
                answers[episode.episode_id] = (cached, True, -1, 0, 0.0)
            else:
                misses.append((episode, request, key))
        for start in range(0, len(misses), batch_size):
            chunk = misses[start : start + batch_size]
            began = time.perf_counter()
            generations = generate_each(
                backend, [r.messages for _, r, _ in chunk], [e.params for e, _, _ in chunk]
            )
            seconds = time.perf_counter() - began
            if len(generations) != len(chunk):
                raise RuntimeError(
                    f"backend returned {len(generations)} results for {len(chunk)} requests"
                )
            result.requests_sent += len(chunk)
            if cache:
                cache.put_many(
                    [(key, gen) for (_, _, key), gen in zip(chunk, generations, strict=True)]
                )
            for (episode, _, _), gen in zip(chunk, generations, strict=True):
                answers[episode.episode_id] = (gen, False, batch_counter, len(chunk), seconds)
            batch_counter += 1

        for episode, request in pending:
            gen, hit, batch, size, seconds = answers[episode.episode_id]
            move = episode.master.receive(gen.text)
            row_keys = {
                **keys,
                "game": game.name,
                "experiment": episode.instance.experiment,
                "instance_id": episode.instance.instance_id,
                "episode_id": episode.episode_id,
                "step": episode.steps,
            }
            result.turns.append(
                {
                    **row_keys,
                    "turn": request.turn,
                    "player": request.player,
                    "role": request.role,
                    "messages": dumps(request.messages),
                    "rendered_prompt": gen.rendered_prompt,
                    "response": gen.text,
                    "move": None if move.parsed is None else dumps(move.parsed),
                    "valid": move.valid,
                    "reason": move.reason,
                    "stop_reason": gen.stop_reason,
                    "prompt_tokens": gen.prompt_tokens,
                    "completion_tokens": gen.completion_tokens,
                }
            )
            result.timing.append(
                {
                    **row_keys,
                    "batch": batch,
                    "batch_size": size,
                    "seconds": seconds,
                    "cache_hit": hit,
                }
            )
            episode.steps += 1

    result.turns.sort(key=lambda r: (r["episode_id"], r["step"]))
    result.timing.sort(key=lambda r: (r["episode_id"], r["step"]))
    return result
