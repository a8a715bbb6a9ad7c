"""Helpers of the derived-weights tests (imported by name: keep this file name unique)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from clemgrid.quantization import build, recipe
from clemgrid.registry import PlayConfig

os.environ["HF_HUB_OFFLINE"] = "1"  # nothing here may download weights

ROOT = Path(__file__).resolve().parents[2]
MODEL = "SmolLM2-135M-Instruct"
BUILT = ("F16", "Q8_0", "Q4_K_M", "Q4_0")  # the derived quants of config/models.yaml


def registry(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "config" / name).read_text())


def model_entry() -> dict[str, Any]:
    return registry("models.yaml")[MODEL]


def play_config(backend: str, quant: str) -> PlayConfig:
    """The embedded model at `quant` on a backend of config/backends.yaml."""
    return PlayConfig(MODEL, backend, quant, model_entry(), registry("backends.yaml")[backend])


def build_all(
    workdir: Path, threads: int, quants: tuple[str, ...] = BUILT
) -> dict[str, dict[str, Any]]:
    """Build derived quants of the embedded model under `workdir`, in the order given (sources
    first, as the quantize rule would); returns the sidecars by quant."""
    weights = model_entry()["weights"]
    cwd = Path.cwd()
    os.chdir(workdir)  # derived files are resolved relative to the working directory
    try:
        sidecars = {}
        for quant in quants:
            gguf = Path(f"results/weights/{MODEL}/{quant}.gguf")
            sidecars[quant] = build(
                recipe(MODEL, weights, quant), gguf, gguf.with_suffix(".json"), threads=threads
            )
        return sidecars
    finally:
        os.chdir(cwd)


def weights_file(workdir: Path, quant: str) -> Path:
    return workdir / "results" / "weights" / MODEL / f"{quant}.gguf"
