"""A local OpenAI-compatible llama.cpp server (`python -m llama_cpp.server`) owned by one backend.

It listens on 127.0.0.1 on a free port, logs to a temporary file (never the console), is ready
once `/v1/models` answers, and is stopped (terminate, then kill) by `stop()`; an interpreter exit
without `stop()` still stops it, so a crashed play job leaves no server behind.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from functools import lru_cache
from pathlib import Path
from typing import Any

from clemgrid.backends.base import InfraError

LOG_TAIL_CHARS = 4000


@lru_cache(maxsize=2)
def _gguf_reader(model_path: Path) -> Any:
    """One parse per file and process: a GGUFReader reads the whole vocabulary (about 2 s for
    the embedded model), and a launch asks for the template and the EOS token."""
    import gguf

    return gguf.GGUFReader(model_path)


def stored_chat_template(model_path: Path) -> str | None:
    """The chat template in a GGUF's metadata; without one the server would silently fall back
    to a generic chat format instead of failing."""
    field = _gguf_reader(model_path).get_field("tokenizer.chat_template")
    return field.contents() if field is not None else None


def stored_eos_token(model_path: Path) -> str | None:
    """The text of a GGUF's EOS token, where its metadata names one."""
    reader = _gguf_reader(model_path)
    eos, tokens = (reader.get_field(f"tokenizer.ggml.{k}") for k in ("eos_token_id", "tokens"))
    if eos is None or tokens is None:
        return None
    return tokens.contents(int(eos.contents()))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flag_value(value: Any) -> str:
    """The server's CLI parses booleans from true/false and lists/dicts from JSON."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def log_tail(log_path: Path) -> str:
    """The end of a launched server's log, for the error that explains why it failed."""
    try:
        return log_path.read_text(errors="replace")[-LOG_TAIL_CHARS:]
    except OSError:
        return "(no log)"


def wait_ready(
    process: subprocess.Popen,
    base_url: str,
    log_path: Path,
    server: str,
    timeout_s: float,
    poll_s: float = 0.2,
    retry_on: tuple[type[Exception], ...] = (),
) -> str:
    """Poll `<base_url>/models` of a launched `server` until it answers, and return the name of
    the model it serves; an InfraError with the log's tail once `process` has exited or
    `timeout_s` has passed. Besides the connection errors, `retry_on` also means not ready."""
    not_ready: tuple[type[Exception], ...] = (
        urllib.error.URLError,
        ConnectionError,
        TimeoutError,
        *retry_on,
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise InfraError(
                f"{server} server exited with code {process.returncode} while starting "
                f"(log {log_path}):\n{log_tail(log_path)}"
            )
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                return json.load(response)["data"][0]["id"]
        except not_ready:
            time.sleep(poll_s)
    raise InfraError(
        f"{server} server did not answer within {timeout_s:g} s "
        f"(log {log_path}):\n{log_tail(log_path)}"
    )


class LlamaCppServer:
    """The server's prompt cache cannot be reset per request (unlike the in-process backend), and
    it renders prompts itself with the GGUF's chat template."""

    def __init__(
        self, model_path: Path, alias: str, options: dict[str, Any], startup_timeout_s: float
    ) -> None:
        """`options` become `--<name> <value>` flags (n_ctx, n_threads, n_batch, n_gpu_layers, ...);
        a `seed` default of 0 keeps requests without a seed reproducible."""
        options = {"seed": 0, **options}
        port = _free_port()
        self.base_url = f"http://127.0.0.1:{port}/v1"
        fd, log = tempfile.mkstemp(prefix="clemgrid-llama-server-", suffix=".log")
        self.log_path = Path(log)
        command = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(model_path),
            "--model_alias", alias,
            "--host", "127.0.0.1",
            "--port", str(port),
            "--verbose", "false",
        ]  # fmt: skip
        for name, value in options.items():
            command += [f"--{name}", _flag_value(value)]
        with os.fdopen(fd, "wb") as log_file:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT
            )
        atexit.register(self.stop)
        try:
            self.model = self._wait_ready(startup_timeout_s)
        except BaseException:
            self.stop(keep_log=True)
            raise

    def _wait_ready(self, timeout_s: float) -> str:
        """Poll `/v1/models` until it answers; returns the model name the server serves."""
        return wait_ready(self.process, self.base_url, self.log_path, "llama.cpp", timeout_s)

    def stop(self, keep_log: bool = False) -> None:
        """Terminate, then kill after 10 s; the log is removed unless it explains a failure."""
        atexit.unregister(self.stop)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not keep_log:
            self.log_path.unlink(missing_ok=True)
