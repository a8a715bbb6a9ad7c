"""Instances: one per scenario, generated from scenarios.py and the prompt texts.

Deterministic by construction (fixed order, no randomness): the same code gives the same
instances byte for byte. The seed-004 protocol samples many answers per scenario at T > 0;
repeating instances into samples is the engine's job (DESIGN.md), not this list's.
"""

from __future__ import annotations

from importlib.resources import files

from clemgrid.games.base import Instance
from clemgrid.games.dilemma.scenarios import (
    GAME_TITLES,
    PGG_ENDOWMENT,
    PGG_MULTIPLIER,
    PGG_PLAYERS,
    Scenario,
    scenarios,
)

GAME_NAME = "dilemma"


def _text(name: str) -> str:
    return files(__package__).joinpath(f"prompts/{name}.txt").read_text("utf-8").strip("\n")


def context_text(context: str) -> tuple[str, str]:
    """(who the counterpart is, the context paragraph) of a context file."""
    head, _, body = _text(f"context_{context}").partition("\n\n")
    if not head.startswith("other: "):
        raise ValueError(f"context_{context}.txt must start with 'other: '")
    return head.removeprefix("other: "), body.strip("\n")


def prompt(scenario: Scenario) -> str:
    if scenario.payoffs is None:
        return _text("public_goods").format(
            players=PGG_PLAYERS, endowment=PGG_ENDOWMENT, multiplier=PGG_MULTIPLIER
        )
    other, context = context_text(scenario.context)
    return _text("two_player").format(context=context, other=other, **scenario.payoffs.as_dict())


def payload(scenario: Scenario) -> dict:
    """split, context, game, its title, payoffs and the prompt; for the public-goods game the
    payoffs are the parameters that determine them (players, endowment, multiplier)."""
    if scenario.payoffs is None:
        title = "public-goods game"
        payoffs: dict = {
            "players": PGG_PLAYERS,
            "endowment": PGG_ENDOWMENT,
            "multiplier": PGG_MULTIPLIER,
        }
    else:
        title, payoffs = GAME_TITLES[scenario.game], scenario.payoffs.as_dict()
    return {
        "split": scenario.split,
        "context": scenario.context,
        "game": scenario.game,
        "game_title": title,
        "scale": scenario.scale,
        "payoffs": payoffs,
        "prompt": prompt(scenario),
    }


def load_instances() -> list[Instance]:
    """53 instances: experiment = split, instance_id = scenario key (e.g. `IR_prison_x2`)."""
    return [
        Instance(GAME_NAME, scenario.split, scenario.key, payload(scenario))
        for scenario in scenarios()
    ]
