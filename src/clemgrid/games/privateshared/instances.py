"""The clembench v1.6 privateshared instance set (resources/*_v1.6.json; see their README).

Each payload carries the texts its indices point to, so the game master and the scorer need
nothing but the instance: `requests` maps each slot to the questioner's request, and `probes`
lists the probing rounds (one before the first request, one after each), each a list of
{"slot", "question"} in clembench's order.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from clemgrid.games.base import Instance, v16_instances


@cache
def texts() -> dict[str, dict[str, dict[str, list[str]]]]:
    """experiment -> {"requests" | "probing_questions": {slot: [question, ...]}}."""
    return json.loads(files(__package__).joinpath("resources/texts_v1.6.json").read_text("utf-8"))


def _payload(experiment: str, item: dict[str, Any]) -> dict[str, Any]:
    questions = texts()[experiment]
    rounds = sorted(item["probes"], key=int)
    return {
        "tag": item["tag"],
        "slots": item["slots"],
        "request_order": item["request_order"],
        "requests": {
            slot: questions["requests"][slot][index] for slot, index in item["requests"].items()
        },
        "probes": [
            [
                {"slot": slot, "question": questions["probing_questions"][slot][index]}
                for slot, index in item["probes"][round_].items()
            ]
            for round_ in rounds
        ],
    }


def load_instances() -> list[Instance]:
    """All 50 instances in file order: travel-booking, job-interview, restaurant,
    things-places, letter-number × 10."""
    return v16_instances(__package__, _payload)
