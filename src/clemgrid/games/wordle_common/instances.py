"""The clembench v1.6 wordle instance sets (resources/<game>_instances_v1.6.json; see README)."""

from __future__ import annotations

import json
from importlib.resources import files

from clemgrid.games.base import Instance
from clemgrid.games.wordle_common.variants import Variant


def load_instances(variant: Variant) -> list[Instance]:
    """All 30 instances in file order: 10 high-frequency, then 20 medium-frequency words."""
    path = files(__package__).joinpath(f"resources/{variant.name}_instances_v1.6.json")
    data = json.loads(path.read_text("utf-8"))
    return [
        Instance(
            game=variant.name,
            experiment=experiment["name"],
            instance_id=str(item["game_id"]),
            payload={
                "target_word": item["target_word"],
                "clue": item["target_word_clue"],
                "difficulty": item["target_word_difficulty"],
            },
        )
        for experiment in data["experiments"]
        for item in experiment["instances"]
    ]
