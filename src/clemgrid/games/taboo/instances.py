"""The clembench v1.6 taboo instance set (resources/instances_v1.6.json; see its README)."""

from __future__ import annotations

from typing import Any

from clemgrid.games.base import Instance, v16_instances


def _payload(experiment: str, item: dict[str, Any]) -> dict[str, Any]:
    return {"target_word": item["target_word"], "related_words": item["related_word"]}


def load_instances() -> list[Instance]:
    """All 60 instances in file order: experiments high_en, medium_en, low_en × 20."""
    return v16_instances(__package__, _payload)
