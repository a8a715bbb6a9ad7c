"""The GameSpec of a wordle variant: the three wordle games differ only in variant and master."""

from __future__ import annotations

from functools import partial

from clemgrid.games.base import GameMaster, GameSpec
from clemgrid.games.wordle_common.instances import load_instances
from clemgrid.games.wordle_common.scorer import score
from clemgrid.games.wordle_common.scripted import CRITIC_POLICIES, POLICIES, player_for
from clemgrid.games.wordle_common.variants import Variant


def variant_game(variant: Variant, master: type[GameMaster]) -> GameSpec:
    """Version 1 of `variant` played by `master`; a critic variant adds the critic's policies."""
    policies = POLICIES + CRITIC_POLICIES if variant.use_critic else POLICIES
    return GameSpec(
        name=variant.name,
        version="1",
        load_instances=partial(load_instances, variant),
        master=master,
        score=partial(score, variant),
        scripted_player=player_for(policies),
        scripted_policies=policies,
    )
