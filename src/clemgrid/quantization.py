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

Heavy libraries (gguf, llama_cpp) are imported where used: the workflow imports the names
below, and scripted runs must start fast. Weight-source kinds and chains are in
clemgrid.sources (re-exported here).
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from clemgrid.gguf_info import (  # noqa: F401 - re-exported
    describe,
    dominant_tensor_type,
    file_type,
    sha256,
    tensor_types,
    undequantizable_types,
    weights_by_type,
)
from clemgrid.sources import (  # noqa: F401 - re-exported: the workflow imports them from here
    BITSANDBYTES_KIND,
    DERIVED_KINDS,
    DERIVED_SIDECAR,
    DERIVED_WEIGHTS,
    ModelQuant,
    built_kind,
    default_label,
    derived_paths,
    distribution_version,
    source_chain,
    weight_source_kind,
)

# `derive.type`: what dequantized tensors are stored as.
DERIVE_TYPES = ("F32", "F16")
# `quantize.type`: llama.cpp file types (llama_cpp.LLAMA_FTYPE_MOSTLY_<type>) that need no
# importance matrix. Keep in sync with clemgrid/schemas/models.schema.yaml (tested).
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

    cfg = ModelQuant(recipe["model"], recipe["quant"], recipe["weights"])
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
