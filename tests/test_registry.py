"""Bad configuration stops before any job runs, with an error naming file, entry and field."""

import subprocess
import sys

import pytest
import yaml
from support import ROOT, edit_yaml

from clemgrid.cli import main
from clemgrid.registry import RegistryError, load_grid


def load(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    return load_grid(
        yaml.safe_load((workdir / "config" / "config.yaml").read_text()), "config/config.yaml"
    )


def test_test_grid_is_valid(workdir, monkeypatch):
    grid = load(workdir, monkeypatch)
    assert [c.model for c in grid.configs] == ["scripted-perfect", "scripted-never-right"]
    assert grid.config["generation"] == {
        "temperature": 0.0,
        "max_tokens": 50,
        "seed": 0,
    }  # defaults filled


def test_repo_default_config_is_valid(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["validate"]) == 0


BAD_INPUTS = {
    "unknown backend": (
        "config.yaml",
        lambda c: c["grid"][0].update(backend="vllm-nowhere"),
        ["config/config.yaml", "grid[0]", "'backend'", "vllm-nowhere"],
    ),
    "unknown game": (
        "config.yaml",
        lambda c: c["games"].append("chess"),
        ["config/config.yaml", "games[1]", "chess", "known: dilemma, imagegame, imagegame+1shot"],
    ),
    "model name that breaks paths": (
        "models.yaml",
        lambda m: m.update({"org/model name": m["scripted-perfect"]}),
        ["config/models.yaml", "org/model name", "not allowed"],
    ),
    "quant with no weight source": (
        "config.yaml",
        lambda c: c["grid"][1].update(quant="Q8_0"),
        ["config/config.yaml", "grid[1]", "'quant'", "Q8_0", "known: none"],
    ),
    "missing required fact": (
        "models.yaml",
        lambda m: m["SmolLM2-135M-Instruct"]["facts"].pop("parameters_b"),
        ["config/models.yaml", "SmolLM2-135M-Instruct", "'facts'", "parameters_b"],
    ),
    "wrong type": (
        "config.yaml",
        lambda c: c.update(generation={"max_tokens": "many"}),
        ["config/config.yaml", "generation.max_tokens", "'many'"],
    ),
    "weight source the backend cannot run": (
        "models.yaml",
        lambda m: m["scripted-perfect"]["weights"].update(none={"api_model": "gpt-4"}),
        ["config/models.yaml", "scripted-perfect", "weights.none", "api_model"],
    ),
    "two weight sources for one quant": (
        "models.yaml",
        lambda m: m["scripted-perfect"]["weights"]["none"].update(path="/models/x"),
        ["config/models.yaml", "scripted-perfect", "weights.none", "exactly one"],
    ),
    "API backend without an address": (
        "backends.yaml",
        lambda b: b["together"].pop("base_url"),
        ["config/backends.yaml", "together"],
    ),
    "unknown scripted policy": (
        "models.yaml",
        lambda m: m["scripted-perfect"]["weights"]["none"].update(scripted="cheater"),
        ["config/models.yaml", "scripted-perfect", "weights.none.scripted", "cheater"],
    ),
    "unknown key in config": (
        "config.yaml",
        lambda c: c.update(instance_limit=3),
        ["config/config.yaml", "instance_limit"],
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_named(case, workdir, monkeypatch, capsys):
    file, change, expected = BAD_INPUTS[case]
    edit_yaml(workdir / "config" / file, change)
    with pytest.raises(RegistryError) as error:
        load(workdir, monkeypatch)
    for part in expected:
        assert part in str(error.value), f"{part!r} missing from: {error.value}"
    assert main(["validate"]) == 2
    assert expected[0] in capsys.readouterr().err


def test_missing_registry_file(workdir, monkeypatch):
    (workdir / "config" / "backends.yaml").unlink()
    with pytest.raises(RegistryError, match="config/backends.yaml.*file not found"):
        load(workdir, monkeypatch)


def test_snakemake_refuses_bad_config_before_any_job(workdir):
    edit_yaml(
        workdir / "config" / "config.yaml", lambda c: c["grid"][0].update(backend="vllm-nowhere")
    )
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--cores", "1"],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "config/config.yaml: entry 'grid[0]', field 'backend'" in run.stdout + run.stderr
    assert not (workdir / "results").exists()


def test_entries_are_typed_and_stay_the_yaml_mappings(workdir, monkeypatch):
    """Entries are parsed once into ModelEntry/BackendEntry; as dicts they are the validated
    YAML (what identities and params are made of), with typed accessors on top."""
    from clemgrid.entries import BackendEntry, ModelEntry
    from clemgrid.hashing import canonical_json
    from clemgrid.keys import ConfigKey

    grid = load(workdir, monkeypatch)
    models = yaml.safe_load((workdir / "config" / "models.yaml").read_text())
    entry = grid.models["scripted-perfect"]
    assert isinstance(entry, ModelEntry) and entry == models["scripted-perfect"]
    assert canonical_json(entry) == canonical_json(models["scripted-perfect"])
    assert entry.facts == models["scripted-perfect"]["facts"]
    assert entry.synthetic and entry.parameters_b == 0.0
    source = entry.source("none")
    assert (source.quant, source.kind, source.spec) == ("none", "scripted", "perfect")
    assert entry.at("none").weight_source == {"scripted": "perfect"}
    backend = grid.backends["scripted"]
    assert isinstance(backend, BackendEntry) and backend.kind == "scripted"
    assert backend.options == {} and backend.launch is None
    cfg = grid.configs[0]
    assert cfg.key == ConfigKey("scripted-perfect", "scripted", "none") == grid.keys[0]
    assert grid.play_config(*("scripted-perfect", "scripted", "none")) is cfg


def test_config_key_is_one_type():
    from clemgrid.analysis.agreement import ConfigKey as AgreementKey
    from clemgrid.keys import ConfigKey

    key = ConfigKey.of({"model": "m", "backend": "b", "quant": "q", "games": ["taboo"]})
    assert AgreementKey is ConfigKey and key == ConfigKey("m", "b", "q")
    assert (key.label, key.stem) == ("m / b / q", "m.b.q")
    assert sorted([ConfigKey("m", "c", "q"), key]) == [key, ConfigKey("m", "c", "q")]


def test_schemas_are_package_data():
    """Read from the package (src/clemgrid/schemas/ links to workflow/schemas/), not by a path
    into the repository."""
    from importlib.resources import files

    from clemgrid.registry import load_schema

    for name in ("config", "models", "backends"):
        shipped = files("clemgrid.schemas") / f"{name}.schema.yaml"
        assert load_schema(name) == yaml.safe_load(shipped.read_text())
        linked = ROOT / "workflow" / "schemas" / f"{name}.schema.yaml"
        assert linked.read_text() == shipped.read_text()
