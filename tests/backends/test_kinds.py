"""Backend kinds: one class per kind, registered once, and what each says about an entry."""

from __future__ import annotations

import pytest

from clemgrid.backends import load_backend
from clemgrid.backends.kinds import KINDS, kind_of
from clemgrid.entries import PlayConfig
from clemgrid.registry import load_schema

LAUNCHED_VLLM = {"kind": "openai_compatible", "launch": {"server": "vllm"}}
LAUNCHED_LLAMA = {"kind": "openai_compatible", "launch": {"server": "llama_cpp"}}
API = {"kind": "openai_compatible", "base_url": "https://api.example.org/v1"}


def test_every_kind_of_the_schema_is_registered() -> None:
    schema = load_schema("backends")
    assert set(schema["additionalProperties"]["properties"]["kind"]["enum"]) == set(KINDS)


@pytest.mark.parametrize(
    ("entry", "label", "sources"),
    [
        (API, "openai_compatible", {"api_model"}),
        (LAUNCHED_LLAMA, "openai_compatible+launch", {"package_file", "path", "hub", "derive", "quantize"}),
        ({"kind": "llama_cpp"}, "llama_cpp", {"package_file", "path", "hub", "derive", "quantize"}),
        ({"kind": "transformers"}, "transformers", {"package_file", "path", "hub", "derive", "quantize", "bitsandbytes", "lora"}),
        ({"kind": "scripted"}, "scripted", {"scripted", "synthetic"}),
    ],
)  # fmt: skip
def test_accepted_weight_sources(entry, label, sources) -> None:
    kind = kind_of(entry)
    assert (kind.label(entry), set(kind.accepts(entry))) == (label, sources)


@pytest.mark.parametrize(
    ("entry", "gpu", "local"),
    [
        ({"kind": "transformers"}, True, True),
        ({"kind": "transformers", "options": {"device": "cpu"}}, False, True),
        ({"kind": "llama_cpp"}, False, True),
        ({"kind": "llama_cpp", "options": {"n_gpu_layers": -1}}, True, True),
        (LAUNCHED_VLLM, True, True),
        (LAUNCHED_LLAMA, False, True),
        ({**LAUNCHED_LLAMA, "launch": {"server": "llama_cpp", "options": {"n_gpu_layers": 99}}}, True, True),
        (API, False, False),
        ({"kind": "scripted"}, False, False),
    ],
)  # fmt: skip
def test_gpu_use_and_locality(entry, gpu, local) -> None:
    kind = kind_of(entry)
    assert (kind.uses_gpu(entry), kind.runs_locally(entry)) == (gpu, local)


def test_only_openai_compatible_backends_render_prompts_elsewhere() -> None:
    assert [name for name, kind in KINDS.items() if not kind.renders_prompts] == [
        "openai_compatible"
    ]


def test_an_unknown_kind_is_named() -> None:
    cfg = PlayConfig("m", "b", "q", {"weights": {"q": {"path": "x"}}}, {"kind": "onnx"})
    with pytest.raises(ValueError, match="backend 'b': unknown kind 'onnx'"):
        load_backend(cfg, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown backend kind 'onnx'"):
        kind_of({"kind": "onnx"})
