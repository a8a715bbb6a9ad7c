"""The transfer rules in the DAG, run for real on a small recipe (one training step): the
student's play waits for its adapter; a changed hyperparameter retrains and replays the
student only, changed teacher data also re-asks the teacher and rebuilds the dataset, and
nothing else is replanned (the scripted player, the instances)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support import edit_yaml, run_snakemake

pytestmark = pytest.mark.slow

MODEL, STUDENT = "SmolLM2-135M-Instruct", "lora-teacher70b"
TARGETS = [
    f"results/transcripts/{MODEL}/transformers/{STUDENT}/dilemma.parquet",
    "results/transcripts/synthetic-strong/scripted/none/dilemma.parquet",
]


def planned(workdir: Path) -> list[tuple[str, ...]]:
    """(rule, wildcard values…) of the jobs a dry run of TARGETS would run."""
    out = run_snakemake(workdir, "--dry-run", *TARGETS)
    jobs = []
    for block in re.split(r"\n(?=\s*(?:local)?rule \w+:)", out):
        head = re.match(r"(?:local)?rule (\w+):", block.strip())
        if not head:
            continue
        wildcards = re.search(r"wildcards: (.*)", block)
        values = [v.split("=", 1)[1] for v in wildcards.group(1).split(", ")] if wildcards else []
        jobs.append((head.group(1), *values))
    return sorted(jobs)


def lora(change):
    return lambda m: change(m[MODEL]["weights"][STUDENT]["lora"])


@pytest.fixture
def transfer_grid(workdir: Path) -> Path:
    def grid(c):
        c["games"] = ["dilemma"]
        c["grid"] = [
            {"model": MODEL, "backend": "transformers", "quant": STUDENT},
            {"model": "synthetic-strong", "backend": "scripted", "quant": "none"},
        ]
        c["instances"] = {"per_experiment": 1}

    edit_yaml(workdir / "config" / "config.yaml", grid)
    # One step on the 20 in-sample answers: the rules, not the training, are under test here.
    edit_yaml(
        workdir / "config" / "models.yaml",
        lora(lambda s: s["params"].update(epochs=1, batch_size=20)),
    )
    return workdir


def test_changed_data_or_hyperparameter_replans_only_the_student(transfer_grid) -> None:
    first = planned(transfer_grid)
    names = [job[0] for job in first]
    assert names.count("finetune") == 1 and ("teacher_answers" in names and "sft_dataset" in names)
    run_snakemake(transfer_grid, *TARGETS)
    folder = transfer_grid / f"results/weights/{MODEL}/{STUDENT}"
    sidecar = json.loads((folder / "finetune.json").read_text())
    assert sidecar["hyperparameters"]["r"] == 8 and len(sidecar["loss_per_step"]) == 1
    assert sidecar["base"]["sha256"] and sidecar["data"]["sha256"]
    assert str(transfer_grid) not in (folder / "adapter_config.json").read_text()
    assert planned(transfer_grid) == []

    student = [("finetune", MODEL, STUDENT), ("play", MODEL, "transformers", STUDENT, "dilemma")]
    models = transfer_grid / "config" / "models.yaml"
    edit_yaml(models, lora(lambda s: s["params"].update(learning_rate=1e-4)))
    assert planned(transfer_grid) == student
    edit_yaml(models, lora(lambda s: s["params"].update(learning_rate=5e-5)))
    assert planned(transfer_grid) == []

    edit_yaml(models, lora(lambda s: s["data"].update(seed=1)))
    jobs = planned(transfer_grid)
    assert [j for j in jobs if j[0] not in ("teacher_answers", "sft_dataset")] == student
    assert sorted(j[0] for j in jobs if j not in student) == ["sft_dataset", "teacher_answers"]
