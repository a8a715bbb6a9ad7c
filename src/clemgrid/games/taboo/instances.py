"""The clembench v1.6 taboo instance set (resources/instances_v1.6.json; see its README)."""

from __future__ import annotations

import json
from importlib.resources import files

from clemgrid.games.base import Instance

GAME_NAME = "taboo"


def load_instances() -> list[Instance]:
    """All 60 instances in file order: experiments high_en, medium_en, low_en × 20."""
    data = json.loads(
        files(__package__).joinpath("resources/instances_v1.6.json").read_text("utf-8")
    )
    return [
        Instance(
            game=GAME_NAME,
            experiment=experiment["name"],
            instance_id=str(item["game_id"]),
            payload={"target_word": item["target_word"], "related_words": item["related_word"]},
        )
        for experiment in data["experiments"]
        for item in experiment["instances"]
    ]
