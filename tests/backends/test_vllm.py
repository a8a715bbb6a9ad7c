"""A vLLM server launched per play job, up to the GPU: the command line built from the registry and
the job's resources, and the process around it (readiness, log, provenance, shutdown on success,
error and kill) with a stand-in `vllm` (fake_vllm.py) that serves the embedded GGUF through
llama_cpp.server."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from clemgrid.backends.base import GenerationParams, InfraError
from clemgrid.backends.openai_compatible import OpenAICompatibleBackend
from clemgrid.backends.vllm_server import DEFAULT_EXECUTABLE, EXECUTABLE_ENV, vllm_launch
from clemgrid.entries import PlayConfig
from clemgrid.resources import PlayResources
from clemgrid.workflow_io import job_log

ROOT = Path(__file__).resolve().parents[2]
FAKE = Path(__file__).with_name("fake_vllm.py")
GREEDY = GenerationParams(temperature=0.0, max_tokens=24, seed=0)
PAPER_VLLM = yaml.safe_load((ROOT / "config/paper/backends.yaml").read_text())["vllm"]
LLAMA_70B = yaml.safe_load((ROOT / "config/paper/models.yaml").read_text())[
    "Meta-Llama-3-70B-Instruct"
]


@pytest.fixture(scope="module")
def fake_vllm(tmp_path_factory) -> str:
    """An executable `vllm` that runs the stand-in with this interpreter (it needs llama_cpp)."""
    exe = tmp_path_factory.mktemp("vllm-env") / "vllm"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" "$@"\n')
    exe.chmod(0o755)
    return str(exe)


def vllm_config(make_config, executable: str, **launch: object) -> PlayConfig:
    entry = {
        "kind": "openai_compatible",
        "launch": {"server": "vllm", "executable": executable, "startup_timeout_s": 120, **launch},
        "timeout_s": 60,
    }
    return make_config("vllm", backend_entry=entry)


def paper_70b(gpus_env: int | None = None) -> tuple[PlayConfig, int]:
    cfg = PlayConfig("Meta-Llama-3-70B-Instruct", "vllm", "none", LLAMA_70B, PAPER_VLLM)
    return cfg, PlayResources(PAPER_VLLM, 70, "none").gpus


def test_70b_command_lines_from_registry_and_resources(monkeypatch) -> None:
    monkeypatch.delenv(EXECUTABLE_ENV, raising=False)
    cfg, gpus = paper_70b()
    assert gpus == 2  # bf16, 140 GB: two A100s of 80 GB
    fixed = [
        "--served-model-name", "Meta-Llama-3-70B-Instruct",
        "--host", "127.0.0.1",
        "--port", "8000",
    ]  # fmt: skip
    for n in (2, 4):
        command = vllm_launch(cfg, cfg.backend_entry["launch"], n).command(8000)
        print(" ".join(command))
        assert command == [
            DEFAULT_EXECUTABLE, "serve", "meta-llama/Meta-Llama-3-70B-Instruct",
            *fixed,
            "--tensor-parallel-size", str(n),
            "--seed", "0",
            "--max-model-len", "8192",
            "--generation-config", "vllm",
            "--dtype", "bfloat16",
            "--gpu-memory-utilization", "0.9",
        ]  # fmt: skip


def test_vllm_jobs_request_a_power_of_two_of_gpus() -> None:
    assert PlayResources(PAPER_VLLM, 0.5, "none").gpus == 1
    assert PlayResources(PAPER_VLLM, 70, "none").gpus == 2
    assert PlayResources(PAPER_VLLM, 104, "none").gpus == 4  # 233 GB: three A100s, TP 4
    assert PlayResources(PAPER_VLLM, 104, "none").cpus == 32
    fixed = {
        **PAPER_VLLM,
        "launch": {**PAPER_VLLM["launch"], "options": {"tensor_parallel_size": 8}},
    }
    assert PlayResources(fixed, 70, "none").gpus == 8


def test_executable_from_entry_environment_or_default(monkeypatch, make_config) -> None:
    cfg = vllm_config(make_config, "$VLLM_HOME/bin/vllm")
    monkeypatch.setenv("VLLM_HOME", "/opt/vllm")
    assert vllm_launch(cfg, cfg.backend_entry["launch"], 1).executable == "/opt/vllm/bin/vllm"
    monkeypatch.setenv(EXECUTABLE_ENV, "/envs/vllm/bin/vllm")
    assert vllm_launch(cfg, {"server": "vllm"}, 1).executable == "/envs/vllm/bin/vllm"


def test_launch_refuses_options_clemgrid_sets(make_config) -> None:
    cfg = vllm_config(make_config, "vllm", options={"port": 1, "dtype": "auto"})
    with pytest.raises(ValueError, match=r"\['port'\] are set by clemgrid"):
        vllm_launch(cfg, cfg.backend_entry["launch"], 1)


def test_registry_chat_template_is_the_servers(make_config) -> None:
    """vLLM renders with the registry's template where there is one, as transformers does."""
    cfg = vllm_config(make_config, "vllm")
    chat = {**cfg.chat, "template": "{% for m in messages %}{{ m.content }}\n{% endfor %}"}
    cfg = PlayConfig(
        cfg.model, cfg.backend, cfg.quant, {**cfg.model_entry, "chat": chat}, cfg.backend_entry
    )
    command = vllm_launch(cfg, cfg.backend_entry["launch"], 1).command(1)
    assert command[command.index("--chat-template") + 1] == chat["template"]


def test_missing_vllm_environment_is_an_infra_error(make_config) -> None:
    with pytest.raises(InfraError, match="envs/vllm.yaml"):
        OpenAICompatibleBackend(vllm_config(make_config, "/nonexistent/bin/vllm"))


def _logged(log: Path, prefix: str) -> object:
    line = next(x for x in log.read_text().splitlines() if x.startswith(prefix))
    return json.loads(line[len(prefix) :])


@pytest.mark.slow
def test_served_through_the_stand_in(make_config, fake_vllm, chats, tmp_path, monkeypatch) -> None:
    """Ready once /v1/models answers, requests answered, log beside the job's log, provenance,
    the job's GPUs as tensor parallelism, and stopped (with its log kept) on success."""
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    for name in [k for k in os.environ if k.startswith("VLLM_")]:
        monkeypatch.delenv(name)
    with job_log(tmp_path / "play.log"):
        backend = OpenAICompatibleBackend(
            vllm_config(make_config, fake_vllm, options={"dtype": "auto"})
        )
        with backend:
            results = backend.generate(chats, GREEDY)
            process = backend.server.process
            assert backend.model == "SmolLM2-135M-Instruct" and backend.concurrency == 64
            assert process.poll() is None
        assert process.poll() is not None
    assert all(r.text.strip() for r in results)
    server_log = tmp_path / "play.log.vllm.log"
    argv = _logged(server_log, "fake vllm argv: ")
    assert argv[:2] == ["serve", str(backend.server.launch.model)]
    assert argv[argv.index("--tensor-parallel-size") + 1] == "2"
    assert argv[argv.index("--generation-config") + 1] == "vllm"
    assert argv[-2:] == ["--dtype", "auto"]
    assert _logged(server_log, "fake vllm env: ") == {"VLLM_BATCH_INVARIANT": "1"}
    provenance = backend.provenance()
    assert provenance["version"] == "0.0.0+clemgrid-stand-in"
    assert provenance["tensor_parallel_size"] == 2 and provenance["seed"] == 0
    assert provenance["env"] == {"VLLM_BATCH_INVARIANT": "1"}
    assert "starting vLLM 0.0.0+clemgrid-stand-in" in (tmp_path / "play.log").read_text()


@pytest.mark.slow
def test_stopped_when_the_job_fails(make_config, fake_vllm, tmp_path) -> None:
    with job_log(tmp_path / "play.log"), pytest.raises(RuntimeError, match="game bug"):
        with OpenAICompatibleBackend(vllm_config(make_config, fake_vllm)) as backend:
            process = backend.server.process
            raise RuntimeError("game bug")
    assert process.poll() is not None


def test_server_that_fails_to_load_is_an_infra_error(make_config, fake_vllm, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_VLLM_FAIL", "1")
    with pytest.raises(InfraError, match="exited with code 1") as info:
        OpenAICompatibleBackend(vllm_config(make_config, fake_vllm))
    assert "the model could not be loaded" in str(info.value)


JOB = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from conftest import play_config
    from clemgrid.backends.openai_compatible import OpenAICompatibleBackend
    entry = {{"kind": "openai_compatible", "timeout_s": 60,
             "launch": {{"server": "vllm", "executable": {exe!r}, "startup_timeout_s": 120}}}}
    backend = OpenAICompatibleBackend(play_config("vllm", backend_entry=entry))
    print(backend.server.process.pid, flush=True)
    time.sleep(600)
    """
)


def _gone(pid: int, within_s: float = 20) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            # a zombie counts as gone: it no longer runs (its parent, init, reaps it)
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
                return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_stopped_when_the_job_is_killed(fake_vllm, signum) -> None:
    """SIGTERM (SLURM's time limit, scancel) runs the exit path; SIGKILL leaves the kernel's
    parent-death signal: either way no server outlives its job."""
    job = subprocess.Popen(
        [sys.executable, "-c", JOB.format(tests=str(Path(__file__).parent), exe=fake_vllm)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        server_pid = int(job.stdout.readline())
        assert not _gone(server_pid, within_s=0.5)
        job.send_signal(signum)
        job.wait(timeout=60)
        assert _gone(server_pid)
    finally:
        job.kill()
        job.wait()


@pytest.mark.slow
def test_play_job_records_the_vllm_version(make_config, fake_vllm, tmp_path) -> None:
    """A play job (pipeline.run_play) on the launched server: its outputs' metadata carry the
    vLLM version and settings (not among this environment's packages), the server log lies
    beside the job log, and the server is gone afterwards."""
    from clemgrid.games.registry import GAMES
    from clemgrid.pipeline import run_play, write_instances
    from clemgrid.records import read_metadata

    write_instances("taboo", 0, tmp_path / "instances.parquet")
    cfg = vllm_config(make_config, fake_vllm)
    identity = {
        **cfg.identity(),
        "game": {"name": "taboo", "version": GAMES["taboo"].version},
        "instances": {"per_experiment": 1},
        "generation": {"temperature": 0.0, "max_tokens": 24, "seed": 0},
        "batch_size": 4,
    }
    with job_log(tmp_path / "play.log"):
        run_play(
            identity,
            tmp_path / "instances.parquet",
            tmp_path / "transcripts.parquet",
            tmp_path / "timing.parquet",
            None,
        )
    serving = json.loads(read_metadata(tmp_path / "transcripts.parquet")["clemgrid.serving"])
    assert serving["server"] == "vllm" and serving["version"] == "0.0.0+clemgrid-stand-in"
    assert serving["generation_config"] == "vllm" and "tensor_parallel_size" in serving
    pid = int(re.search(r"fake vllm pid: (\d+)", (tmp_path / "play.log.vllm.log").read_text())[1])
    assert _gone(pid, within_s=1)
