"""The SFT dataset: the teacher's answers as chat-format prompt/answer pairs, in parquet.

One row per teacher answer: the user message is the dilemma game's prompt exactly as the
student sees it when playing, the assistant message is the teacher's choice in the game's
strict format (`C`/`D`), or choice and motivation when the data asks for it (the student then
learns to explain, but the strict game aborts such answers). The file's schema metadata holds
the provenance (teacher, data spec, code version), so a dataset found alone says what it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from clemgrid.hashing import canonical_json, stable_hash

PROVENANCE_KEY = b"clemgrid.sft"


def answer_text(row: Mapping[str, Any], motivation: bool) -> str | None:
    """The assistant message of one answer, None for an answer without a readable choice."""
    if row["choice"] not in ("C", "D"):
        return None
    return f"{row['choice']}\n{row['motivation']}" if motivation else str(row["choice"])


def build(
    answers: Sequence[Mapping[str, Any]], data: Mapping[str, Any], out: str | Path
) -> dict[str, Any]:
    """Write the pairs of `answers` to `out`; returns the provenance stored with them."""
    rows = []
    for row in answers:
        answer = answer_text(row, bool(data.get("motivation")))
        if answer is None:
            continue
        rows.append(
            {
                "scenario": row["scenario"],
                "sample": int(row["sample"]),
                "prompt": row["prompt"],
                "answer": answer,
                "choice": row["choice"],
                "messages": json.dumps(
                    [
                        {"role": "user", "content": row["prompt"]},
                        {"role": "assistant", "content": answer},
                    ]
                ),
            }
        )
    if not rows:
        raise ValueError("the teacher gave no answer with a readable choice: no dataset")
    provenance = {
        "data": dict(data),
        "data_id": data_id(data),
        "rows": len(rows),
        "dropped": len(answers) - len(rows),
        "c_rate": sum(r["choice"] == "C" for r in rows) / len(rows),
    }
    table = pa.Table.from_pylist(rows).replace_schema_metadata(
        {PROVENANCE_KEY: canonical_json(provenance).encode()}
    )
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, out)
    return provenance


def load(path: str | Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(rows, provenance) of a dataset file."""
    table = pq.read_table(path)
    meta = json.loads((table.schema.metadata or {})[PROVENANCE_KEY])
    return table.to_pylist(), meta


def data_id(data: Mapping[str, Any]) -> str:
    """Short name of a data spec: its datasets live in results/transfer/<data_id>/."""
    return stable_hash(dict(data))[:12]
