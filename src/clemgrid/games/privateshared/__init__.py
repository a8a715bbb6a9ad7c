"""privateshared: an answerer tells a questioner its private facts while the game master probes
what it thinks the questioner already knows.

Reproduces clembench v1.6's privateshared (rules, instance set, scores) with our own prompts and
code.
"""

from clemgrid.games.base import game_in_package
from clemgrid.games.privateshared.master import PrivateSharedMaster

GAME = game_in_package(__name__, PrivateSharedMaster)
