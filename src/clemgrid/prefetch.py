"""Fetch the weights of a grid's local configs into the Hugging Face cache, on a login node.

Compute nodes often have no internet, and a 70B model downloaded inside a play job spends GPU
hours waiting; the jobs then run with HF_HUB_OFFLINE=1 and read the cache (docs/cluster.md):

    python -m clemgrid.prefetch config/paper/vllm-compare.yaml

Hub files (every part of a split GGUF) as the backends resolve them; a hub model without a file
as transformers and vLLM load it (configs, tokenizer, safetensors; .bin only where a repo has no
safetensors); built quants (`derive`, `quantize`, `bitsandbytes`) by the quant they come from.
API configs have nothing to fetch.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from clemgrid.backends.kinds import kind_of
from clemgrid.backends.weights import HubModel, WeightsError, source_quant, weight_location
from clemgrid.entries import PlayConfig
from clemgrid.registry import load_grid
from clemgrid.sources import BITSANDBYTES_KIND, DERIVED_KINDS, ModelQuant, weight_source_kind

HUB_MODEL_FILES = ["*.json", "*.safetensors", "*.model", "*.tiktoken", "tokenizer*", "*.txt"]


def _snapshot(model: HubModel) -> Path:
    """The files `from_pretrained` and `vllm serve` read; .bin weights only as a fallback."""
    from huggingface_hub import snapshot_download

    folder = Path(
        snapshot_download(model.repo, revision=model.revision, allow_patterns=HUB_MODEL_FILES)
    )
    if not any(folder.rglob("*.safetensors")):
        folder = Path(
            snapshot_download(model.repo, revision=model.revision, allow_patterns=["*.bin"])
        )
    return folder


def prefetch(cfg: ModelQuant | PlayConfig) -> Path:
    """Where the weights of one model and quant now are (the first part of a split GGUF)."""
    kind = weight_source_kind(cfg.weight_source)
    if kind in DERIVED_KINDS or kind == BITSANDBYTES_KIND:
        return prefetch(source_quant(cfg, cfg.weight_source[kind]["from"]))
    location = weight_location(cfg)
    if not isinstance(location, HubModel):
        return location
    try:
        return _snapshot(location)
    except Exception as exc:  # the hub raises many unrelated types; all mean "not available"
        raise WeightsError(
            f"model {cfg.model!r}, quant {cfg.quant!r}, field weights.{cfg.quant}.hub: cannot "
            f"get {location.repo!r}: {type(exc).__name__}: {str(exc)[:300]}"
        ) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", help="a grid config, e.g. config/paper/config.yaml")
    args = parser.parse_args(argv)
    grid = load_grid(yaml.safe_load(Path(args.config).read_text()), args.config)
    done: set[tuple[str, str]] = set()
    failed = 0
    for cfg in grid.configs:
        if not kind_of(cfg.backend_entry).runs_locally(cfg.backend_entry):
            continue
        if (cfg.model, cfg.quant) in done:
            continue
        done.add((cfg.model, cfg.quant))
        try:
            print(f"{cfg.model} {cfg.quant}: {prefetch(cfg)}", flush=True)
        except WeightsError as exc:
            failed += 1
            print(f"FAILED {exc}", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
