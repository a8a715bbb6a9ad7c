"""Weight-source kinds of the model registry (config/models.yaml `weights.<quant>`) and how a
quant's source is named, what it is built from and where a built one is written.

The lowest layer of the registry code: the registry, the quantizer and the backends all need
these facts, so they live here and this module imports none of them.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Where the `quantize` rule writes a derived quant; backends.weights resolves such sources to it.
DERIVED_WEIGHTS = "results/weights/{model}/{quant}.gguf"
DERIVED_SIDECAR = "results/weights/{model}/{quant}.json"

# Weight-source kinds built by the `quantize` rule, and the kind loaded with bitsandbytes.
DERIVED_KINDS = ("derive", "quantize")
BITSANDBYTES_KIND = "bitsandbytes"
# A LoRA adapter the `finetune` rule trains on another quant (clemgrid.transfer), and where.
LORA_KIND = "lora"
LORA_DIR = "results/weights/{model}/{quant}"
LORA_ADAPTER = LORA_DIR + "/adapter_model.safetensors"
LORA_CONFIG = LORA_DIR + "/adapter_config.json"
LORA_SIDECAR = LORA_DIR + "/finetune.json"
# A synthetic teacher: choices drawn at published per-scenario rates (clemgrid.transfer).
TEACHER_RATES_KIND = "teacher_rates"
PROVENANCE_KEYS = {"derived_from", "label"}

# Sources that are a weights file or directory, and those that are (or make) a GGUF file.
FILE_SOURCES = {"package_file", "path", "hub"}
GGUF_SOURCES = FILE_SOURCES | set(DERIVED_KINDS)
# What the `from` of a built source may name: a GGUF file for derive/quantize, any weights
# transformers loads for bitsandbytes.
FROM_SOURCES = {
    "derive": GGUF_SOURCES,
    "quantize": GGUF_SOURCES,
    BITSANDBYTES_KIND: GGUF_SOURCES,
    LORA_KIND: GGUF_SOURCES,
}


def weight_source_kind(source: Mapping[str, Any]) -> str:
    kinds = sorted(set(source) - PROVENANCE_KEYS)
    if len(kinds) != 1:
        raise ValueError(f"needs exactly one weight source, found {kinds or 'none'}")
    return kinds[0]


def built_kind(source: Mapping[str, Any]) -> str | None:
    """The kind of a weight source made from another quant (`derive`, `quantize`,
    `bitsandbytes`, `lora`), or None for weights that come from elsewhere."""
    return next((k for k in (*DERIVED_KINDS, BITSANDBYTES_KIND, LORA_KIND) if k in source), None)


def source_chain(weights: Mapping[str, Any], quant: str) -> list[str]:
    """`quant` and the quants it is built from, nearest first (Q8_0 -> F16 -> Q4_1). Every
    `from` must name a quant of `weights` (the registry checks it); a cycle is a ValueError."""
    chain = [quant]
    while (kind := built_kind(weights[chain[-1]])) is not None:
        parent = weights[chain[-1]][kind]["from"]
        if parent in chain:
            cycle = " -> ".join([*chain, parent])
            raise ValueError(f"quants are built from each other in a cycle: {cycle}")
        chain.append(parent)
    return chain


def default_label(weights: Mapping[str, Any], quant: str) -> str:
    """The label of a quant without an explicit `label`: what it is and what it came from."""
    source = weights[quant]
    if "label" in source:
        return str(source["label"])
    if "derive" in source:
        spec = source["derive"]
        return f"{spec['type']} derived from {default_label(weights, spec['from'])}"
    if "quantize" in source:
        spec = source["quantize"]
        return f"{spec['type']} quantized from {default_label(weights, spec['from'])}"
    if BITSANDBYTES_KIND in source:
        spec = source[BITSANDBYTES_KIND]
        return f"bitsandbytes {spec['bits']}-bit from {default_label(weights, spec['from'])}"
    if LORA_KIND in source:
        spec = source[LORA_KIND]
        teacher = spec["data"]["teacher"]["model"]
        return f"LoRA on {teacher} answers, on {default_label(weights, spec['from'])}"
    return quant


def derived_paths(model: str, quant: str) -> tuple[Path, Path]:
    """(GGUF file, JSON sidecar) of a derived quant, relative to the working directory."""
    return (
        Path(DERIVED_WEIGHTS.format(model=model, quant=quant)),
        Path(DERIVED_SIDECAR.format(model=model, quant=quant)),
    )


def lora_paths(model: str, quant: str) -> dict[str, Path]:
    """adapter (safetensors), config (peft's JSON) and sidecar of a `lora` quant, relative to
    the working directory."""
    return {
        name: Path(pattern.format(model=model, quant=quant))
        for name, pattern in (
            ("adapter", LORA_ADAPTER),
            ("config", LORA_CONFIG),
            ("sidecar", LORA_SIDECAR),
        )
    }


def distribution_version(package: str) -> str | None:
    """The installed distribution (name==version) that provides an import package."""
    names = importlib.metadata.packages_distributions().get(package) or []
    for name in sorted(names):
        try:
            return f"{name}=={importlib.metadata.version(name)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


@dataclass(frozen=True)
class ModelQuant:
    """One quant of one model with the model's weight sources: all that resolving or building
    its weights needs (no backend, so no placeholder play config)."""

    model: str
    quant: str
    weights: Mapping[str, Any]

    @property
    def weight_source(self) -> Mapping[str, Any]:
        return self.weights[self.quant]

    def at(self, quant: str) -> ModelQuant:
        """The same model at another quant (the `from` of a built source)."""
        return ModelQuant(self.model, quant, self.weights)

    @property
    def label(self) -> str:
        return default_label(self.weights, self.quant)
