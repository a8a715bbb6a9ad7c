"""Canonical JSON and its hash: the one text form of a value that params, cache keys and
parquet metadata are built from. A module of its own so that every layer can use it without
importing the registry."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """Stable text form: the same value always gives the same bytes (hashing, params, metadata)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def stable_hash(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()
