"""The clembench v1.6 referencegame instance set (resources/instances_v1.6.json; see its README)."""

from __future__ import annotations

from clemgrid.games.base import Instance, v16_instances


def load_instances() -> list[Instance]:
    """All 180 instances in file order: 6 grid types × 30 (line_grids_rows ... random_grids)."""
    return v16_instances(__package__)
