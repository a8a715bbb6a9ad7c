"""A vLLM OpenAI-compatible server (`vllm serve`) launched by one play job, from vLLM's own
environment: vLLM pins its own torch and transformers, so it never shares the project's venv.

The command line is built from the registry and the job's SLURM resources alone (`command`, so
tests and docs show exactly what runs): the model (a hub repo or a local path), the job's GPUs as
tensor parallelism, a seed, the maximum model length, and `--generation-config vllm`, which
ignores the weights' generation_config.json sampling defaults (else a repo's temperature or
top_p would silently apply to requests that leave them out, unlike the transformers route).

The server runs in its own process group, so stopping it also stops its tensor-parallel
workers; it is stopped by `stop()`, at interpreter exit, when the job gets SIGTERM (SLURM's time
limit, scancel: the handler turns it into SystemExit so the exit path runs), and by the kernel
when the play process dies without cleanup (PR_SET_PDEATHSIG). Its output goes to a log beside
the job's log (`<play log>.vllm.log`), kept in every case.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import os
import shlex
import signal
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clemgrid.backends.base import InfraError
from clemgrid.backends.server import LOG_TAIL_CHARS, _flag_value, _free_port, wait_ready
from clemgrid.backends.weights import HubModel, weight_location
from clemgrid.entries import PlayConfig

log = logging.getLogger("clemgrid")

DEFAULT_EXECUTABLE = ".venv-vllm/bin/vllm"  # conda env create -p .venv-vllm -f envs/vllm.yaml
EXECUTABLE_ENV = "CLEMGRID_VLLM"  # the `vllm` CLI of vLLM's environment, where not the default
DEFAULT_MAX_MODEL_LEN = 8192
# Reproducibility: batch-invariant kernels (vLLM >= 0.11; on A100s Triton matmuls replace
# cuBLAS), so an answer does not depend on what else is in the batch. A value already set in the
# environment wins; the values used are in the provenance.
REPRODUCIBLE_ENV = {"VLLM_BATCH_INVARIANT": "1"}
PR_SET_PDEATHSIG = 1


def executable(launch: Mapping[str, Any]) -> str:
    """The entry's `executable` ($VARS and ~ expanded), else $CLEMGRID_VLLM, else the default
    venv; relative paths are from the working directory (the repository root in jobs)."""
    value = launch.get("executable") or os.environ.get(EXECUTABLE_ENV) or DEFAULT_EXECUTABLE
    return os.path.expanduser(os.path.expandvars(str(value)))


@dataclass(frozen=True)
class VllmLaunch:
    """Everything the command line is made of."""

    executable: str
    model: Path | HubModel
    served_name: str
    tensor_parallel: int
    seed: int
    max_model_len: int
    options: Mapping[str, Any]

    def command(self, port: int) -> list[str]:
        """`vllm serve` on 127.0.0.1:port; entry options become `--kebab-case value` flags
        (`true` alone for a switch) after the fixed ones, so they may add but not change them."""
        model = self.model
        command = [
            self.executable,
            "serve",
            str(model.repo if isinstance(model, HubModel) else model),
        ]
        if isinstance(model, HubModel) and model.revision:
            command += ["--revision", model.revision]
        command += [
            "--served-model-name", self.served_name,
            "--host", "127.0.0.1",
            "--port", str(port),
            "--tensor-parallel-size", str(self.tensor_parallel),
            "--seed", str(self.seed),
            "--max-model-len", str(self.max_model_len),
            "--generation-config", "vllm",
        ]  # fmt: skip
        for name, value in self.options.items():
            flag = "--" + name.replace("_", "-")
            if value is True:
                command.append(flag)
            elif value is not False and value is not None:
                command += [flag, _flag_value(value)]
        return command

    def settings(self) -> dict[str, Any]:
        """The reproducibility settings for the provenance (no paths, no port)."""
        return {
            "tensor_parallel_size": self.tensor_parallel,
            "seed": self.seed,
            "max_model_len": self.max_model_len,
            "generation_config": "vllm",
            "options": dict(self.options),
        }


FIXED_OPTIONS = {
    "model", "revision", "served_model_name", "host", "port", "tensor_parallel_size", "seed",
    "max_model_len", "generation_config", "chat_template",
}  # fmt: skip


def job_log_path(kind: str) -> Path:
    """Beside the play job's log (the file handler of the `clemgrid` logger), else a temp file."""
    for handler in log.handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename + f".{kind}.log")
    fd, path = tempfile.mkstemp(prefix=f"clemgrid-{kind}-", suffix=".log")
    os.close(fd)
    return Path(path)


def _die_with_parent() -> None:
    """In the child before exec: a new session (its own process group) and SIGKILL when the
    play process dies, even by SIGKILL (Linux; elsewhere the group is still stopped on exit).
    The kernel sends it when the starting *thread* ends: start the server from the thread that
    lives as long as it (the play job's main thread)."""
    os.setsid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _exit_on_sigterm() -> None:
    """SIGTERM (SLURM's time limit or scancel) ends Python without atexit handlers; raising
    SystemExit instead runs them and every `finally`, so the server is stopped. Only where no
    one else handles SIGTERM, and only from the main thread (signals can be set only there)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:

        def handler(signum: int, frame: object) -> None:
            raise SystemExit(128 + signum)

        signal.signal(signal.SIGTERM, handler)


class VllmServer:
    """A running `vllm serve`; `model` is the name it serves, `version` vLLM's version."""

    def __init__(self, launch: VllmLaunch, startup_timeout_s: float) -> None:
        self.launch = launch
        self.version = self._version(launch.executable)
        port = _free_port()
        self.base_url = f"http://127.0.0.1:{port}/v1"
        self.log_path = job_log_path("vllm")
        self.command = launch.command(port)
        log.info(
            "starting vLLM %s: %s (log %s)", self.version, shlex.join(self.command), self.log_path
        )
        env = {**REPRODUCIBLE_ENV, **os.environ}
        self.env = {k: env[k] for k in sorted(env) if k.startswith("VLLM_")}
        _exit_on_sigterm()
        with open(self.log_path, "wb") as log_file:  # each attempt's, as the job log
            self.process = subprocess.Popen(
                self.command,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=env,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads of ours run yet
            )
        atexit.register(self.stop)
        try:
            self.model = self._wait_ready(startup_timeout_s)
        except BaseException:
            self.stop()
            raise

    @staticmethod
    def _version(executable: str) -> str:
        """`vllm --version` (its last line: imports may log before it)."""
        try:
            done = subprocess.run(
                [executable, "--version"], capture_output=True, text=True, timeout=300
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InfraError(
                f"cannot run vLLM's executable {executable!r} ({exc}); build its environment "
                f"with `conda env create -p .venv-vllm -f envs/vllm.yaml` or set {EXECUTABLE_ENV} (docs/cluster.md)"
            ) from None
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise InfraError(
                f"{executable} --version failed with code {done.returncode}:\n"
                f"{(done.stdout + done.stderr)[-LOG_TAIL_CHARS:]}"
            )
        return lines[-1].strip()

    def provenance(self) -> dict[str, Any]:
        return {
            "server": "vllm",
            "version": self.version,
            **self.launch.settings(),
            "env": self.env,
        }

    def _wait_ready(self, timeout_s: float) -> str:
        """Poll `/v1/models` until it answers (loading a 70B model takes minutes)."""
        return wait_ready(
            self.process,
            self.base_url,
            self.log_path,
            "vLLM",
            timeout_s,
            poll_s=0.5,
            retry_on=(ValueError, KeyError),
        )

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL after 30 s (vLLM frees GPU memory on
        SIGTERM; a worker that hangs must not keep the GPUs of the next job)."""
        atexit.unregister(self.stop)
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            self.process.wait()
        try:  # workers that outlived the server
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def job_gpus() -> int:
    """The GPUs of the job: CUDA_VISIBLE_DEVICES (SLURM sets it for `--gpus`), else
    SLURM_GPUS_ON_NODE, else 1. The SLURM request was sized by the resource model
    (clemgrid.resources, a power of two for vLLM), so this is its tensor parallelism."""
    devices = os.environ.get("CUDA_VISIBLE_DEVICES")
    if devices is not None:
        return max(1, len([d for d in devices.split(",") if d.strip()]))
    return max(1, int(os.environ.get("SLURM_GPUS_ON_NODE") or 1))


def vllm_launch(cfg: PlayConfig, launch: Mapping[str, Any], gpus: int) -> VllmLaunch:
    """The launch of one play config on `gpus` GPUs (tensor parallelism, unless the launch
    options fix `tensor_parallel_size`); `max_model_len` from the model's `chat.context_size`,
    else the launch options, else 8192 (a model's own maximum can be 128k tokens, whose KV cache
    would take the memory vLLM batches with)."""
    options = dict(launch.get("options") or {})
    if template := cfg.chat.get("template"):
        options["chat_template"] = template  # the registry's, as the in-process backends apply it
    fixed = sorted(
        FIXED_OPTIONS.intersection(launch.get("options") or {})
        - {"tensor_parallel_size", "seed", "max_model_len"}
    )
    if fixed:
        raise ValueError(
            f"backend {cfg.backend!r}: launch option(s) {fixed} are set by clemgrid "
            "(the model from the weights, the host and port per job)"
        )
    tensor_parallel = int(options.pop("tensor_parallel_size", gpus))
    seed = int(options.pop("seed", 0))
    max_model_len = int(options.pop("max_model_len", DEFAULT_MAX_MODEL_LEN))
    max_model_len = int(cfg.chat.get("context_size") or max_model_len)
    return VllmLaunch(
        executable=executable(launch),
        model=weight_location(cfg),
        served_name=cfg.model,
        tensor_parallel=tensor_parallel,
        seed=seed,
        max_model_len=max_model_len,
        options=options,
    )


def start(cfg: PlayConfig, launch: Mapping[str, Any], startup_timeout_s: float) -> VllmServer:
    """The server of a play config on the job's GPUs."""
    return VllmServer(vllm_launch(cfg, launch, job_gpus()), startup_timeout_s)
