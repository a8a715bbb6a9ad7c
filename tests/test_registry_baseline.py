"""The registry redesign changed no play's identity (its rerun trigger: a changed identity
replays the job), no SLURM resource and no built-weights file of the repository's grids.
`registry_baseline.json` holds the values the code before the redesign computed (play
identity hashes per job; resources, quant labels and built weights per config). A change
that means to replay jobs or resize them updates the file, and says so."""

from __future__ import annotations

import json

import pytest
import yaml
from snakemake.utils import update_config
from support import ROOT

from clemgrid.games.registry import GAMES
from clemgrid.hashing import canonical_json, stable_hash
from clemgrid.registry import Grid, load_grid
from clemgrid.resources import PlayResources
from clemgrid.sources import (
    BITSANDBYTES_KIND,
    DERIVED_KINDS,
    LORA_KIND,
    built_kind,
    lora_paths,
    source_chain,
)

BASELINE = json.loads((ROOT / "tests" / "registry_baseline.json").read_text())
GRIDS = {
    "default": ["config/config.yaml"],
    "experiments": ["config/config.yaml", "config/experiments.yaml"],
    "paper": ["config/paper/config.yaml"],
    # the paper grid with its transformers configs on vLLM as well (added with the vLLM backend)
    "paper-vllm": ["config/paper/vllm-compare.yaml"],
}


@pytest.fixture(scope="module", params=sorted(GRIDS))
def named_grid(request) -> tuple[str, Grid]:
    config: dict = {}
    for name in GRIDS[request.param]:
        update_config(config, yaml.safe_load((ROOT / name).read_text()))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return request.param, load_grid(config, GRIDS[request.param][-1], known_games=GAMES)


def test_play_identities_are_unchanged(named_grid) -> None:
    name, grid = named_grid
    identities = {
        f"{c.model}/{c.backend}/{c.quant}/{game}": stable_hash(
            grid.play_identity(c, game, GAMES[game].version)
        )
        for c, game in grid.plays()
    }
    assert identities == BASELINE["identity"][name]


def resources(grid: Grid) -> dict[str, dict]:
    found = {}
    for c in grid.configs:
        job = PlayResources(grid.backends[c.backend], grid.models[c.model].parameters_b, c.quant)
        found[f"{c.model}/{c.backend}/{c.quant}"] = {
            "weights_gb": job.weights_gb,
            "gpus": job.gpus,
            "gpu": job.gpus or None,
            "gpu_model": job.gpu_model,
            "cpus": job.cpus,
            "mem_mb": [job.mem_mb(a) for a in (1, 2, 3)],
            "runtime": [job.runtime_min(a) for a in (1, 2, 3)],
            "threads": job.threads(16),
            "uses_gpu": job.uses_gpu,
        }
    return found


def test_slurm_resources_are_unchanged(named_grid) -> None:
    name, grid = named_grid
    assert resources(grid) == BASELINE["resources"][name]


def test_quant_labels_and_built_weights_are_unchanged(named_grid) -> None:
    name, grid = named_grid
    labels: dict = {}
    built = {}
    for c in grid.configs:
        if "label" in c.weight_source or built_kind(c.weight_source):
            labels.setdefault(c.model, {})[c.quant] = grid.models[c.model].at(c.quant).label
        file: str | list = []
        for q in source_chain(c.weights, c.quant):
            kind = grid.models[c.model].source(q).kind
            if kind in DERIVED_KINDS:
                file = f"results/weights/{c.model}/{q}.gguf"
            if kind == LORA_KIND:  # an adapter, then the base's built file (none here)
                file = [str(lora_paths(c.model, q)["adapter"])]
                continue
            if kind != BITSANDBYTES_KIND:
                break
        built[f"{c.model}/{c.quant}"] = file
    assert canonical_json(labels) == BASELINE["quant_labels"][name]
    assert built == BASELINE["built"][name]


def test_a_job_on_a_node_of_its_own_gets_what_the_paper_grid_needs() -> None:
    """Spot checks of the model, worked out by hand."""
    gpu = {"kind": "transformers", "options": {"dtype": "bfloat16"}}
    job = PlayResources(gpu, 70.0, "none")  # 140 GB of bf16 weights: 2 GPUs
    assert (job.weights_gb, job.gpus, job.cpus, job.gpu_model) == (140.0, 2, 16, "a100")
    assert (job.mem_mb(1), job.mem_mb(2), job.runtime_min(1)) == (159744, 239616, 125)
    cpu = {"kind": "llama_cpp", "options": {"n_threads": 6}}
    job = PlayResources(cpu, 0.135, "Q4_1")  # 5 bits per weight, on 6 CPU threads
    assert (job.gpus, job.cpus, job.gpu_model, job.threads(16)) == (0, 6, None, 16)
    api = {"kind": "openai_compatible", "base_url": "https://api.example.org/v1"}
    job = PlayResources(api, 405.0, "none")
    assert (job.weights_gb, job.gpus, job.cpus, job.runtime_min(2), job.threads(16)) == (
        0.0,
        0,
        1,
        240,
        1,
    )
