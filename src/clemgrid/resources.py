"""Cluster resources of a play job: GPUs, CPUs, memory and wall time from the backend entry,
the model size and the quant. Local runs use none of them except the threads; on SLURM
(profiles/slurm) they become sbatch options through snakemake-executor-plugin-slurm, via thin
input functions in workflow/rules/common.smk.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clemgrid.backends.kinds import kind_of

GPU_MODEL = "a100"  # sbatch --gpus=a100:N; the GRES type name of the cluster's A100s
GPU_MEMORY_GB = 80  # memory of one GPU: how many GPUs a model needs
CPUS_PER_GPU = 8


def backend_uses_gpu(entry: Mapping[str, Any]) -> bool:
    """Whether a backend runs the model on a GPU of the node the play job runs on."""
    return kind_of(entry).uses_gpu(entry)


def runs_locally(entry: Mapping[str, Any]) -> bool:
    """Whether inference runs on the play job's node (in-process or a launched server)."""
    return kind_of(entry).runs_locally(entry)


def bits_per_weight(quant: str, entry: Mapping[str, Any]) -> int:
    """From the quant's name: GGUF file types, bitsandbytes, or "none" by the backend's dtype."""
    quant = quant.upper()
    if quant == "NONE":
        options = entry.get("options") or (entry.get("launch") or {}).get("options") or {}
        dtype = str(options.get("dtype", "float32"))  # a launched server's own options
        return 32 if dtype == "float32" else 16
    if re.match(r"^(BF|F)(16|32)$", quant):
        return int(quant[-2:])
    if match := re.match(r"^I?Q(\d)", quant):
        return int(match.group(1)) + 1  # block scales add about one bit per weight
    if match := re.match(r"^BNB(\d)$", quant):
        return int(match.group(1))
    return 16


def _grown_mb(gb: float, attempt: int) -> int:
    """`gb` in MB, half as much again on every retry."""
    return math.ceil(gb * 1024 * (1 + 0.5 * (attempt - 1)))


class _Allocation:
    """What a job asks SLURM for beside its GPUs: their model, and the CPUs (per GPU, or the
    backend's threads on CPU)."""

    entry: Mapping[str, Any]

    @property
    def gpus(self) -> int:
        raise NotImplementedError

    @property
    def gpu_model(self) -> str | None:
        return GPU_MODEL if self.gpus else None

    @property
    def cpus(self) -> int:
        """CPUs of the allocation (cpus_per_task): per GPU, or the backend's threads on CPU."""
        if gpus := self.gpus:
            return gpus * CPUS_PER_GPU
        return kind_of(self.entry).threads(self.entry)


@dataclass(frozen=True)
class PlayResources(_Allocation):
    """What one play job (one config, one game) asks SLURM for."""

    entry: Mapping[str, Any]
    parameters_b: float
    quant: str

    @property
    def weights_gb(self) -> float:
        """Size of the weights in GB; 0 for models that run elsewhere."""
        if not runs_locally(self.entry):
            return 0.0
        return self.parameters_b * bits_per_weight(self.quant, self.entry) / 8

    @property
    def uses_gpu(self) -> bool:
        return backend_uses_gpu(self.entry)

    @property
    def gpus(self) -> int:
        """The weights plus 10% and 4 GB (KV cache, activations, CUDA), in whole GPUs."""
        if not backend_uses_gpu(self.entry):
            return 0
        needed = max(1, math.ceil((self.weights_gb * 1.1 + 4) / GPU_MEMORY_GB))
        return kind_of(self.entry).gpus(self.entry, needed)

    def mem_mb(self, attempt: int = 1) -> int:
        """Host memory: a base plus the weights (read once to the GPU, or held in RAM on CPU);
        half as much again on every retry."""
        if self.gpus:
            gb = 16 + self.weights_gb
        else:
            gb = 2 + 1.5 * self.weights_gb
        return _grown_mb(gb, attempt)

    def runtime_min(self, attempt: int = 1) -> int:
        """Wall time in minutes: grows with the model size and doubles, triples... with the
        attempt (a job killed at its time limit is retried)."""
        minutes = kind_of(self.entry).fixed_runtime_min(self.entry)
        if minutes is None:
            if self.gpus:
                minutes = 20 + 1.5 * self.parameters_b
            else:
                minutes = 30 + 60 * self.parameters_b
        return math.ceil(minutes) * attempt

    def threads(self, cores: int) -> int:
        """Threads of the local job: local inference gets every core (a second job beside it
        would make its spinning worker threads wait for each other)."""
        return cores if runs_locally(self.entry) else 1


@dataclass(frozen=True)
class FinetuneResources(_Allocation):
    """What one finetune job (a `lora` quant) asks SLURM for: the base weights in bf16 on
    A100s (a backend that runs on a GPU), or the backend's CPU threads; LoRA adds little memory
    (its optimizer state is that of a few million parameters), activations are budgeted as
    half the weights again plus a fixed 8 GB."""

    entry: Mapping[str, Any]
    parameters_b: float

    @property
    def weights_gb(self) -> float:
        return self.parameters_b * (2 if backend_uses_gpu(self.entry) else 4)

    @property
    def gpus(self) -> int:
        if not backend_uses_gpu(self.entry):
            return 0
        return max(1, math.ceil((self.weights_gb * 1.5 + 8) / GPU_MEMORY_GB))

    def mem_mb(self, attempt: int = 1) -> int:
        """Host memory: the weights are loaded (and, from a GGUF, dequantized) in RAM first."""
        gb = 16 + 2 * self.weights_gb if self.gpus else 3 + 3 * self.weights_gb
        return _grown_mb(gb, attempt)

    def runtime_min(self, attempt: int = 1) -> int:
        minutes = 30 + 10 * self.parameters_b if self.gpus else 30 + 100 * self.parameters_b
        return math.ceil(minutes) * attempt
