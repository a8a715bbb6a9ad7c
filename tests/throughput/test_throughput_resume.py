"""kill -9 of a play job midway: the rerun resumes from the response cache, sends no answered
request again, and writes the same transcript bytes as an uninterrupted run.

The play job is `clemgrid.pipeline.run_play` (what the play rule's script calls) in a
subprocess, on an `openai_compatible` backend entry pointing at a fake server in this process
that answers deterministically and counts its answers per chat.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from throughput_support import FakeChatServer, cache_keys, write_grid

from clemgrid.backends.base import GenerationParams
from clemgrid.cache import request_key
from clemgrid.games.registry import GAMES
from clemgrid.pipeline import write_instances
from clemgrid.registry import stable_hash

pytestmark = pytest.mark.slow

PLAY = (
    "import json, sys\n"
    "from clemgrid.pipeline import run_play\n"
    "identity, instances, out, cache = sys.argv[1:]\n"
    "print(json.dumps(run_play(json.loads(open(identity).read()), instances,\n"
    "    out + '/transcripts.parquet', out + '/timing.parquet', cache)))\n"
)


@pytest.fixture
def server():
    with FakeChatServer(delay_s=0.1) as fake:
        yield fake


@pytest.fixture
def job(tmp_path, server):
    """Files of a play job of one model on the fake server's backend entry."""
    models = {
        "fake-model": {"facts": {"synthetic": True}, "weights": {"none": {"api_model": "fake"}}}
    }
    backends = {
        "fake": {
            "kind": "openai_compatible",
            "base_url": server.base_url,
            "concurrency": 2,
            "max_retries": 0,
            "timeout_s": 30,
        }
    }
    grid = write_grid(
        tmp_path / "config", models, backends, instances={"per_experiment": 4}, batch_size=4
    )
    identity = grid.play_identity(grid.configs[0], "taboo", GAMES["taboo"].version)
    (tmp_path / "identity.json").write_text(json.dumps(identity))
    write_instances("taboo", 0, tmp_path / "taboo.parquet")
    return tmp_path, identity


def start(tmp_path, run: str, cache: str) -> subprocess.Popen:
    (tmp_path / run).mkdir(exist_ok=True)
    args = [str(tmp_path / "identity.json"), str(tmp_path / "taboo.parquet")]
    return subprocess.Popen(
        [sys.executable, "-c", PLAY, *args, str(tmp_path / run), str(tmp_path / cache)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


def finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def test_killed_play_job_resumes_without_resending(job, server) -> None:
    tmp_path, identity = job
    config_hash = stable_hash(identity)
    params = GenerationParams(**identity["generation"])
    cache_file = tmp_path / "cache-b" / f"{config_hash}.jsonl"

    # The uninterrupted run, in a directory of its own.
    reference = finish(start(tmp_path, "a", "cache-a"))
    assert reference["requests_sent"] == reference["turns"] > reference["episodes"] == 12
    answered_a = server.snapshot()
    assert set(answered_a.values()) == {1}  # every chat asked once
    server.reset()

    # The same job, killed once a few batches are in its cache ...
    process = start(tmp_path, "b", "cache-b")
    deadline = time.monotonic() + 120
    while len(cache_keys(cache_file)) < 6:
        assert process.poll() is None, "the play job ended before it could be killed"
        assert time.monotonic() < deadline, "no answers were cached in time"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    cached_at_kill = cache_keys(cache_file)
    answered_at_kill = server.snapshot()
    assert 6 <= len(cached_at_kill) < reference["turns"]

    # ... and rerun.
    resumed = finish(start(tmp_path, "b", "cache-b"))
    assert resumed["requests_sent"] == reference["turns"] - len(cached_at_kill)
    assert (tmp_path / "b/transcripts.parquet").read_bytes() == (
        tmp_path / "a/transcripts.parquet"
    ).read_bytes()

    answered = server.snapshot()
    assert set(answered) == set(answered_a)  # the same chats, nothing else
    key_of = {h: request_key(config_hash, server.messages[h], params) for h in answered}
    for chat, count in answered.items():
        if key_of[chat] in cached_at_kill:
            assert count == 1, "an answer in the cache was requested again"
        else:  # answered and lost with the process before its batch reached the cache, or new
            assert count == answered_at_kill[chat] + 1
