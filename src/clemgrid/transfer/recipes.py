"""What the transfer rules need from the grid: the `lora` quants, their data specs by data id,
and the canonical recipes that are the rules' rerun triggers.

A data spec (`lora.data`) names its teacher by (model, backend, quant); its datasets live in
results/transfer/<data id>/, the id a hash of the spec, so students trained on the same data
share one teacher run and one dataset, and a changed spec is new data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from clemgrid.entries import PlayConfig
from clemgrid.sources import LORA_KIND, source_chain
from clemgrid.transfer.dataset import data_id

TEACHER_ANSWERS = "results/transfer/{data_id}/teacher_answers.parquet"
SFT_DATASET = "results/transfer/{data_id}/sft.parquet"


def lora_quants(models: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(model, quant, lora spec) of every `lora` source of the registry."""
    for model, entry in models.items():
        for quant, source in entry["weights"].items():
            if LORA_KIND in source:
                yield model, quant, source[LORA_KIND]


def data_specs(models: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """{data id: data spec} of every `lora` source."""
    return {data_id(spec["data"]): spec["data"] for _, _, spec in lora_quants(models)}


def teacher_config(
    data: Mapping[str, Any], models: Mapping[str, Any], backends: Mapping[str, Any]
) -> PlayConfig:
    teacher = data["teacher"]
    return PlayConfig(
        teacher["model"],
        teacher["backend"],
        teacher["quant"],
        models[teacher["model"]],
        backends[teacher["backend"]],
    )


def finetune_recipe(model: str, quant: str, weights: Mapping[str, Any]) -> dict[str, Any]:
    """What determines an adapter: the student's model and quant, the sources of the quant
    and of the quants it is built from (data spec, hyperparameters, base). No paths."""
    return {
        "model": model,
        "quant": quant,
        "weights": {q: weights[q] for q in source_chain(weights, quant)},
    }
