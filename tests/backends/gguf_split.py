"""Split a GGUF file into parts as llama.cpp's `gguf-split` does (the tool is not installed
here), with the gguf package: `<stem>-00001-of-0000N.gguf`, ..., the first holding all metadata,
each `split.no`, `split.count` and `split.tensors.count`; written by GGUFWriter's own sharding
(`split_max_tensors`)."""

from __future__ import annotations

from pathlib import Path

import gguf


def split_gguf(source: Path, out_dir: Path, parts: int) -> list[Path]:
    """The parts of `source` (about equal numbers of tensors each) in `out_dir`, first first."""
    reader = gguf.GGUFReader(source)
    per_part = -(-len(reader.tensors) // parts)
    arch = reader.get_field(gguf.Keys.General.ARCHITECTURE).contents()
    writer = gguf.GGUFWriter(out_dir / source.name, arch, split_max_tensors=per_part)
    for field in reader.fields.values():
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)
    for tensor in reader.tensors:
        writer.add_tensor_info(
            tensor.name,
            tensor.data.shape,
            tensor.data.dtype,
            tensor.data.nbytes,
            tensor.tensor_type,
        )
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for tensor in reader.tensors:
        writer.write_tensor_data(tensor.data, tensor_endianess=reader.endianess)
    writer.close()
    stem = source.name.removesuffix(".gguf")
    return [out_dir / f"{stem}-{i:05d}-of-{parts:05d}.gguf" for i in range(1, parts + 1)]
