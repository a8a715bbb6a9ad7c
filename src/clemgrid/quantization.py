"""Derived GGUF weights: dequantized copies and llama.cpp quantizations, with their provenance.

Quantization is an experimental factor here, so a quant the registry does not find ready-made
is produced by the `quantize` rule instead of being downloaded from someone who made it with an
unknown tool and settings. Two weight-source kinds (config/models.yaml `weights.<quant>`) are
built this way, both from another quant of the same model:

- `derive: {from, type}` dequantizes every tensor with the `gguf` package (exactly the values
  llama.cpp computes from the source blocks) and stores them as F32 or F16, 1-D tensors (norms)
  always as F32, as llama.cpp's converter does. No precision comes back: an F16 derived from Q4_1
  holds Q4_1's values (rounded to F16), and is labelled so everywhere.
- `quantize: {from, type}` runs llama.cpp's quantizer as shipped in llama-cpp-python, with its
  default parameters (no importance matrix), on a higher-precision GGUF.

Every file gets a JSON sidecar with its source (package or path and sha256), the source's and
the output's file type and tensor types, the tool and its version, and a human label. The
output depends only on the source bytes and the request, so a rebuild is byte-identical.

Heavy libraries (gguf, llama_cpp) are imported where used: the registry imports the names
below, and scripted runs must start fast.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Where the `quantize` rule writes a derived quant; weights.py resolves such sources to it.
DERIVED_WEIGHTS = "results/weights/{model}/{quant}.gguf"
DERIVED_SIDECAR = "results/weights/{model}/{quant}.json"

# Weight-source kinds built by the `quantize` rule, and the kind loaded with bitsandbytes.
DERIVED_KINDS = ("derive", "quantize")
BITSANDBYTES_KIND = "bitsandbytes"

# `derive.type`: what dequantized tensors are stored as.
DERIVE_TYPES = ("F32", "F16")
# `quantize.type`: llama.cpp file types (llama_cpp.LLAMA_FTYPE_MOSTLY_<type>) that need no
# importance matrix. Keep in sync with workflow/schemas/models.schema.yaml (tested).
QUANTIZE_TYPES = (
    "F16",
    "BF16",
    "Q8_0",
    "Q6_K",
    "Q5_K_M",
    "Q5_K_S",
    "Q5_1",
    "Q5_0",
    "Q4_K_M",
    "Q4_K_S",
    "Q4_1",
    "Q4_0",
    "Q3_K_L",
    "Q3_K_M",
    "Q3_K_S",
    "Q2_K",
)
BITSANDBYTES_BITS = (8, 4)

log = logging.getLogger("clemgrid")


class QuantizationError(RuntimeError):
    """A derived file could not be built; the message names the source and the request."""


def derived_paths(model: str, quant: str) -> tuple[Path, Path]:
    """(GGUF file, JSON sidecar) of a derived quant, relative to the working directory."""
    return (
        Path(DERIVED_WEIGHTS.format(model=model, quant=quant)),
        Path(DERIVED_SIDECAR.format(model=model, quant=quant)),
    )


def built_kind(source: Mapping[str, Any]) -> str | None:
    """The kind of a weight source made from another quant (`derive`, `quantize`,
    `bitsandbytes`), or None for weights that come from elsewhere."""
    return next((k for k in (*DERIVED_KINDS, BITSANDBYTES_KIND) if k in source), None)


def source_chain(weights: Mapping[str, Any], quant: str) -> list[str]:
    """`quant` and the quants it is built from, nearest first (Q8_0 -> F16 -> Q4_1). Every
    `from` must name a quant of `weights` (the registry checks it); a cycle is a ValueError."""
    chain = [quant]
    while (kind := built_kind(weights[chain[-1]])) is not None:
        parent = weights[chain[-1]][kind]["from"]
        if parent in chain:
            cycle = " -> ".join([*chain, parent])
            raise ValueError(f"quants are built from each other in a cycle: {cycle}")
        chain.append(parent)
    return chain


def default_label(weights: Mapping[str, Any], quant: str) -> str:
    """The label of a quant without an explicit `label`: what it is and what it came from."""
    source = weights[quant]
    if "label" in source:
        return str(source["label"])
    if "derive" in source:
        spec = source["derive"]
        return f"{spec['type']} derived from {default_label(weights, spec['from'])}"
    if "quantize" in source:
        spec = source["quantize"]
        return f"{spec['type']} quantized from {default_label(weights, spec['from'])}"
    if BITSANDBYTES_KIND in source:
        spec = source[BITSANDBYTES_KIND]
        return f"bitsandbytes {spec['bits']}-bit from {default_label(weights, spec['from'])}"
    return quant


# --- reading GGUF files -------------------------------------------------------------------


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tensor_types(reader: Any) -> dict[str, int]:
    """Number of tensors of each GGML type in a `gguf.GGUFReader`'s file, what it really
    contains (llama.cpp falls back to other types for tensors whose rows do not fit a k-quant's
    256-value blocks)."""
    counts = Counter(t.tensor_type.name for t in reader.tensors)
    return dict(sorted(counts.items()))


def weights_by_type(reader: Any) -> dict[str, int]:
    """Number of weights (tensor elements) of each GGML type."""
    counts: Counter[str] = Counter()
    for tensor in reader.tensors:
        counts[tensor.tensor_type.name] += int(tensor.n_elements)
    return dict(sorted(counts.items()))


def dominant_tensor_type(weights: Mapping[str, int]) -> str:
    """The GGML type holding most of the weights (`weights_by_type`): what a reader means by
    "a Q8_0 file"."""
    return max(sorted(weights), key=lambda name: weights[name])


def file_type(reader: Any) -> str:
    """`general.file_type` by llama.cpp's name (MOSTLY_Q4_K_M, ...), or "unset"."""
    import gguf

    field = reader.get_field(gguf.Keys.General.FILE_TYPE)
    if field is None:
        return "unset"
    value = int(field.contents())
    try:
        return gguf.LlamaFileType(value).name
    except ValueError:
        return str(value)


def describe(path: str | Path) -> dict[str, Any]:
    """What a GGUF file holds: its file type, tensor and weight counts by type, size, hash.
    The file is parsed once (about 2 s for the embedded model: its vocabulary is metadata)."""
    import gguf

    reader = gguf.GGUFReader(path)
    weights = weights_by_type(reader)
    return {
        "sha256": sha256(path),
        "bytes": Path(path).stat().st_size,
        "file_type": file_type(reader),
        "dominant_tensor_type": dominant_tensor_type(weights),
        "tensor_types": tensor_types(reader),
        "weights_by_type": weights,
    }


def undequantizable_types(path: str | Path) -> list[str]:
    """Tensor types in the file that the `gguf` package cannot dequantize, which is what
    transformers' GGUF loader uses: such a file cannot be loaded by transformers."""
    import gguf
    from gguf.quants import _type_traits

    readable = {gguf.GGMLQuantizationType.F32, gguf.GGMLQuantizationType.F16}
    readable |= set(_type_traits)
    return sorted(
        {t.tensor_type.name for t in gguf.GGUFReader(path).tensors if t.tensor_type not in readable}
    )


# --- building -----------------------------------------------------------------------------


@contextmanager
def _atomic(out: Path) -> Iterator[Path]:
    """A temporary path next to `out`, renamed to `out` only when the block succeeds."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def derive(source: str | Path, out: str | Path, type: str) -> None:
    """Dequantize every tensor of `source` and write it as `type` (F32, or F16 for tensors of 2
    or more dimensions), with all metadata copied and `general.file_type` set to match."""
    import gguf
    import numpy as np

    if type not in DERIVE_TYPES:
        raise QuantizationError(f"derive: type {type!r} is not one of {', '.join(DERIVE_TYPES)}")
    reader = gguf.GGUFReader(source)
    if reader.endianess != gguf.GGUFEndian.LITTLE:
        raise QuantizationError(f"derive: {source} is a big-endian GGUF (not supported)")
    arch_field = reader.get_field(gguf.Keys.General.ARCHITECTURE)
    if arch_field is None:
        raise QuantizationError(f"derive: {source} has no general.architecture")
    out = Path(out)
    wanted = gguf.GGMLQuantizationType[type]
    f32 = gguf.GGMLQuantizationType.F32

    def stored(tensor: Any) -> tuple[Any, Any]:
        """(numpy dtype, GGML type) a tensor is written as: 1-D tensors stay F32."""
        target = f32 if len(tensor.shape) <= 1 else wanted
        return (np.float32 if target == f32 else np.float16), target

    with _atomic(out) as tmp:
        writer = gguf.GGUFWriter(tmp, arch=str(arch_field.contents()))
        for field in reader.fields.values():
            # Virtual fields (GGUF.*), and fields the writer sets itself.
            if field.name.startswith("GGUF.") or field.name in (
                gguf.Keys.General.ARCHITECTURE,
                gguf.Keys.General.ALIGNMENT,
            ):
                continue
            if field.name == gguf.Keys.General.FILE_TYPE:
                writer.add_file_type(int(getattr(gguf.LlamaFileType, _file_type_name(type))))
                continue
            value_type = field.types[0]
            sub_type = field.types[-1] if value_type == gguf.GGUFValueType.ARRAY else None
            writer.add_key_value(field.name, field.contents(), value_type, sub_type=sub_type)
        if reader.get_field(gguf.Keys.General.FILE_TYPE) is None:
            writer.add_file_type(int(getattr(gguf.LlamaFileType, _file_type_name(type))))
        if reader.alignment != gguf.GGUF_DEFAULT_ALIGNMENT:
            writer.add_custom_alignment(reader.alignment)
        for tensor in reader.tensors:
            dtype, target = stored(tensor)
            shape = tuple(int(n) for n in reversed(tensor.shape))  # numpy order
            nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
            writer.add_tensor_info(tensor.name, shape, np.dtype(dtype), nbytes, raw_dtype=target)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        for tensor in reader.tensors:
            dtype, _ = stored(tensor)
            values = gguf.quants.dequantize(tensor.data, tensor.tensor_type)
            writer.write_tensor_data(np.ascontiguousarray(values, dtype=dtype))
        writer.close()


def _file_type_name(type: str) -> str:
    return "ALL_F32" if type == "F32" else f"MOSTLY_{type}"


def quantize(source: str | Path, out: str | Path, type: str, threads: int = 0) -> str:
    """llama.cpp's quantizer (`llama_model_quantize` with its default parameters) from `source`
    to `type`; returns what the quantizer logged (its fallbacks for tensors that do not fit a
    type's blocks). The output does not depend on `threads` (rows are quantized independently)."""
    import llama_cpp
    from llama_cpp import _logger as llama_logger

    if type not in QUANTIZE_TYPES:
        raise QuantizationError(
            f"quantize: type {type!r} is not one of {', '.join(QUANTIZE_TYPES)}"
        )
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{type}")
    params.nthread = threads
    out = Path(out)
    captured = io.StringIO()
    with _atomic(out) as tmp:
        # llama-cpp-python prints llama.cpp's log to sys.stderr when its logger is at INFO.
        level, stderr = llama_logger.logger.level, sys.stderr
        llama_logger.logger.setLevel(logging.INFO)
        sys.stderr = captured
        try:
            status = llama_cpp.llama_model_quantize(
                str(source).encode(), str(tmp).encode(), llama_cpp.byref(params)
            )
        finally:
            sys.stderr = stderr
            llama_logger.logger.setLevel(level)
        if status != 0:
            raise QuantizationError(
                f"llama.cpp could not quantize {source} to {type} (status {status}):\n"
                f"{captured.getvalue()[-4000:]}"
            )
    return captured.getvalue()


def tool_versions() -> dict[str, str]:
    """The packages whose code makes the bytes of a derived file."""
    return {
        name: importlib.metadata.version(name) for name in ("gguf", "llama_cpp_python", "numpy")
    }


def recipe(model: str, weights: Mapping[str, Any], quant: str) -> dict[str, Any]:
    """What determines a built quant's file and sidecar (the quantize rule's params, so its
    rerun trigger): the model, the quant, the weight sources of the quant and of the quants it
    is built from, and the versions of the code that makes the bytes."""
    return {
        "model": model,
        "quant": quant,
        "weights": {q: weights[q] for q in source_chain(weights, quant)},
        "tools": tool_versions(),
    }


def build(
    recipe: Mapping[str, Any], out: str | Path, sidecar: str | Path, threads: int = 0
) -> dict[str, Any]:
    """Build one `derive`/`quantize` quant from its `recipe` (see `recipe`) and write its
    sidecar; returns the sidecar's content."""
    from clemgrid.backends.weights import build_input
    from clemgrid.registry import PlayConfig, weight_source_kind

    cfg = PlayConfig(
        recipe["model"], "(quantize)", recipe["quant"], {"weights": recipe["weights"]}, {}
    )
    kind = weight_source_kind(cfg.weight_source)
    spec = cfg.weight_source[kind]
    source, source_spec = build_input(cfg)
    log.info("building %s %s (%s) from %s", cfg.model, cfg.quant, kind, source)
    if kind == "derive":
        derive(source, out, spec["type"])
        tool = {
            "name": "gguf.quants.dequantize + gguf.GGUFWriter",
            "version": tool_versions()["gguf"],
        }
    elif kind == "quantize":
        report = quantize(source, out, spec["type"], threads)
        log.info("llama.cpp quantizer:\n%s", report)
        tool = {
            "name": "llama.cpp llama_model_quantize (llama-cpp-python), default parameters",
            "version": tool_versions()["llama_cpp_python"],
        }
    else:
        raise QuantizationError(f"unknown kind {kind!r} (known: {', '.join(DERIVED_KINDS)})")
    data = {
        "model": cfg.model,
        "quant": cfg.quant,
        "label": default_label(recipe["weights"], cfg.quant),
        "recipe": {kind: dict(spec)},
        "requested_type": spec["type"],
        "source": {"quant": spec["from"], **source_spec, **_without(describe(source), "bytes")},
        "output": {"file": str(derived_paths(cfg.model, cfg.quant)[0]), **describe(out)},
        "tool": tool,
        "versions": tool_versions(),
    }
    Path(sidecar).parent.mkdir(parents=True, exist_ok=True)
    Path(sidecar).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return data


def _without(mapping: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k not in keys}


def distribution_version(package: str) -> str | None:
    """The installed distribution (name==version) that provides an import package."""
    names = importlib.metadata.packages_distributions().get(package) or []
    for name in sorted(names):
        try:
            return f"{name}=={importlib.metadata.version(name)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return None
