"""The clembench v1.6 referencegame instance set (resources/instances_v1.6.json; see its README)."""

from __future__ import annotations

import json
from importlib.resources import files

from clemgrid.games.base import Instance

GAME_NAME = "referencegame"


def load_instances() -> list[Instance]:
    """All 180 instances in file order: 6 grid types × 30 (line_grids_rows ... random_grids)."""
    data = json.loads(
        files(__package__).joinpath("resources/instances_v1.6.json").read_text("utf-8")
    )
    return [
        Instance(
            game=GAME_NAME,
            experiment=experiment["name"],
            instance_id=str(item["game_id"]),
            payload={key: value for key, value in item.items() if key != "game_id"},
        )
        for experiment in data["experiments"]
        for item in experiment["instances"]
    ]
