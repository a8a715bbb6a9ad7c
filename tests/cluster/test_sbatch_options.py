"""What `snakemake --profile slurm` submits for play jobs of the paper registries.

The executor plugin builds each sbatch call; a fake `sbatch` records and refuses it (so no
cluster is needed and nothing runs), and Snakemake's retries show the attempt scaling."""

from __future__ import annotations

import shlex

import pytest
from slurm_support import ROOT, FakeSlurm, run_snakemake, sbatch_options, slurm_env, write_grid

PAPER = ROOT / "config" / "paper"
GPU_70B = ("Meta-Llama-3-70B-Instruct", "huggingface-local", "none")
GGUF_70B = ("Meta-Llama-3-70B-Instruct", "llama.cpp", "Q4_K_M")
SMALL = ("qwen1.5-0.5b-chat", "huggingface-local", "none")
API_70B = ("llama-3-70b-groq", "groq", "none")


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    """{(model, backend, quant): [sbatch options of attempt 1, 2, 3]}, the run's output, its
    working directory and environment."""
    workdir = tmp_path_factory.mktemp("sbatch")
    fake = FakeSlurm(workdir / "fake-slurm")
    configs = (GPU_70B, GGUF_70B, SMALL, API_70B)
    write_grid(
        workdir,
        {
            "games": ["taboo"],
            "grid": [dict(zip(("model", "backend", "quant"), c, strict=True)) for c in configs],
            "instances": {"per_experiment": 1},
        },
        PAPER / "models.yaml",
        PAPER / "backends.yaml",
        only={model for model, _, _ in configs},
    )
    env = fake.env(slurm_env(CLEMGRID_SLURM_PARTITION="a100-test"))
    targets = [f"results/transcripts/{m}/{b}/{q}/taboo.parquet" for m, b, q in configs]
    run = run_snakemake(
        workdir,
        *targets,
        "--configfile",
        "config/config.yaml",
        "--verbose",
        "--slurm-init-seconds-before-status-checks",
        "1",
        env=env,
        check=False,
    )
    assert run.returncode != 0  # every submission was refused
    output = run.stdout + run.stderr
    # The plugin's own account of each call (--verbose) is the call the fake sbatch got.
    logged = [
        shlex.split(line.split("sbatch call: ", 1)[1])
        for line in output.splitlines()
        if "sbatch call: " in line
    ]
    recorded = fake.sbatch_calls()
    assert sorted(logged) == sorted(["sbatch", *argv] for argv in recorded)
    calls: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for argv in recorded:
        options = sbatch_options(shlex.join(["sbatch", *argv]))
        comment = options["--comment"]
        for config in (GPU_70B, GGUF_70B, SMALL, API_70B):
            if comment.startswith(f"rule_play_{'_'.join(config)}"):
                calls.setdefault(config, []).append(options)
    return calls, output, workdir, env


def test_every_play_group_is_submitted_three_times(submissions):
    calls, output, _, _ = submissions
    assert {config: len(c) for config, c in calls.items()} == {
        GPU_70B: 3,
        GGUF_70B: 3,
        SMALL: 3,
        API_70B: 3,
    }, output[-5000:]


def test_70b_gpu_play_job_requests_two_a100s_memory_and_time(submissions):
    first, second, third = submissions[0][GPU_70B]
    # 70B parameters in bfloat16: 140 GB of weights, 2 x 80 GB A100s; host memory 16 GB +
    # the weights; 20 min + 1.5 min per billion parameters for one game.
    assert first["--gpus"] == "a100:2"
    assert first["--mem"] == str(156 * 1024)
    assert first["-t"] == "125"
    assert first["--cpus-per-task"] == "16"
    assert first["-A"] == "clemgrid"
    assert first["-p"] == "a100-test"
    assert "--gres" not in first and "--ntasks" not in first
    # retries: memory x1.5, x2; wall time x2, x3
    assert (second["--mem"], second["-t"]) == (str(234 * 1024), "250")
    assert (third["--mem"], third["-t"]) == (str(312 * 1024), "375")
    assert second["--gpus"] == third["--gpus"] == "a100:2"


def test_gguf_and_small_models_request_one_a100(submissions):
    gguf, small = submissions[0][GGUF_70B][0], submissions[0][SMALL][0]
    assert gguf["--gpus"] == "a100:1"  # Q4_K_M: about 5 bits per weight, 44 GB
    assert gguf["--mem"] == str(int((16 + 70 * 5 / 8) * 1024))
    assert small["--gpus"] == "a100:1"
    assert (small["--mem"], small["-t"]) == (str(17 * 1024), "21")


def test_api_play_job_requests_no_gpu(submissions):
    api = submissions[0][API_70B][0]
    assert "--gpus" not in api and "--gres" not in api
    assert (api["--mem"], api["-t"], api["--cpus-per-task"]) == ("2048", "120", "1")
    assert api["--ntasks"] == "1"


def test_failed_models_are_reported_with_their_logs(submissions):
    """report_failed_plays (workflow/rules/common.smk), called by an `onerror:` handler."""
    _, _, workdir, env = submissions
    snakefile = workdir / "Snakefile.onerror"
    snakefile.write_text(
        f'include: "{ROOT / "Snakefile"}"\n\n\nonerror:\n    report_failed_plays(log)\n'
    )
    targets = [f"results/transcripts/{m}/{b}/{q}/taboo.parquet" for m, b, q in (GPU_70B, API_70B)]
    run = run_snakemake(
        workdir,
        *targets,
        "--configfile",
        "config/config.yaml",
        "--cores",
        "2",
        "--retries",
        "0",
        "--slurm-init-seconds-before-status-checks",
        "1",
        snakefile=snakefile,
        env=env,
        check=False,
    )
    report = (run.stdout + run.stderr).split("Play jobs failed for ", 1)[1]
    assert report.startswith("2 of 4 configs:"), report
    for model, backend, quant in (GPU_70B, API_70B):
        assert f"  {model} / {backend} / {quant}: taboo" in report
        assert f"log: logs/play/{model}/{backend}/{quant}/taboo.log" in report
    assert "qwen1.5" not in report  # not run, not failed
