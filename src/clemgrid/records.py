"""Parquet record layouts (one place for writers and readers) and deterministic writing.

Same rows + same provenance → the same bytes: explicit schemas, no pandas index metadata,
fixed writer settings, no timestamps. Files are written to a temp name and renamed, so a
killed job never leaves a half-written output.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from clemgrid.hashing import canonical_json

KEYS = [
    ("model", pa.string()),
    ("backend", pa.string()),
    ("quant", pa.string()),
    ("game", pa.string()),
]
EPISODE_KEYS = [
    *KEYS,
    ("experiment", pa.string()),
    ("instance_id", pa.string()),
    ("episode_id", pa.int32()),
]

INSTANCE_SCHEMA = pa.schema(
    [
        ("game", pa.string()),
        ("game_version", pa.string()),
        ("experiment", pa.string()),
        ("instance_id", pa.string()),
        ("seed", pa.int64()),
        ("payload", pa.string()),  # canonical JSON
    ]
)

TURN_SCHEMA = pa.schema(
    [
        *EPISODE_KEYS,
        ("step", pa.int32()),  # request index within the episode
        ("turn", pa.int32()),  # the game's own turn counter
        ("player", pa.string()),
        ("role", pa.string()),
        ("messages", pa.string()),  # JSON list of chat messages sent
        ("rendered_prompt", pa.string()),  # null where the server renders it
        ("response", pa.string()),
        ("move", pa.string()),  # JSON of the parsed move, null when unparseable
        ("valid", pa.bool_()),
        ("reason", pa.string()),
        ("stop_reason", pa.string()),
        ("prompt_tokens", pa.int32()),
        ("completion_tokens", pa.int32()),
    ]
)

TIMING_SCHEMA = pa.schema(
    [
        *EPISODE_KEYS,
        ("step", pa.int32()),
        ("batch", pa.int32()),  # index of the backend call that answered it
        ("batch_size", pa.int32()),
        ("seconds", pa.float64()),  # wall time of that backend call
        ("cache_hit", pa.bool_()),
    ]
)

SCORE_SCHEMA = pa.schema(
    [
        *EPISODE_KEYS,
        ("outcome", pa.string()),  # success | lost | aborted
        ("played", pa.int8()),
        ("quality", pa.float64()),  # 0-100, null when aborted
        ("abort_reason", pa.string()),
        ("n_requests", pa.int32()),
        ("metrics", pa.string()),  # JSON of the game's own episode metrics
    ]
)

MATRIX_SCHEMA = pa.schema(
    [
        *KEYS,
        ("source", pa.string()),  # "clemgrid" for our runs, else the origin of imported numbers
        ("n_episodes", pa.int32()),
        ("pct_played", pa.float64()),
        ("quality", pa.float64()),
        ("quality_std", pa.float64()),
    ]
)

CLEMSCORE_SCHEMA = pa.schema(
    [
        *KEYS[:3],
        ("source", pa.string()),
        ("n_games", pa.int32()),
        ("avg_pct_played", pa.float64()),
        ("avg_quality", pa.float64()),
        ("clemscore", pa.float64()),
    ]
)

PROVENANCE_PACKAGES = (
    "pyarrow",
    "pandas",
    "snakemake",
    "torch",
    "transformers",
    "llama_cpp_python",
    "openai",
    "nltk",
    "gguf",
)


def code_version() -> str:
    """Hash of the library's source: the same code gives the same value, a committed or not."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and "tests" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PROVENANCE_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def provenance(**extra: Any) -> dict[str, str]:
    """Schema metadata of every output. Never put timestamps or secrets here."""
    from clemgrid import __version__

    meta = {
        "clemgrid.version": __version__,
        "clemgrid.code_version": code_version(),
        "clemgrid.packages": canonical_json(package_versions()),
    }
    meta.update(
        {
            f"clemgrid.{key}": v if isinstance(v, str) else canonical_json(v)
            for key, v in extra.items()
        }
    )
    return meta


def write_table(
    rows: list[dict[str, Any]], schema: pa.Schema, path: str | Path, **meta: Any
) -> None:
    table = pa.Table.from_pylist(rows, schema=schema).replace_schema_metadata(provenance(**meta))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd", compression_level=3, write_statistics=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_frame(frame: Any, path: str | Path, **meta: Any) -> None:
    """A DataFrame with the types pandas gives it (analysis outputs), written like write_table."""
    schema = pa.Schema.from_pandas(frame, preserve_index=False).remove_metadata()
    write_table(frame_rows(frame), schema, path, **meta)


def frame_rows(frame: Any) -> list[dict[str, Any]]:
    """DataFrame → rows with NaN as null, which is what a missing score means."""
    return [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist()


def read_metadata(path: str | Path) -> dict[str, str]:
    meta = pq.read_schema(path).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"clemgrid.")}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
