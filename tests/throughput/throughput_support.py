"""Helpers of the throughput tests (imported by name: keep this file name unique).

`FakeChatServer` is a tiny OpenAI-compatible chat server on 127.0.0.1 built on the standard
library: it answers deterministically from the messages (a synthetic taboo player, the same one
the scripted backend runs) and counts the requests it answered per message hash.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from clemgrid.backends.scripted import synthetic_policy
from clemgrid.games.registry import GAMES
from clemgrid.registry import Grid, canonical_json, load_grid

SKILL = {"format_error_rate": 0.1, "good_move_rate": 0.3, "seed": 5}


def message_hash(messages: list[dict[str, str]]) -> str:
    return hashlib.sha256(canonical_json(messages).encode()).hexdigest()


def synthetic_answer(messages: list[dict[str, str]], game: str = "taboo") -> str:
    return GAMES[game].scripted_player(synthetic_policy(SKILL, messages), messages)


class FakeChatServer:
    """POST /v1/chat/completions; every answer takes `delay_s`. `answered` counts the answers
    written per message hash, `messages` keeps each hash's messages."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.answered: Counter[str] = Counter()
        self.messages: dict[str, list[dict[str, str]]] = {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                messages = body["messages"]
                text = synthetic_answer(messages)
                time.sleep(server.delay_s)
                reply = json.dumps(
                    {
                        "id": "fake",
                        "object": "chat.completion",
                        "created": 0,
                        "model": body["model"],
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": text},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {
                            "prompt_tokens": len(canonical_json(messages).split()),
                            "completion_tokens": len(text.split()),
                            "total_tokens": 0,
                        },
                    }
                ).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                    self.wfile.flush()
                except OSError:  # the client was killed while we answered
                    return
                key = message_hash(messages)
                with server.lock:
                    server.answered[key] += 1
                    server.messages[key] = messages

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return Counter(self.answered)

    def reset(self) -> None:
        with self.lock:
            self.answered.clear()

    def __enter__(self) -> FakeChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def write_grid(
    directory: Path, models: dict[str, Any], backends: dict[str, Any], **config: Any
) -> Grid:
    """Registries written to `directory`, and the validated grid of every (model, backend)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "models.yaml").write_text(yaml.safe_dump(models))
    (directory / "backends.yaml").write_text(yaml.safe_dump(backends))
    grid = [
        {"model": m, "backend": b, "quant": next(iter(models[m]["weights"]))}
        for m in models
        for b in backends
    ]
    return load_grid(
        {
            "models": str(directory / "models.yaml"),
            "backends": str(directory / "backends.yaml"),
            "games": ["taboo"],
            "grid": grid,
            **config,
        }
    )


def cache_keys(path: Path) -> set[str]:
    """Keys of the complete lines of a response cache file (a torn last line is skipped)."""
    keys = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                keys.add(json.loads(line)["key"])
            except (json.JSONDecodeError, KeyError):
                continue
    return keys
