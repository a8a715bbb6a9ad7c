"""`snakemake --profile slurm` on a real single-node SLURM (slurmctld, slurmd, slurmdbd, munge;
scripts/slurm/cluster.sh): the embedded grid on the scripted and llama.cpp backends runs as
SLURM jobs, a play job cancelled with scancel is retried and resumes from its response cache,
the outputs equal a local run's, and a registry edit resubmits only that model's jobs.

Needs root (the fixture installs and starts SLURM); CI runs it. About three minutes."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from slurm_support import (
    ACCOUNT,
    PARTITION,
    ROOT,
    edit_yaml,
    run_snakemake,
    sacct_jobs,
    slurm_env,
    slurm_run_id,
    snakemake_cmd,
    write_grid,
)

pytestmark = pytest.mark.slow

LLAMA = ("SmolLM2-135M-Instruct", "llama_cpp", "Q4_1")
PERFECT = ("scripted-perfect", "scripted", "none")
NEVER_RIGHT = ("scripted-never-right", "scripted", "none")
GRID = {
    "games": ["taboo"],
    "grid": [
        dict(zip(("model", "backend", "quant"), c, strict=True))
        for c in (PERFECT, NEVER_RIGHT, LLAMA)
    ],
    "instances": {"per_experiment": 1},
    "generation": {"temperature": 0.0, "max_tokens": 50, "seed": 0},
    "batch_size": 1,  # one request per batch: the cache grows request by request
    "cache": True,
}
# play -> score -> aggregate; the other analyses of the default target are not the subject here
TARGETS = [
    "results/scores/matrix.parquet",
    "results/scores/clemscore.parquet",
    "results/scores/clemscore.md",
]
FAST_STATUS = ["--slurm-init-seconds-before-status-checks", "2"]


def is_play_group(comment: str, config: tuple[str, str, str]) -> bool:
    """Whether a SLURM job comment (set by the plugin) is that of a config's play group."""
    return comment.startswith("rule_play_" + "_".join(config) + "_")


def cancel_when_cached(workdir: Path, proc: subprocess.Popen, timeout: float = 400):
    """Wait until the llama.cpp play job runs on SLURM and has cached a response, then scancel
    it. Returns (SLURM job id, cached responses at that moment)."""
    cache_dir = workdir / "results" / "cache" / Path(*LLAMA) / "taboo"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "snakemake ended before the play job could be cancelled"
        queue = subprocess.run(
            ["squeue", "-h", "-t", "RUNNING", "-o", "%A|%k"], capture_output=True, text=True
        ).stdout
        running = [
            line.split("|")[0]
            for line in queue.splitlines()
            if is_play_group(line.split("|")[1], LLAMA)
        ]
        cached = sum(len(p.read_text().splitlines()) for p in cache_dir.glob("*.jsonl"))
        if running and cached:
            subprocess.run(["scancel", running[0]], check=True)
            return running[0], cached
        time.sleep(0.25)
    raise AssertionError("the llama.cpp play job never ran with a cached response")


@pytest.fixture(scope="module")
def runs(slurm_cluster, tmp_path_factory):
    models, backends = ROOT / "config" / "models.yaml", ROOT / "config" / "backends.yaml"
    local = tmp_path_factory.mktemp("local")
    slurm = tmp_path_factory.mktemp("slurm")
    for workdir in (local, slurm):
        write_grid(workdir, GRID, models, backends)

    # The reference, a local run with the workstation profile (profiles/default), runs at
    # the same time as the SLURM run (same code, less wall time).
    started = time.monotonic()
    reference = subprocess.Popen(
        snakemake_cmd(
            *TARGETS, "--configfile", "config/config.yaml", "--cores", "2", profile=False
        ),
        cwd=local,
        env=slurm_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log_path = slurm / "snakemake.out"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            snakemake_cmd(*TARGETS, "--configfile", "config/config.yaml", *FAST_STATUS),
            cwd=slurm,
            env=slurm_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            cancelled, cached = cancel_when_cached(slurm, proc)
            returncode = proc.wait(timeout=600)
        finally:
            if proc.poll() is None:  # stuck: stop it and its jobs, then fail below
                proc.kill()
                proc.wait()
                match = re.search(r"SLURM run ID: (\S+)", log_path.read_text())
                if match:
                    subprocess.run(["scancel", "--name", match.group(1)], check=False)
    reference_output = reference.communicate(timeout=600)[0]
    assert reference.returncode == 0, reference_output[-20000:]
    output = log_path.read_text()
    assert returncode == 0, output[-20000:]
    return {
        "local": local,
        "slurm": slurm,
        "output": output,
        "run_id": slurm_run_id(output),
        "cancelled": cancelled,
        "cached": cached,
        "seconds": time.monotonic() - started,
    }


def test_play_jobs_ran_as_slurm_jobs(runs):
    jobs = sacct_jobs(runs["run_id"])
    for job in jobs:
        assert (job["Account"], job["Partition"]) == (ACCOUNT, PARTITION), job
    for config in (PERFECT, NEVER_RIGHT, LLAMA):
        states = [j["State"] for j in jobs if is_play_group(j["Comment"], config)]
        assert states and states[-1] == "COMPLETED", (config, states)
    # instances and aggregate are local rules: they never reach SLURM
    assert not any(re.match(r"rule_(instances|aggregate)", j["Comment"]) for j in jobs), jobs


def test_cancelled_play_job_is_retried_with_more_time(runs):
    attempts = [j for j in sacct_jobs(runs["run_id"]) if is_play_group(j["Comment"], LLAMA)]
    assert [j["State"].split()[0] for j in attempts] == ["CANCELLED", "COMPLETED"], attempts
    assert attempts[0]["JobIDRaw"] == runs["cancelled"]
    # attempt 2 gets twice the wall time and 1.5 times the memory of attempt 1
    minutes = [_minutes(j["Timelimit"]) for j in attempts]
    assert minutes[1] == 2 * minutes[0], attempts
    memory = [_megabytes(j["ReqMem"]) for j in attempts]
    assert abs(memory[1] - 1.5 * memory[0]) <= 1, attempts
    assert "Trying to restart job" in runs["output"]


def test_retry_resumed_from_the_response_cache(runs):
    slurm = runs["slurm"]
    timing = pd.read_parquet(slurm / "results" / "timing" / Path(*LLAMA) / "taboo.parquet")
    hits = int(timing["cache_hit"].sum())
    assert hits >= runs["cached"] >= 1  # answered from the cache, not sent again
    log = (slurm / "logs" / "play" / Path(*LLAMA) / "taboo.log").read_text()
    sent = int(re.search(r"'requests_sent': (\d+)", log).group(1))
    assert sent == len(timing) - hits


def test_outputs_equal_a_local_run(runs):
    local, slurm = runs["local"], runs["slurm"]
    compared = 0
    for part in ("transcripts", "scores"):
        for path in sorted((local / "results" / part).rglob("*.parquet")):
            twin = slurm / path.relative_to(local)
            assert twin.read_bytes() == path.read_bytes(), _difference(path, twin)
            compared += 1
    assert compared == 3 + 3 + 2  # transcripts, scores per config; matrix and clemscore
    assert (slurm / TARGETS[2]).read_text() == (local / TARGETS[2]).read_text()


def test_registry_edit_resubmits_only_that_model(runs):
    slurm = runs["slurm"]
    edit_yaml(
        slurm / "config" / "models.yaml",
        lambda m: m["scripted-never-right"].update(chat={"end_of_turn": ["<eot>"]}),
    )
    dry = run_snakemake(slurm, *TARGETS, "--configfile", "config/config.yaml", "--dry-run")
    planned = re.findall(r"^\s*(?:local)?rule (\w+):", dry.stdout, flags=re.M)
    wildcards = re.findall(r"^\s*wildcards: (.*)$", dry.stdout, flags=re.M)
    assert sorted(planned) == ["aggregate", "play", "score"], dry.stdout[-3000:]
    assert all("model=scripted-never-right" in w for w in wildcards), wildcards

    run = run_snakemake(slurm, *TARGETS, "--configfile", "config/config.yaml", *FAST_STATUS)
    jobs = sacct_jobs(slurm_run_id(run.stdout + run.stderr))
    # the play group of that model (and its scoring, unless score is a local rule)
    assert any(is_play_group(j["Comment"], NEVER_RIGHT) for j in jobs), jobs
    assert all("_scripted-never-right_" in j["Comment"] for j in jobs), jobs
    assert all(j["State"] == "COMPLETED" for j in jobs), jobs


def test_failing_model_does_not_stop_the_others(runs):
    """--keep-going: a model whose play job fails leaves the others running, and the run
    ends naming it with its log (report_failed_plays in an `onerror:` handler)."""
    slurm = runs["slurm"]
    edit_yaml(
        slurm / "config" / "models.yaml",
        lambda m: m.update(
            {
                "broken-model": {
                    "facts": {"synthetic": True},
                    "weights": {"Q4_1": {"path": "/nonexistent/broken-model.gguf"}},
                }
            }
        ),
    )
    broken = ("broken-model", "llama_cpp", "Q4_1")
    edit_yaml(
        slurm / "config" / "config.yaml",
        lambda c: c["grid"].append(dict(zip(("model", "backend", "quant"), broken, strict=True))),
    )
    edit_yaml(  # a second change, to a model that must still be played
        slurm / "config" / "models.yaml",
        lambda m: m["scripted-perfect"].update(chat={"end_of_turn": ["<eot>"]}),
    )
    snakefile = slurm / "Snakefile.onerror"
    snakefile.write_text(
        f'include: "{ROOT / "Snakefile"}"\n\n\nonerror:\n    report_failed_plays(log)\n'
    )
    run = run_snakemake(
        slurm,
        *TARGETS,
        "--configfile",
        "config/config.yaml",
        "--retries",
        "0",
        *FAST_STATUS,
        snakefile=snakefile,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0
    jobs = sacct_jobs(slurm_run_id(output))
    states = {
        config: [j["State"] for j in jobs if is_play_group(j["Comment"], config)]
        for config in (broken, PERFECT)
    }
    assert states == {broken: ["FAILED"], PERFECT: ["COMPLETED"]}, jobs
    report = output.split("Play jobs failed for ", 1)[1]
    assert report.startswith("1 of 4 configs:"), report
    assert "  broken-model / llama_cpp / Q4_1: taboo" in report
    assert "log: logs/play/broken-model/llama_cpp/Q4_1/taboo.log" in report
    assert (
        "/nonexistent/broken-model.gguf"
        in (
            slurm / "logs" / "play" / "broken-model" / "llama_cpp" / "Q4_1" / "taboo.log"
        ).read_text()
    )


def _megabytes(memory: str) -> float:
    """sacct's ReqMem (e.g. 2178M, 4G) in MB."""
    value, unit = float(memory[:-1]), memory[-1]
    return value * {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024**2}[unit]


def _minutes(limit: str) -> int:
    """sacct's Timelimit ([D-]HH:MM:SS) in minutes."""
    days, _, clock = limit.rpartition("-")
    hours, minutes, _ = (int(x) for x in clock.split(":"))
    return (int(days or 0) * 24 + hours) * 60 + minutes


def _difference(path: Path, twin: Path) -> str:
    """What differs between two parquet files: the rows, or which metadata keys."""
    import pyarrow.parquet as pq

    a, b = pq.read_table(path), pq.read_table(twin)
    meta_a, meta_b = a.schema.metadata or {}, b.schema.metadata or {}
    keys = sorted(k.decode() for k in set(meta_a) | set(meta_b) if meta_a.get(k) != meta_b.get(k))
    rows = "equal rows" if a.equals(b) else "different rows"
    # clemgrid.code_version differs only when the library code changed between the two runs
    return f"{twin.name} of {path.parent}: {rows}; metadata keys that differ: {keys}"
