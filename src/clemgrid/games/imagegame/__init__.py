"""imagegame: an instruction giver describes a letter grid, a follower draws it step by step.

Reproduces clembench v1.6's imagegame (rules, instance set, scores) with our own prompts and
code.
"""

from clemgrid.games.base import GameSpec
from clemgrid.games.imagegame.instances import load_instances
from clemgrid.games.imagegame.master import ImageGameMaster
from clemgrid.games.imagegame.scorer import score
from clemgrid.games.imagegame.scripted import POLICIES, scripted_player

GAME = GameSpec(
    name="imagegame",
    version="1",
    load_instances=load_instances,
    master=ImageGameMaster,
    score=score,
    scripted_player=scripted_player,
    scripted_policies=POLICIES,
)
