"""referencegame: a speaker describes one of three grids, a listener picks the grid described.

Reproduces clembench v1.6's referencegame (rules, instance set, scores) with our own prompts and
code.
"""

from clemgrid.games.base import game_in_package
from clemgrid.games.referencegame.master import ReferenceGameMaster

GAME = game_in_package(__name__, ReferenceGameMaster)
