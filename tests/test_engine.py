"""The batching engine and the response cache, on a toy game and a counting backend."""

import pytest

from clemgrid.backends.base import Backend, Generation, GenerationParams, InfraError
from clemgrid.cache import ResponseCache
from clemgrid.engine import play
from clemgrid.games.base import EpisodeScore, GameMaster, GameSpec, Instance, Move, Request

KEYS = {"model": "m", "backend": "b", "quant": "q"}


class CountdownMaster(GameMaster):
    """Asks 'count' questions; the episode ends early when the answer is not a number."""

    def __init__(self, instance, demonstrations=0):
        super().__init__(instance, demonstrations)
        self.left = instance.payload["count"]
        self.history = []
        self.over = False

    def pending(self):
        if self.over or self.left == 0:
            return None
        messages = [*self.history, {"role": "user", "content": self.question()}]
        return Request("player_1", "counter", self.instance.payload["count"] - self.left, messages)

    def question(self):
        return f"episode {self.instance.instance_id}: say {self.left}"

    def receive(self, response):
        self.history += [
            {"role": "user", "content": self.question()},
            {"role": "assistant", "content": response},
        ]
        ok = response == str(self.left)
        self.left -= 1
        self.over = not ok
        return Move(ok, "ok" if ok else "wrong number", response)


def scripted(policy, messages):
    return messages[-1]["content"].split()[-1] if policy == "good" else "x"


GAME = GameSpec(
    "countdown",
    "1",
    lambda: [Instance("countdown", "e", str(i), {"count": i % 3 + 1}) for i in range(7)],
    CountdownMaster,
    lambda inst, turns: EpisodeScore("success", 100.0),
    scripted,
    ("good",),
)


class CountingBackend(Backend):
    def __init__(self, fail_after=None):
        self.calls, self.requests, self.fail_after = [], 0, fail_after

    def generate(self, batch, params):
        if self.fail_after is not None and self.requests + len(batch) > self.fail_after:
            raise InfraError("server went away")
        self.calls.append(len(batch))
        self.requests += len(batch)
        return [Generation(m[-1]["content"].split()[-1], "end_of_turn", 3, 1) for m in batch]


PARAMS = GenerationParams()


def run(backend, batch_size=16, cache=None):
    return play(
        GAME,
        GAME.load_instances(),
        backend,
        PARAMS,
        KEYS,
        batch_size=batch_size,
        cache=cache,
        config_hash="h",
    )


def test_batches_hold_every_running_episode():
    backend = CountingBackend()
    result = run(backend)
    assert backend.calls == [7, 4, 2]  # counts 1..3: episodes drop out as they finish
    assert len(result.turns) == 13


def test_batch_size_does_not_change_transcripts():
    assert run(CountingBackend(), batch_size=1).turns == run(CountingBackend(), batch_size=5).turns


def test_batch_size_limits_each_backend_call():
    backend = CountingBackend()
    run(backend, batch_size=3)
    assert max(backend.calls) == 3


def test_rows_are_ordered_and_labelled():
    rows = run(CountingBackend()).turns
    assert [(r["episode_id"], r["step"]) for r in rows] == sorted(
        (r["episode_id"], r["step"]) for r in rows
    )
    assert {r["game"] for r in rows} == {"countdown"} and rows[0]["model"] == "m"


def test_cache_makes_a_rerun_free(tmp_path):
    first = run(CountingBackend(), cache=ResponseCache(tmp_path / "c.jsonl"))
    backend = CountingBackend()
    again = run(backend, cache=ResponseCache(tmp_path / "c.jsonl"))
    assert backend.requests == 0
    assert again.turns == first.turns
    assert all(t["cache_hit"] for t in again.timing)


def test_interrupted_run_resumes_without_resending(tmp_path):
    with pytest.raises(InfraError):
        run(CountingBackend(fail_after=9), batch_size=2, cache=ResponseCache(tmp_path / "c.jsonl"))
    with open(tmp_path / "c.jsonl", "a") as f:
        f.write('{"key": "torn')  # what kill -9 in the middle of a write leaves
    backend = CountingBackend()
    resumed = run(backend, batch_size=2, cache=ResponseCache(tmp_path / "c.jsonl"))
    assert backend.requests == 13 - 9  # the 9 answered before the failure came from the cache
    assert resumed.turns == run(CountingBackend()).turns
