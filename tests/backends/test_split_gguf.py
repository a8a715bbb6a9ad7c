"""Split GGUF weights (`*-00001-of-0000N.gguf`): every part is fetched from the hub (through
huggingface_hub, from a local cache stand-in), local parts must all lie beside the first, and
llama.cpp loads the model whole from its first part, generating exactly what the unsplit file
does. A missing part is an error naming that part."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import huggingface_hub
import pytest
from gguf_split import split_gguf

from clemgrid.backends import weights
from clemgrid.backends.base import GenerationParams
from clemgrid.backends.llama_cpp import LlamaCppBackend
from clemgrid.backends.transformers import _from_pretrained_args
from clemgrid.backends.weights import WeightsError, split_parts, weight_file

GREEDY = GenerationParams(temperature=0.0, max_tokens=24, seed=0)
REPO, COMMIT = "org/split-model", "0" * 40


def with_source(cfg, source: dict):
    return replace(cfg, model_entry={**cfg.model_entry, "weights": {cfg.quant: source}})


@pytest.fixture(scope="module")
def parts(tmp_path_factory, make_config) -> list[Path]:
    """The embedded GGUF in three parts (parts 2 and 3 without metadata, as gguf-split writes)."""
    out = tmp_path_factory.mktemp("split")
    return split_gguf(weight_file(make_config("llama_cpp")), out, 3)


def test_part_names() -> None:
    assert split_parts("d/m-00001-of-00003.gguf") == [
        "d/m-00001-of-00003.gguf",
        "d/m-00002-of-00003.gguf",
        "d/m-00003-of-00003.gguf",
    ]
    assert split_parts("m.Q8_0.gguf") == ["m.Q8_0.gguf"]
    with pytest.raises(ValueError, match="part 2 of a split GGUF: name the first"):
        split_parts("m-00002-of-00003.gguf")


@pytest.fixture
def hub_cache(tmp_path, monkeypatch):
    """A Hugging Face cache (HF_HUB_CACHE layout: refs/main -> snapshots/<commit>/<file>) that
    huggingface_hub reads offline; returns (add files, files asked for)."""
    repo = tmp_path / "hub" / f"models--{REPO.replace('/', '--')}"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(COMMIT)
    snapshot = repo / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    asked: list[str] = []
    real = huggingface_hub.hf_hub_download

    def download(**kwargs):
        asked.append(kwargs["filename"])
        return real(**kwargs)

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", download)

    def add(files: list[Path]) -> Path:
        for file in files:
            (snapshot / file.name).symlink_to(file)
        return snapshot

    return add, asked


def test_hub_split_fetches_every_part(make_config, parts, hub_cache) -> None:
    add, asked = hub_cache
    snapshot = add(parts)
    cfg = with_source(make_config("llama_cpp"), {"hub": {"repo": REPO, "file": parts[0].name}})
    assert weight_file(cfg) == snapshot / parts[0].name
    assert asked == [p.name for p in parts]


def test_hub_split_with_a_missing_part_names_it(make_config, parts, hub_cache) -> None:
    add, _ = hub_cache
    add([parts[0], parts[2]])
    cfg = with_source(make_config("llama_cpp"), {"hub": {"repo": REPO, "file": parts[0].name}})
    with pytest.raises(WeightsError, match=rf"cannot get '{parts[1].name}' \(part of the split"):
        weight_file(cfg)


def test_local_split_with_a_missing_part_names_it(make_config, parts, tmp_path) -> None:
    for part in parts[:2]:
        shutil.copy(part, tmp_path / part.name)
    cfg = with_source(make_config("llama_cpp"), {"path": str(tmp_path / parts[0].name)})
    missing = str(tmp_path / parts[2].name)
    with pytest.raises(WeightsError, match=rf"weights\.Q4_1\.path: part '{missing}' .* not exist"):
        weight_file(cfg)


def test_transformers_refuses_a_split_gguf(make_config, parts) -> None:
    cfg = with_source(make_config("transformers"), {"path": str(parts[0])})
    with pytest.raises(WeightsError, match="transformers' GGUF loader reads one file"):
        _from_pretrained_args(cfg)


@pytest.mark.slow
def test_split_generates_exactly_what_the_whole_file_does(make_config, parts, chats) -> None:
    whole = make_config("llama_cpp")
    split = with_source(whole, {"path": str(parts[0])})
    assert weights.is_split(weight_file(split))
    with LlamaCppBackend(whole) as backend:
        expected = backend.generate(chats, GREEDY)
    with LlamaCppBackend(split) as backend:
        assert backend.generate(chats, GREEDY) == expected


def test_prefetch_gets_every_part_and_hub_models(make_config, parts, hub_cache) -> None:
    """The login-node prefetch (clemgrid.prefetch) resolves what the jobs will load:
    every part of a split GGUF, a hub model's folder, a built quant's source."""
    from clemgrid.prefetch import prefetch

    add, asked = hub_cache
    snapshot = add(parts)
    (snapshot / "config.json").write_text("{}")
    (snapshot / "model.safetensors").write_bytes(b"")
    cfg = make_config("llama_cpp")
    split = {"hub": {"repo": REPO, "file": parts[0].name}}
    built = {"derive": {"from": "split", "type": "F16"}}
    weights = {"split": split, "repo": {"hub": {"repo": REPO}}, cfg.quant: built}
    cfg = replace(cfg, model_entry={**cfg.model_entry, "weights": weights})
    assert prefetch(cfg) == snapshot / parts[0].name
    assert asked == [p.name for p in parts]
    assert prefetch(replace(cfg, quant="repo")) == snapshot
