"""imagegame: an instruction giver describes a letter grid, a follower draws it step by step.

Reproduces clembench v1.6's imagegame (rules, instance set, scores) with our own prompts and
code.
"""

from clemgrid.games.base import game_in_package
from clemgrid.games.imagegame.master import ImageGameMaster

GAME = game_in_package(__name__, ImageGameMaster)
