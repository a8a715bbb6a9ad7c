"""`lora` and `teacher_rates` sources in the registry: errors that name file, entry and field,
backends that can play a student, and a play identity that holds the recipe but no paths.
Fast: nothing is trained."""

from __future__ import annotations

import pytest
from support import edit_yaml
from support import load_workdir_grid as load

from clemgrid.hashing import canonical_json
from clemgrid.registry import RegistryError
from clemgrid.transfer.recipes import data_specs, finetune_recipe

MODEL = "SmolLM2-135M-Instruct"
STUDENT = "lora-teacher70b"


def lora(change):
    return lambda m: change(m[MODEL]["weights"][STUDENT]["lora"])


BAD = {
    "from names no quant": (
        lora(lambda s: s.update({"from": "Q9"})),
        [f"entry '{MODEL}'", f"weights.{STUDENT}.lora.from", "'Q9' is not a quant"],
    ),
    "from an API model": (
        lambda m: (
            m[MODEL]["weights"].update(api={"api_model": "x"}),
            m[MODEL]["weights"][STUDENT]["lora"].update({"from": "api"}),
        ),
        [f"weights.{STUDENT}.lora.from", "cannot be built from quant 'api'"],
    ),
    "unknown teacher": (
        lora(lambda s: s["data"]["teacher"].update(model="nobody")),
        [f"weights.{STUDENT}.lora.data.teacher.model", "unknown teacher model 'nobody'"],
    ),
    "teacher quant": (
        lora(lambda s: s["data"]["teacher"].update(quant="Q2")),
        [f"weights.{STUDENT}.lora.data.teacher.quant", "has no quant 'Q2'"],
    ),
    "teacher backend": (
        lora(lambda s: s["data"]["teacher"].update(backend="nowhere")),
        [f"weights.{STUDENT}.lora.data.teacher.backend", "unknown backend 'nowhere'"],
    ),
    "a rank of 0": (
        lora(lambda s: s["params"].update(r=0)),
        [f"weights.{STUDENT}.lora.params.r", "0"],
    ),
    "an unknown hyperparameter": (
        lora(lambda s: s["params"].update(warmup=3)),
        [f"weights.{STUDENT}.lora.params", "'warmup'"],
    ),
    "no seed": (
        lora(lambda s: s["params"].pop("seed")),
        [f"weights.{STUDENT}.lora.params", "'seed' is a required property"],
    ),
    "another game": (
        lora(lambda s: s["data"].update(game="taboo")),
        [f"weights.{STUDENT}.lora.data.game", "'dilemma'"],
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_lora_sources_are_named(case, workdir, monkeypatch) -> None:
    change, expected = BAD[case]
    edit_yaml(workdir / "config" / "models.yaml", change)
    with pytest.raises(RegistryError) as error:
        load(workdir, monkeypatch)
    assert str(error.value).startswith("config/models.yaml: entry ")
    for part in expected:
        assert part in str(error.value), f"{part!r} missing from: {error.value}"


def student(backend: str) -> dict:
    return {"model": MODEL, "backend": backend, "quant": STUDENT}


def test_student_plays_on_transformers_only(workdir, monkeypatch) -> None:
    edit_yaml(
        workdir / "config" / "config.yaml", lambda c: c["grid"].append(student("transformers"))
    )
    grid = load(workdir, monkeypatch)
    cfg = grid.play_config(MODEL, "transformers", STUDENT)
    assert cfg.model_entry["weights"][STUDENT]["lora"]["params"]["r"] == 8  # schema default
    edit_yaml(workdir / "config" / "config.yaml", lambda c: c["grid"].append(student("llama_cpp")))
    with pytest.raises(RegistryError, match=rf"weights\.{STUDENT}.*'lora' source cannot be run"):
        load(workdir, monkeypatch)


def test_identity_holds_the_recipe_without_paths(workdir, monkeypatch) -> None:
    edit_yaml(
        workdir / "config" / "config.yaml", lambda c: c["grid"].append(student("transformers"))
    )
    grid = load(workdir, monkeypatch)
    identity = grid.play_identity(grid.play_config(MODEL, "transformers", STUDENT), "dilemma", "1")
    weights = identity["model_entry"]["weights"]
    assert set(weights) == {STUDENT, "Q4_1"}  # the quant and its base, nothing else
    spec = weights[STUDENT]["lora"]
    assert spec["data"]["teacher"]["model"] == "synthetic-teacher-llama2-70b"
    assert spec["params"]["learning_rate"] == 5e-5 and spec["params"]["epochs"] == 3
    text = canonical_json(identity) + canonical_json(
        finetune_recipe(MODEL, STUDENT, grid.models[MODEL].weights)
    )
    assert str(workdir) not in text and "results/" not in text and "/root" not in text
    assert len(data_specs(grid.models)) == 1


def test_changed_recipe_changes_only_the_student(workdir, monkeypatch) -> None:
    edit_yaml(
        workdir / "config" / "config.yaml", lambda c: c["grid"].append(student("transformers"))
    )
    grid = load(workdir, monkeypatch)
    configs = {c.key: canonical_json(c.identity()) for c in grid.configs}
    edit_yaml(workdir / "config" / "models.yaml", lora(lambda s: s["params"].update(epochs=2)))
    changed = {
        c.key
        for c in load(workdir, monkeypatch).configs
        if canonical_json(c.identity()) != configs[c.key]
    }
    assert {(k.model, k.quant) for k in changed} == {(MODEL, STUDENT)}
