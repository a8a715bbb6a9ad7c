"""taboo: a describer explains a secret word without its taboo words; a guesser finds it.

Reproduces clembench v1.6's taboo (rules, instance set, scores) with our own prompts and code.
"""

from clemgrid.games.base import game_in_package
from clemgrid.games.taboo.master import TabooMaster

GAME = game_in_package(__name__, TabooMaster)
