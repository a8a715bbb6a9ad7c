"""Append-only response cache: a killed play job resumes, an unchanged rerun sends nothing.

One JSON line per answered request, flushed and fsynced after every batch. A line cut short
by kill -9 is ignored on reading, so the file is always usable.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from clemgrid.backends.base import Generation, GenerationParams, Message
from clemgrid.hashing import stable_hash


def request_key(config_hash: str, messages: list[Message], params: GenerationParams) -> str:
    return stable_hash([config_hash, messages, params.__dict__])


class ResponseCache:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.entries: dict[str, Generation] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                    self.entries[record["key"]] = Generation(**record["generation"])
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # a torn last line from a killed job
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8")
        if self.path.stat().st_size and not self.path.read_bytes().endswith(b"\n"):
            self._file.write("\n")  # start cleanly after a torn line

    def get(self, key: str) -> Generation | None:
        return self.entries.get(key)

    def put_many(self, items: list[tuple[str, Generation]]) -> None:
        for key, generation in items:
            self.entries[key] = generation
            record: dict[str, Any] = {"key": key, "generation": generation.__dict__}
            self._file.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()
