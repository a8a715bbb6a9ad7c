"""What a GGUF file holds (file type, tensor types, sizes, hash), read without loading it.

Used by the quantizer (sidecars) and by the transformers backend (which files it can load); a
module of its own so that the backends need not import the quantizer. `gguf` is imported
where used.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any


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
