"""The training loop on a tiny model: the adapter has the configured rank and targets, the loss
falls, the teacher's answers become likelier, the base is untouched and a rerun with the same
seed writes the same bytes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from clemgrid.transfer.dataset import build, load
from clemgrid.transfer.finetune import train
from clemgrid.transfer.teacher import synthetic_answers

pytestmark = pytest.mark.slow  # trains a tiny model twice (a minute or more on 2 busy cores)

TEACHER = {
    "teacher_rates": {
        "counts": "dilemma/dilemma_in_sample_counts.csv",
        "role": "teacher",
        "seed": 4,
    }
}
DATA = {"split": "in_sample", "samples": 1, "seed": 0, "motivation": False}
ROOT = Path(__file__).resolve().parents[2]
# Larger steps than the paper's 5e-5 so that 4 short epochs move a tiny model measurably.
PARAMS = {
    "seed": 0,
    "learning_rate": 1e-2,
    "epochs": 4,
    "batch_size": 4,
    "r": 4,
    "target_modules": ["q_proj", "v_proj", "o_proj"],
}


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> list[dict]:
    answers = synthetic_answers(
        TEACHER, DATA, ROOT / "resources/dilemma/dilemma_in_sample_counts.csv"
    )
    path = tmp_path_factory.mktemp("sft") / "sft.parquet"
    build(answers, DATA, path)
    return load(path)[0][:8]


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def trained(tiny_base, rows, tmp_path_factory):
    before = digest(tiny_base)
    out = tmp_path_factory.mktemp("adapter")
    record = train(tiny_base, rows, PARAMS, out, threads=1)
    return out, record, before


def test_adapter_has_configured_rank_and_targets(trained) -> None:
    out, record, _ = trained
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["r"] == 4 and config["lora_alpha"] == 16 and config["lora_dropout"] == 0
    assert sorted(config["target_modules"]) == ["o_proj", "q_proj", "v_proj"]
    assert config["base_model_name_or_path"] is None  # no machine path in the adapter
    from safetensors import safe_open

    with safe_open(out / "adapter_model.safetensors", "pt") as f:
        names = list(f.keys())
        shapes = {n: f.get_tensor(n).shape for n in names}
    assert {n.split(".")[-3] for n in names} == {"q_proj", "v_proj", "o_proj"}
    assert all(4 in shape for shape in shapes.values())
    assert len(names) == 2 * 3 * 2  # A and B, 3 modules, 2 layers


def test_loss_falls_and_teacher_answers_become_likelier(trained) -> None:
    _, record, _ = trained
    losses = record["loss_per_step"]
    assert len(losses) == record["steps"] == 8
    assert sum(losses[-2:]) < sum(losses[:2])
    assert record["answer_logprob_after"] > record["answer_logprob_before"]


def test_base_weights_untouched(trained, tiny_base) -> None:
    _, record, before = trained
    assert digest(tiny_base) == before
    assert len(record["base_state_sha256"]) == 64


def test_same_seed_same_adapter(trained, tiny_base, rows, tmp_path) -> None:
    out, record, _ = trained
    again = train(tiny_base, rows, PARAMS, tmp_path, threads=1)
    assert again["loss_per_step"] == record["loss_per_step"]
    assert digest(tmp_path) == digest(out)  # byte-identical safetensors and config


def test_overlong_example_is_refused(tiny_base, rows, tmp_path) -> None:
    with pytest.raises(ValueError, match="more than max_length 16"):
        train(tiny_base, rows[:1], {**PARAMS, "max_length": 16}, tmp_path)
