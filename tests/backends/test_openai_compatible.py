"""The OpenAI-compatible backend: against a llama.cpp server it launches itself, and against a
tiny local HTTP server that fails on purpose (retries, errors, key hygiene, ordering)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import gguf
import pytest

from clemgrid.backends.base import GenerationParams, InfraError
from clemgrid.backends.chat_template import ChatTemplateError
from clemgrid.backends.llama_cpp import LlamaCppBackend
from clemgrid.backends.openai_compatible import OpenAICompatibleBackend
from clemgrid.backends.server import LlamaCppServer
from clemgrid.backends.weights import weight_file

GREEDY = GenerationParams(temperature=0.0, max_tokens=24, seed=0)
KEY = "sk-test-SECRET-0123456789"


@pytest.fixture(scope="module")
def launched(make_config):
    backend = OpenAICompatibleBackend(make_config("llama_cpp_server"))
    yield backend
    backend.close()


@pytest.mark.slow
def test_launched_llama_cpp_server(launched, chats) -> None:
    results = launched.generate(chats, GREEDY)
    assert launched.model == "SmolLM2-135M-Instruct"  # the name the server serves
    for result in results:
        assert result.text.strip() and "<|im_end|>" not in result.text
        assert result.stop_reason in {"end_of_turn", "length"}
        assert 0 < result.completion_tokens <= GREEDY.max_tokens and result.prompt_tokens > 0
        assert result.rendered_prompt is None
    assert {r.stop_reason for r in results} == {"end_of_turn", "length"}
    assert launched.generate(chats, GREEDY) == results


@pytest.mark.slow
def test_launched_server_decodes_like_the_in_process_backend(launched, make_config, chats) -> None:
    with LlamaCppBackend(make_config("llama_cpp")) as llama:
        local = llama.generate(chats, GREEDY)
    served = launched.generate(chats, GREEDY)
    assert [(r.text, r.stop_reason, r.prompt_tokens) for r in served] == [
        (r.text, r.stop_reason, r.prompt_tokens) for r in local
    ]
    # The server does not count the end-of-turn token; the local backends do.
    assert [r.completion_tokens + (r.stop_reason == "end_of_turn") for r in served] == [
        r.completion_tokens for r in local
    ]


@pytest.mark.slow
def test_close_stops_the_server(make_config) -> None:
    backend = OpenAICompatibleBackend(make_config("llama_cpp_server"))
    process, log = backend.server.process, backend.server.log_path
    assert process.poll() is None and log.is_file()
    backend.close()
    assert process.poll() is not None and not log.exists()


def test_server_that_dies_while_starting_is_an_infra_error(make_config) -> None:
    path = weight_file(make_config("llama_cpp"))
    with pytest.raises(InfraError, match="exited with code") as info:
        LlamaCppServer(path, "m", {"no_such_flag": 1}, startup_timeout_s=60)
    assert "unrecognized arguments: --no_such_flag" in str(info.value)
    log = Path(str(info.value).split("(log ")[1].split(")")[0])
    assert log.is_file()  # kept: it explains the failure
    log.unlink()


@pytest.mark.parametrize(
    ("launch", "chat", "problem"),
    [
        ({"server": "llama_cpp"}, {"template": "{{ x }}"}, "cannot apply chat.template"),
    ],
)
def test_launch_refuses_what_it_cannot_honour(make_config, launch, chat, problem) -> None:
    cfg = make_config("llama_cpp_server")
    model_entry = {**cfg.model_entry, "chat": {**cfg.chat, **chat}}
    backend_entry = {**cfg.backend_entry, "launch": launch}
    with pytest.raises(ValueError, match=problem):
        OpenAICompatibleBackend(make_config("llama_cpp_server", model_entry, backend_entry))


def test_launch_refuses_a_gguf_without_chat_template(make_config, tmp_path: Path) -> None:
    writer = gguf.GGUFWriter(tmp_path / "base.gguf", "llama")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    cfg = make_config("llama_cpp_server")
    weights = {cfg.quant: {"path": str(tmp_path / "base.gguf")}}
    with pytest.raises(ChatTemplateError, match="no chat template"):
        OpenAICompatibleBackend(replace(cfg, model_entry={**cfg.model_entry, "weights": weights}))


@dataclass
class FakeAPI:
    """Answers POST /v1/chat/completions: `fail_first` times HTTP 500 (echoing the request's
    Authorization header, as a careless server might), then the `bodies` in turn with HTTP 200
    (each a dict sent as JSON, or raw bytes; the last is repeated), then a completion echoing
    the last message."""

    fail_first: int
    bodies: list[dict | bytes] = field(default_factory=list)
    repeat_last: bool = False
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with api.lock:
                    api.requests.append(body["messages"][-1]["content"])
                    failing = len(api.requests) <= api.fail_first
                    n = len(api.requests) - api.fail_first - 1
                    if api.repeat_last and api.bodies:
                        n = min(n, len(api.bodies) - 1)
                    scripted = api.bodies[n] if 0 <= n < len(api.bodies) else None
                if failing:
                    reply = {"error": {"message": f"boom, auth={self.headers['Authorization']}"}}
                    return self.send(500, reply)
                if scripted is not None:
                    return self.send(200, scripted)
                content = body["messages"][-1]["content"]
                time.sleep(0.05 * (len(content) % 3))  # finish out of order
                self.send(200, completion(body["model"], content))

            def send(self, status: int, reply: dict | bytes) -> None:
                data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("retry-after-ms", "10")  # keep the SDK's backoff short
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def completion(model: str, content: str) -> dict:
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": f"echo: {content}"},
                "finish_reason": "length" if content == "long" else "stop",
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14},
    }


@pytest.fixture
def fake_api(
    make_config, monkeypatch
) -> Iterator[Callable[..., tuple[OpenAICompatibleBackend, FakeAPI]]]:
    """A backend entry pointing at a FakeAPI, with its key in the environment."""
    monkeypatch.setenv("CLEMGRID_TEST_API_KEY", KEY)
    servers: list[ThreadingHTTPServer] = []
    backends: list[OpenAICompatibleBackend] = []

    def start(
        fail_first: int, bodies: list[dict | bytes] = (), repeat_last: bool = False, **entry: object
    ) -> tuple[OpenAICompatibleBackend, FakeAPI]:
        api = FakeAPI(fail_first, list(bodies), repeat_last)
        server = ThreadingHTTPServer(("127.0.0.1", 0), api.handler())
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        backend_entry = {
            "kind": "openai_compatible",
            "base_url": f"http://127.0.0.1:{server.server_port}/v1",
            "api_key_env": "CLEMGRID_TEST_API_KEY",
            "concurrency": 4,
            "max_retries": 2,
            "timeout_s": 10,
            **entry,
        }
        model_entry = {
            **make_config("together").model_entry,
            "weights": {"Q4_1": {"api_model": "fake/model"}},
        }
        backend = OpenAICompatibleBackend(make_config("fake", model_entry, backend_entry))
        backends.append(backend)
        return backend, api

    yield start
    for backend in backends:
        backend.close()
    for server in servers:
        server.shutdown()
        server.server_close()


def test_retries_until_the_server_answers(fake_api) -> None:
    backend, api = fake_api(fail_first=2)
    [result] = backend.generate([[{"role": "user", "content": "hi"}]], GREEDY)
    assert api.requests == ["hi", "hi", "hi"]
    assert (result.text, result.stop_reason) == ("echo: hi", "end_of_turn")
    assert (result.prompt_tokens, result.completion_tokens) == (11, 3)


def test_persistent_failure_is_an_infra_error_without_the_key(fake_api) -> None:
    backend, api = fake_api(fail_first=10**6)
    with pytest.raises(InfraError) as info:
        backend.generate([[{"role": "user", "content": "hi"}]], GREEDY)
    assert len(api.requests) == 3  # one try + max_retries
    message = str(info.value)
    assert "HTTP 500" in message and "fake/model" in message and "auth=Bearer ***" in message
    assert KEY not in message and info.value.__cause__ is None


def test_connection_refused_is_an_infra_error(fake_api) -> None:
    backend, _ = fake_api(fail_first=0, base_url="http://127.0.0.1:9/v1", max_retries=0)
    with pytest.raises(InfraError, match="APIConnectionError"):
        backend.generate([[{"role": "user", "content": "hi"}]], GREEDY)


def test_concurrent_results_keep_the_batch_order(fake_api) -> None:
    backend, api = fake_api(fail_first=0)
    contents = ["a", "bb", "ccc", "long", "eeeee", "ffffff"]
    results = backend.generate([[{"role": "user", "content": c}] for c in contents], GREEDY)
    assert [r.text for r in results] == [f"echo: {c}" for c in contents]
    assert [r.stop_reason for r in results] == ["end_of_turn"] * 3 + ["length"] + [
        "end_of_turn"
    ] * 2
    assert sorted(api.requests) == sorted(contents)


def test_missing_key_names_the_variable(make_config, monkeypatch) -> None:
    monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
    model_entry = {**make_config("together").model_entry, "weights": {"Q4_1": {"api_model": "m"}}}
    with pytest.raises(InfraError, match="TOGETHER_API_KEY is not set"):
        OpenAICompatibleBackend(make_config("together", model_entry))


HI = [[{"role": "user", "content": "hi"}]]


def _without(body: dict, *path: str | int) -> dict:
    """A copy of a completion with the field at `path` removed."""
    body = json.loads(json.dumps(body))
    *parents, last = path
    target = body
    for key in parents:
        target = target[key]
    del target[last]
    return body


MALFORMED = {
    "no choices": (_without(completion("fake/model", "hi"), "choices"), "no choices"),
    "empty choices": ({**completion("fake/model", "hi"), "choices": []}, "no choices"),
    "null message": (
        {**completion("fake/model", "hi"), "choices": [{"index": 0, "message": None}]},
        "choices[0] has no message",
    ),
    "null content": (
        {
            **completion("fake/model", "hi"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": None}}],
        },
        "message content is null",
    ),
    "no usage": (_without(completion("fake/model", "hi"), "usage"), "no usage token counts"),
    "error with 200": ({"error": {"message": "filtered"}}, "error: {'message': 'filtered'}"),
    "not JSON": (b"<html>upstream hiccup</html>", "not JSON"),
}


@pytest.fixture
def no_backoff(monkeypatch) -> None:
    monkeypatch.setattr(OpenAICompatibleBackend, "malformed_backoff_s", 0.0)


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_200_is_retried_then_an_infra_error(fake_api, no_backoff, case) -> None:
    body, problem = MALFORMED[case]
    backend, api = fake_api(fail_first=0, bodies=[body], repeat_last=True)
    with pytest.raises(InfraError) as info:
        backend.generate(HI, GREEDY)
    assert len(api.requests) == 3  # one try + max_retries, as for HTTP errors
    message = str(info.value)
    assert problem in message, message
    assert "'fake/model'" in message and "http://127.0.0.1:" in message
    assert "after 3 tries" in message and "HTTP 200" in message
    assert KEY not in message and info.value.__cause__ is None


def test_valid_answer_after_a_malformed_one_counts(fake_api, no_backoff) -> None:
    backend, api = fake_api(fail_first=0, bodies=[MALFORMED["null message"][0]])
    [result] = backend.generate(HI, GREEDY)
    assert api.requests == ["hi", "hi"]
    assert (result.text, result.prompt_tokens, result.completion_tokens) == ("echo: hi", 11, 3)


def test_http_errors_and_malformed_bodies_both_retried(fake_api, no_backoff) -> None:
    backend, api = fake_api(fail_first=1, bodies=[b"not json", MALFORMED["no usage"][0]])
    [result] = backend.generate(HI, GREEDY)
    assert len(api.requests) == 4 and result.text == "echo: hi"


@pytest.mark.parametrize("content", ["", None, "partial"])
def test_content_filter_is_the_deployments_answer(fake_api, content, caplog) -> None:
    """A well-formed answer the provider's filter cut: played and scored, not resent."""
    body = completion("fake/model", "hi")
    body["choices"][0]["message"]["content"] = content
    body["choices"][0]["finish_reason"] = "content_filter"
    backend, api = fake_api(fail_first=0, bodies=[body])
    [result] = backend.generate(HI, GREEDY)
    assert api.requests == ["hi"]
    assert (result.text, result.stop_reason) == (content or "", "end_of_turn")
    assert result.extra == {"finish_reason": "content_filter"}
    assert "content filter" in caplog.text


def test_openai_refusal_is_the_models_answer(fake_api) -> None:
    body = completion("fake/model", "hi")
    body["choices"][0]["message"] = {"role": "assistant", "content": None, "refusal": "No."}
    backend, api = fake_api(fail_first=0, bodies=[body])
    [result] = backend.generate(HI, GREEDY)
    assert api.requests == ["hi"] and result.text == "No."
