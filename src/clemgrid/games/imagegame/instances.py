"""The clembench v1.6 imagegame instance set (resources/instances_v1.6.json; see its README)."""

from __future__ import annotations

from clemgrid.games.base import Instance, v16_instances


def load_instances() -> list[Instance]:
    """All 40 instances in file order: experiments compact_grids, random_grids × 20."""
    return v16_instances(__package__)
