"""referencegame: a speaker describes one of three grids, a listener picks the grid described.

Reproduces clembench v1.6's referencegame (rules, instance set, scores) with our own prompts and
code.
"""

from clemgrid.games.base import GameSpec
from clemgrid.games.referencegame.instances import load_instances
from clemgrid.games.referencegame.master import ReferenceGameMaster
from clemgrid.games.referencegame.scorer import score
from clemgrid.games.referencegame.scripted import POLICIES, scripted_player

GAME = GameSpec(
    name="referencegame",
    version="1",
    load_instances=load_instances,
    master=ReferenceGameMaster,
    score=score,
    scripted_player=scripted_player,
    scripted_policies=POLICIES,
)
