"""Fault injection, end to end: play jobs (pipeline.run_play, as the play rule runs them) against
a local OpenAI-compatible server that fails each request on purpose before answering it: HTTP 500,
429 with Retry-After, a timeout, a 200 that is not JSON, a 200 without `usage`. The transcripts
are byte-identical to those of a run without faults. A server that never recovers ends the job
with the infrastructure error and no transcripts (so nothing is scored)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from clemgrid.backends.openai_compatible import OpenAICompatibleBackend
from clemgrid.entries import PlayConfig
from clemgrid.games.registry import GAMES
from clemgrid.pipeline import run_play, write_instances
from clemgrid.workflow_io import job_log

TIMEOUT_S = 1.0
# What each distinct request meets before its answer, in order. The SDK retries the first three
# in one call (max_retries), clemgrid resends after each malformed 200.
FAULTS = ["500", "429", "timeout", "not-json", "no-usage"]


class FaultServer:
    """Answers chat completions deterministically from the request's messages; while `faults`
    is on, the n-th attempt of a request (by its body) first meets FAULTS[n]."""

    def __init__(self) -> None:
        self.faults = False
        self.forever: str | None = None  # a fault for every attempt (a server that never recovers)
        self.attempts: dict[str, int] = {}
        self.met: list[str] = []
        self.lock = threading.Lock()
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        threading.Thread(target=self.http.serve_forever, args=(0.05,), daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.http.server_port}/v1"

    @staticmethod
    def answer(messages: list[dict[str, str]]) -> str:
        digest = hashlib.sha256(json.dumps(messages).encode()).hexdigest()
        return f"CLUE: word{digest[:6]}" if len(messages) % 2 else f"GUESS: word{digest[6:12]}"

    def fault(self, body: bytes) -> str | None:
        key = hashlib.sha256(body).hexdigest()
        with self.lock:
            n = self.attempts.get(key, 0)
            self.attempts[key] = n + 1
            fault = self.forever or (FAULTS[n] if self.faults and n < len(FAULTS) else None)
            if fault:
                self.met.append(fault)
        return fault

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def send(self, status: int, body: bytes, **headers: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                request = json.loads(raw)
                fault = server.fault(raw)
                try:
                    if fault == "500":
                        self.send(500, b'{"error": {"message": "injected"}}')
                    elif fault == "503":
                        self.send(503, b'{"error": {"message": "injected, for good"}}')
                    elif fault == "429":
                        self.send(
                            429, b'{"error": {"message": "slow down"}}', **{"Retry-After": "1"}
                        )
                    elif fault == "timeout":
                        time.sleep(TIMEOUT_S * 2)
                        self.send(500, b"{}")  # too late: the client has given up
                    elif fault == "not-json":
                        self.send(200, b"<html>upstream error</html>")
                    else:
                        self.send(200, json.dumps(server.completion(request, fault)).encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def completion(self, request: dict, fault: str | None) -> dict:
        text = self.answer(request["messages"])
        body = {
            "id": "cmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": request["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
        }
        if fault == "no-usage":
            del body["usage"]
        return body

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    fault_server = FaultServer()
    yield fault_server
    fault_server.close()


@pytest.fixture(scope="module")
def instances(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("instances") / "taboo.parquet"
    write_instances("taboo", 0, path)
    return path


@pytest.fixture
def identity(server, make_config) -> dict:
    model_entry = {
        **make_config("together").model_entry,
        "weights": {"Q4_1": {"api_model": "fault/model"}},
    }
    backend_entry = {
        "kind": "openai_compatible",
        "base_url": server.base_url,
        "concurrency": 4,
        "max_retries": 4,
        "timeout_s": TIMEOUT_S,
    }
    cfg = PlayConfig("SmolLM2-135M-Instruct", "faulty", "Q4_1", model_entry, backend_entry)
    return {
        **cfg.identity(),
        "game": {"name": "taboo", "version": GAMES["taboo"].version},
        "instances": {"per_experiment": 1},
        "generation": {"temperature": 0.0, "max_tokens": 24, "seed": 0},
        "batch_size": 4,
    }


@pytest.fixture
def no_backoff(monkeypatch) -> None:
    monkeypatch.setattr(OpenAICompatibleBackend, "malformed_backoff_s", 0.01)


def play(identity: dict, instances: Path, out: Path) -> dict:
    with job_log(out / "play.log"):
        return run_play(
            identity, instances, out / "transcripts.parquet", out / "timing.parquet", None
        )


@pytest.mark.slow
def test_transcripts_with_faults_are_byte_identical(
    server, identity, instances, tmp_path, no_backoff
):
    server.faults = False
    clean = play(identity, instances, tmp_path / "clean")
    server.faults, server.attempts, server.met = True, {}, []
    faulty = play(identity, instances, tmp_path / "faulty")
    print(f"played {clean}; faults met {len(server.met)} over {len(server.attempts)} requests")
    assert clean == faulty and clean["turns"] > 0
    distinct = len(server.attempts)
    assert distinct == clean["requests_sent"]
    assert sorted(server.met) == sorted(FAULTS * distinct)  # every request met every fault
    assert (tmp_path / "faulty" / "transcripts.parquet").read_bytes() == (
        tmp_path / "clean" / "transcripts.parquet"
    ).read_bytes()
    log = (tmp_path / "faulty" / "play.log").read_text()
    assert "sending again" in log  # the malformed answers were resent, and said so


@pytest.mark.slow
def test_a_server_that_never_recovers_fails_the_job_unscored(
    server, identity, instances, tmp_path, no_backoff
) -> None:
    server.forever = "503"
    try:
        with pytest.raises(SystemExit, match="InfraError: .*HTTP 503"):
            play(identity, instances, tmp_path)
    finally:
        server.forever = None
    assert not (tmp_path / "transcripts.parquet").exists()
    assert not (tmp_path / "timing.parquet").exists()
    log = (tmp_path / "play.log").read_text()
    assert "infrastructure failure, job not finished (nothing was scored)" in log
    assert "Traceback" not in log
