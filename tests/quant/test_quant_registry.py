"""Derived and bitsandbytes weight sources in the registry, per-entry games, and the errors that
name file, entry and field; the bitsandbytes refusal without CUDA. Fast: nothing is built."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import gguf
import numpy as np
import pytest
import yaml
from support import edit_yaml
from support import load_workdir_grid as load

from clemgrid.backends.weights import WeightsError, build_input, weight_file, weight_location
from clemgrid.quantization import DERIVE_TYPES, QUANTIZE_TYPES, undequantizable_types
from clemgrid.registry import PlayConfig, RegistryError, load_schema

MODEL = "SmolLM2-135M-Instruct"


def smol_weights(change):
    return lambda m: change(m[MODEL]["weights"])


BAD_SOURCES = {
    "from names no quant": (
        smol_weights(lambda w: w["F16"]["derive"].update({"from": "Q3_X"})),
        ["weights.F16.derive.from", "'Q3_X' is not a quant of this model", "known: Q4_1, F16"],
    ),
    "unsupported derive type": (
        smol_weights(lambda w: w["F16"]["derive"].update(type="Q4_0")),
        ["weights.F16.derive.type", "'Q4_0' is not one of ['F32', 'F16']"],
    ),
    "unsupported quantize type": (
        smol_weights(lambda w: w["Q8_0"]["quantize"].update(type="Q9_K")),
        ["weights.Q8_0.quantize.type", "'Q9_K'"],
    ),
    "from an API model": (
        smol_weights(
            lambda w: w.update(
                api={"api_model": "x"}, Q2={"quantize": {"from": "api", "type": "Q2_K"}}
            )
        ),
        ["weights.Q2.quantize.from", "cannot be built from quant 'api'", "'api_model'"],
    ),
    "from a hub model without a file": (
        smol_weights(
            lambda w: w.update(
                hub={"hub": {"repo": "o/m"}}, Q2={"derive": {"from": "hub", "type": "F16"}}
            )
        ),
        ["weights.Q2.derive.from", "without `file:`"],
    ),
    "a cycle": (
        smol_weights(
            lambda w: w.update(
                A={"quantize": {"from": "B", "type": "Q8_0"}},
                B={"quantize": {"from": "A", "type": "Q4_0"}},
            )
        ),
        ["weights.A.quantize.from", "cycle: A -> B -> A"],
    ),
    "bitsandbytes bits": (
        smol_weights(lambda w: w.update(bnb3={"bitsandbytes": {"from": "F16", "bits": 3}})),
        ["weights.bnb3.bitsandbytes.bits", "3"],
    ),
    "bitsandbytes from a scripted player": (
        lambda m: m["scripted-perfect"]["weights"].update(
            bnb8={"bitsandbytes": {"from": "none", "bits": 8}}
        ),
        ["scripted-perfect", "weights.bnb8.bitsandbytes.from", "'scripted'"],
    ),
}


@pytest.mark.parametrize("case", BAD_SOURCES, ids=list(BAD_SOURCES))
def test_bad_built_sources_are_named(case, workdir, monkeypatch) -> None:
    change, expected = BAD_SOURCES[case]
    edit_yaml(workdir / "config" / "models.yaml", change)
    with pytest.raises(RegistryError) as error:
        load(workdir, monkeypatch)
    assert str(error.value).startswith("config/models.yaml: entry ")
    for part in expected:
        assert part in str(error.value), f"{part!r} missing from: {error.value}"


def test_schema_types_are_the_library_types() -> None:
    source = load_schema("models")["additionalProperties"]["properties"]["weights"]
    kinds = source["additionalProperties"]["properties"]
    assert tuple(kinds["quantize"]["properties"]["type"]["enum"]) == QUANTIZE_TYPES
    assert tuple(kinds["derive"]["properties"]["type"]["enum"]) == DERIVE_TYPES


def test_derived_quants_play_on_gguf_backends(workdir, monkeypatch) -> None:
    def grid(c):
        c["grid"] += [
            {"model": MODEL, "backend": b, "quant": q}
            for b in ("llama_cpp", "transformers", "llama_cpp_server")
            for q in ("F16", "Q8_0", "Q4_K_M", "Q4_0")
        ]

    edit_yaml(workdir / "config" / "config.yaml", grid)
    assert len(load(workdir, monkeypatch).configs) == 14
    edit_yaml(
        workdir / "config" / "config.yaml",
        lambda c: c["grid"].append({"model": MODEL, "backend": "together", "quant": "F16"}),
    )
    with pytest.raises(RegistryError, match=r"weights\.F16.*'derive' source cannot be run"):
        load(workdir, monkeypatch)


def test_identity_keeps_only_the_quant_and_its_sources(workdir, monkeypatch) -> None:
    edit_yaml(
        workdir / "config" / "config.yaml",
        lambda c: c["grid"].extend(
            [
                {"model": MODEL, "backend": "llama_cpp", "quant": "Q4_1"},
                {"model": MODEL, "backend": "llama_cpp", "quant": "Q8_0"},
            ]
        ),
    )
    grid = load(workdir, monkeypatch)
    q4_1, q8_0 = grid.configs[-2:]
    assert list(q4_1.identity()["model_entry"]["weights"]) == ["Q4_1"]
    assert list(q8_0.identity()["model_entry"]["weights"]) == ["Q8_0", "F16", "Q4_1"]
    # Adding a quant to the model changes neither; editing a source of Q8_0 changes Q8_0's.
    before = (q4_1.identity(), q8_0.identity())
    edit_yaml(
        workdir / "config" / "models.yaml",
        smol_weights(lambda w: w.update(Q5_0={"quantize": {"from": "F16", "type": "Q5_0"}})),
    )
    grid = load(workdir, monkeypatch)
    assert (grid.configs[-2].identity(), grid.configs[-1].identity()) == before
    edit_yaml(
        workdir / "config" / "models.yaml",
        smol_weights(lambda w: w["F16"]["derive"].update(type="F32")),
    )
    grid = load(workdir, monkeypatch)
    assert grid.configs[-2].identity() == before[0]
    assert grid.configs[-1].identity() != before[1]


def test_grid_entry_games(workdir, monkeypatch) -> None:
    def games(c):
        c["games"] = ["taboo", "wordle", "taboo+1shot"]
        c["grid"][1]["games"] = ["taboo+1shot", "taboo"]

    edit_yaml(workdir / "config" / "config.yaml", games)
    grid = load(workdir, monkeypatch)
    perfect, never = grid.configs
    assert grid.games_for(perfect) == ["taboo", "wordle", "taboo+1shot"]
    assert grid.games_for(never) == ["taboo", "taboo+1shot"]  # in the top-level order
    assert [(c.model, g) for c, g in grid.plays()] == [
        ("scripted-perfect", "taboo"),
        ("scripted-perfect", "wordle"),
        ("scripted-perfect", "taboo+1shot"),
        ("scripted-never-right", "taboo"),
        ("scripted-never-right", "taboo+1shot"),
    ]
    edit_yaml(
        workdir / "config" / "config.yaml", lambda c: c["grid"][0].update(games=["imagegame"])
    )
    with pytest.raises(RegistryError) as error:
        load(workdir, monkeypatch)
    assert str(error.value).startswith(
        "config/config.yaml: entry 'grid[0]', field 'games[0]': game 'imagegame' is not in the "
        "top-level `games` list (taboo, wordle, taboo+1shot)"
    )
    edit_yaml(workdir / "config" / "config.yaml", lambda c: c["grid"][0].update(games=[]))
    with pytest.raises(RegistryError, match=r"grid\[0\]\.games"):
        load(workdir, monkeypatch)


def smol(quant: str, backend_entry: dict | None = None) -> PlayConfig:
    entry = yaml.safe_load((Path(__file__).parents[2] / "config" / "models.yaml").read_text())
    return PlayConfig(MODEL, "transformers", quant, entry[MODEL], backend_entry or {})


def test_derived_weights_resolve_to_the_rule_output(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WeightsError) as error:
        weight_file(smol("Q8_0"))
    message = str(error.value)
    assert f"model '{MODEL}', quant 'Q8_0', field weights.Q8_0.quantize" in message
    assert f"results/weights/{MODEL}/Q8_0.gguf' is not built yet" in message
    built = tmp_path / "results" / "weights" / MODEL / "Q8_0.gguf"
    built.parent.mkdir(parents=True)
    built.write_bytes(b"GGUF")
    assert weight_file(smol("Q8_0")) == built
    (built.parent / "F16.gguf").write_bytes(b"GGUF")
    path, spec = build_input(smol("Q8_0"))
    assert path == built.parent / "F16.gguf"
    assert spec == {
        "kind": "derive",
        "file": f"results/weights/{MODEL}/F16.gguf",
        "label": "F16 derived from Q4_1",
    }


BNB = {"bitsandbytes": {"from": "Q4_1", "bits": 8}}


def bnb_config(device: str | None) -> PlayConfig:
    cfg = smol("bnb8", {"kind": "transformers", "options": {"device": device} if device else {}})
    weights = {**cfg.model_entry["weights"], "bnb8": BNB}
    return replace(cfg, model_entry={**cfg.model_entry, "weights": weights})


@pytest.fixture
def no_loading(monkeypatch):
    """Fail the test if the transformers backend starts loading anything."""
    import clemgrid.backends.transformers as module

    def refuse(*args, **kwargs):
        raise AssertionError("loading started before the bitsandbytes check")

    monkeypatch.setattr(module, "weight_location", refuse)
    monkeypatch.setattr(module.AutoTokenizer, "from_pretrained", refuse)
    monkeypatch.setattr(module.AutoModelForCausalLM, "from_pretrained", refuse)
    return module


@pytest.mark.parametrize(
    ("device", "cuda", "reason"),
    [
        (None, False, "no CUDA GPU is available to torch on this machine"),
        ("cpu", True, "backend 'transformers' runs on device 'cpu'"),
        ("cuda", True, "the bitsandbytes package is not installed"),
    ],
)
def test_bitsandbytes_without_cuda_is_refused_before_loading(
    no_loading, monkeypatch, device, cuda, reason
) -> None:
    monkeypatch.setattr(no_loading.torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(no_loading.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(WeightsError) as error:
        no_loading.TransformersBackend(bnb_config(device))
    assert str(error.value) == (
        f"model '{MODEL}', quant 'bnb8' (bitsandbytes 8-bit): needs a CUDA GPU with "
        f"bitsandbytes, but {reason}"
        + (" (pip install bitsandbytes)" if "package" in reason else "")
    )


def test_bitsandbytes_source_loads_the_weights_of_its_from(tmp_path) -> None:
    assert weight_location(bnb_config(None)).name == "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_transformers_refuses_a_gguf_it_cannot_dequantize(tmp_path) -> None:
    """The gguf package (transformers' GGUF loader) has no dequantizer for some types."""
    from clemgrid.backends.transformers import _from_pretrained_args

    path = tmp_path / "odd.gguf"
    writer = gguf.GGUFWriter(path, arch="llama")
    q8_1 = gguf.GGMLQuantizationType.Q8_1
    block, size = gguf.GGML_QUANT_SIZES[q8_1]
    data = np.zeros((2, size), dtype=np.uint8)
    writer.add_tensor("blk.0.attn_q.weight", data, raw_dtype=q8_1)
    writer.add_tensor("blk.0.attn_norm.weight", np.ones(block, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    assert undequantizable_types(path) == ["Q8_1"]
    cfg = smol("Q4_1")
    cfg = replace(cfg, model_entry={**cfg.model_entry, "weights": {"Q4_1": {"path": str(path)}}})
    with pytest.raises(WeightsError, match=r"quant 'Q4_1'.*tensor types Q8_1, which transformers"):
        _from_pretrained_args(cfg)
