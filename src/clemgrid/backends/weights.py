"""Resolve a model's weight source (config/models.yaml `weights.<quant>`) to something loadable.

Every error names the model, the quant and the registry field, so a broken registry entry or a
missing download is found from the message alone.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from clemgrid.sources import (
    BITSANDBYTES_KIND,
    DERIVED_KINDS,
    LORA_KIND,
    ModelQuant,
    default_label,
    derived_paths,
    distribution_version,
    lora_paths,
    weight_source_kind,
)


class HasWeights(Protocol):
    """What resolving weights needs: a model's weight sources and the quant wanted. A
    `sources.ModelQuant` or a play config (which also names a backend, unused here)."""

    @property
    def model(self) -> str: ...

    @property
    def quant(self) -> str: ...

    @property
    def weights(self) -> Mapping[str, Any]: ...

    @property
    def weight_source(self) -> Mapping[str, Any]: ...


class WeightsError(ValueError):
    """A weight source that cannot be resolved on this machine."""


SPLIT_PART = re.compile(r"^(?P<stem>.+)-(?P<no>\d{5})-of-(?P<count>\d{5})\.gguf$")
"""A part of a split GGUF (llama.cpp's gguf-split naming, which llama.cpp relies on to find the
other parts beside the first)."""


def split_parts(name: str) -> list[str]:
    """Every part's file name (same folder) if `name` is the first part of a split GGUF, else
    `[name]`. A later part is refused: llama.cpp loads a split model from its first part."""
    match = SPLIT_PART.match(Path(name).name)
    if match is None:
        return [name]
    if int(match["no"]) != 1:
        raise ValueError(f"{name!r} is part {int(match['no'])} of a split GGUF: name the first")
    prefix = name[: len(name) - len(Path(name).name)] + match["stem"]
    count = int(match["count"])
    return [f"{prefix}-{i:05d}-of-{count:05d}.gguf" for i in range(1, count + 1)]


def is_split(path: Path) -> bool:
    return SPLIT_PART.match(path.name) is not None


@dataclass(frozen=True)
class HubModel:
    """A hub model without a single file: `from_pretrained` fetches only the files it needs."""

    repo: str
    revision: str | None = None


def _error(cfg: HasWeights, field: str, problem: str) -> WeightsError:
    return WeightsError(
        f"model {cfg.model!r}, quant {cfg.quant!r}, field weights.{cfg.quant}.{field}: {problem}"
    )


def _source(cfg: HasWeights) -> tuple[str, object]:
    try:
        kind = weight_source_kind(cfg.weight_source)
    except (KeyError, ValueError) as exc:
        raise WeightsError(f"model {cfg.model!r}, quant {cfg.quant!r}: {exc}") from None
    return kind, cfg.weight_source[kind]


def _package_file(cfg: HasWeights, spec: str) -> Path:
    """`pkg/rel/path` inside an installed package, found without importing it (the package's own
    imports may need dependencies that were deliberately not installed)."""
    package, _, rel = spec.partition("/")
    if not rel:
        raise _error(cfg, "package_file", f"{spec!r} is not of the form 'package/relative/path'")
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        found = None
    if found is None or not found.submodule_search_locations:
        raise _error(cfg, "package_file", f"package {package!r} is not installed")
    for location in found.submodule_search_locations:
        candidate = Path(location) / rel
        if candidate.is_file():
            return candidate
    raise _error(cfg, "package_file", f"package {package!r} has no file {rel!r}")


def _parts(cfg: HasWeights, field: str, name: str) -> list[str]:
    try:
        return split_parts(name)
    except ValueError as exc:
        raise _error(cfg, field, str(exc)) from None


def _hub_file(cfg: HasWeights, repo: str, file: str, revision: str | None) -> Path:
    """Download (or find in the HF cache, with HF_HUB_OFFLINE=1) one file of a hub repo; for the
    first part of a split GGUF every part (the cache keeps one revision's files in one folder,
    so they lie beside the first), which is returned."""
    from huggingface_hub import hf_hub_download

    paths = []
    for part in _parts(cfg, "hub", file):
        try:
            paths.append(Path(hf_hub_download(repo_id=repo, filename=part, revision=revision)))
        except Exception as exc:  # the hub raises many unrelated types; all mean "not available"
            what = f"{part!r} (part of the split {file!r})" if part != file else repr(file)
            raise _error(
                cfg, "hub", f"cannot get {what} from {repo!r}: {type(exc).__name__}: {exc}"
            ) from None
    return paths[0]


def _check_parts(cfg: HasWeights, kind: str, path: Path) -> Path:
    """A local split GGUF has every part beside its first (llama.cpp looks for them there)."""
    for part in _parts(cfg, kind, str(path))[1:]:
        if not Path(part).is_file():
            raise _error(cfg, kind, f"part {part!r} of the split GGUF {str(path)!r} does not exist")
    return path


def _derived_file(cfg: HasWeights, kind: str) -> Path:
    """The file the `quantize` rule built for a `derive` or `quantize` source."""
    path, _ = derived_paths(cfg.model, cfg.quant)
    if not path.is_file():
        raise _error(
            cfg,
            kind,
            f"{str(path)!r} is not built yet (in {str(Path.cwd())!r}): the quantize rule builds "
            f"it, e.g. `snakemake {path}`",
        )
    return path.resolve()


def source_quant(cfg: HasWeights, quant: str) -> ModelQuant:
    """The same model at another quant (the `from` of a built source)."""
    return ModelQuant(cfg.model, quant, cfg.weights)


def weight_location(cfg: HasWeights) -> Path | HubModel:
    """A local file or model directory, or a hub model that `from_pretrained` loads itself.
    A `derive`/`quantize` source is the file the quantize rule built; a `bitsandbytes` or
    `lora` source is the weights of the quant it is made from (transformers quantizes them
    while loading, or adds the adapter, `lora_adapter`)."""
    kind, value = _source(cfg)
    if kind in DERIVED_KINDS:
        return _derived_file(cfg, kind)
    if kind in (BITSANDBYTES_KIND, LORA_KIND):
        assert isinstance(value, dict)
        return weight_location(source_quant(cfg, value["from"]))
    if kind == "package_file":
        return _check_parts(cfg, kind, _package_file(cfg, str(value)))
    if kind == "path":
        path = Path(str(value)).expanduser()
        if not path.exists():
            raise _error(cfg, "path", f"{str(path.resolve())!r} does not exist")
        return _check_parts(cfg, kind, path) if path.is_file() else path
    if kind == "hub":
        assert isinstance(value, dict)
        if value.get("file"):
            return _hub_file(cfg, value["repo"], value["file"], value.get("revision"))
        return HubModel(value["repo"], value.get("revision"))
    raise _error(cfg, kind, f"a {kind!r} source has no local weights")


def lora_adapter(cfg: HasWeights) -> Path | None:
    """The folder of the adapter the finetune rule trained for a `lora` quant (None for other
    sources); the base weights are those of its `from` (`weight_location`)."""
    kind, _ = _source(cfg)
    if kind != LORA_KIND:
        return None
    paths = lora_paths(cfg.model, cfg.quant)
    if not paths["adapter"].is_file():
        raise _error(
            cfg,
            LORA_KIND,
            f"{str(paths['adapter'])!r} is not built yet (in {str(Path.cwd())!r}): the finetune "
            f"rule builds it, e.g. `snakemake {paths['adapter']}`",
        )
    return paths["adapter"].parent.resolve()


def weight_file(cfg: HasWeights) -> Path:
    """The weights file (GGUF) that llama.cpp and a launched llama.cpp server load: of a split
    GGUF its first part, with all parts beside it (llama.cpp then loads them all)."""
    location = weight_location(cfg)
    if isinstance(location, HubModel):
        raise _error(cfg, "hub", "needs `file:` (a GGUF file in the repo) for this backend")
    if not location.is_file():
        raise _error(cfg, "path", f"{str(location)!r} is a directory, not a weights file")
    return location


def build_input(cfg: HasWeights) -> tuple[Path, dict[str, Any]]:
    """For a `derive`/`quantize` quant: the GGUF file it is built from, and how the sidecar
    names that file (package file and its distribution, registry path, hub file, or the derived
    file with its label): never a machine-specific absolute path."""
    kind, value = _source(cfg)
    if kind not in DERIVED_KINDS:
        raise _error(cfg, kind, "is not built by the quantize rule (not `derive` or `quantize`)")
    assert isinstance(value, dict)
    parent = source_quant(cfg, value["from"])
    parent_kind, parent_value = _source(parent)
    path = weight_file(parent)
    spec: dict[str, Any] = {"kind": parent_kind}
    if parent_kind == "package_file":
        spec["package_file"] = parent_value
        spec["distribution"] = distribution_version(str(parent_value).partition("/")[0])
    elif parent_kind in DERIVED_KINDS:
        spec["file"] = str(derived_paths(parent.model, parent.quant)[0])
    else:
        spec[parent_kind] = parent_value
    spec["label"] = default_label(cfg.weights, parent.quant)
    return path, spec


def api_model(cfg: HasWeights) -> str:
    """The model name a remote OpenAI-compatible API serves."""
    kind, value = _source(cfg)
    if kind != "api_model":
        raise _error(cfg, kind, "this backend needs an `api_model` source")
    return str(value)
