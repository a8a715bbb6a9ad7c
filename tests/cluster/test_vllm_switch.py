"""The vLLM switch of the paper grid: config/paper/vllm.yaml (every transformers config on vLLM
instead) and vllm-compare.yaml (both routes, for the agreement report) are config.yaml in all
but the grid's backends, so every other config keeps its play identity; and `--profile slurm`
with either asks SLURM for A100s for the vLLM play jobs."""

from __future__ import annotations

import re

import pytest
import yaml
from slurm_support import ROOT, run_snakemake, slurm_env

from clemgrid.games.registry import GAMES
from clemgrid.registry import load_grid

PAPER = ROOT / "config" / "paper"
HF, VLLM = "huggingface-local", "vllm"


def load(name: str) -> dict:
    return yaml.safe_load((PAPER / name).read_text())


def on_vllm(config: dict) -> dict:
    return {**config, "backend": VLLM} if config["backend"] == HF else config


def test_vllm_yaml_is_the_paper_grid_on_vllm() -> None:
    paper, switched = load("config.yaml"), load("vllm.yaml")
    assert {k: v for k, v in switched.items() if k != "grid"} == {
        k: v for k, v in paper.items() if k != "grid"
    }
    assert switched["grid"] == [on_vllm(c) for c in paper["grid"]]
    assert sum(c["backend"] == VLLM for c in switched["grid"]) == 24


def test_vllm_compare_has_both_routes() -> None:
    paper, both = load("config.yaml"), load("vllm-compare.yaml")
    assert {k: v for k, v in both.items() if k != "grid"} == {
        k: v for k, v in paper.items() if k != "grid"
    }
    assert both["grid"] == paper["grid"] + [on_vllm(c) for c in paper["grid"] if c["backend"] == HF]


@pytest.mark.parametrize(("name", "configs"), [("vllm.yaml", 58), ("vllm-compare.yaml", 82)])
def test_switch_is_valid_and_keeps_other_identities(name: str, configs: int) -> None:
    paper = load_grid(load("config.yaml"), PAPER / "config.yaml", known_games=GAMES)
    grid = load_grid(load(name), PAPER / name, known_games=GAMES)
    assert len(grid.configs) == configs
    for cfg in paper.configs:
        if cfg.backend != HF:
            assert grid.play_identity(cfg, "taboo", "1") == paper.play_identity(cfg, "taboo", "1")


@pytest.mark.slow
def test_slurm_dry_run_of_the_switch_requests_gpus(tmp_path) -> None:
    """`--profile slurm --configfile config/paper/vllm.yaml -n`: the 70B model on two A100s
    (tensor parallelism 2), the 0.5B one on one; an API config on none."""
    (tmp_path / "config").symlink_to(ROOT / "config")
    targets = {
        ("Meta-Llama-3-70B-Instruct", VLLM): "gpu=2, gpu_model=a100",
        ("qwen1.5-0.5b-chat", VLLM): "gpu=1, gpu_model=a100",
        ("llama-3-70b-groq", "groq"): None,
    }
    run = run_snakemake(
        tmp_path,
        "--configfile",
        "config/paper/vllm.yaml",
        "--dry-run",
        *[f"results/transcripts/{m}/{b}/none/taboo.parquet" for m, b in targets],
        env=slurm_env(),
    )
    output = run.stdout + run.stderr
    jobs = re.findall(r"rule play:\n(.*?)\n\s*resources: ([^\n]*)", output, flags=re.S)
    assert len(jobs) == 3, output[-3000:]
    for (model, backend), gpus in targets.items():
        [resources] = [r for job, r in jobs if f"/{model}/{backend}/" in job]
        if gpus:
            assert gpus in resources and "cpus_per_task=" in resources
        else:
            assert "gpu=" not in resources
