"""privateshared: an answerer tells a questioner its private facts while the game master probes
what it thinks the questioner already knows.

Reproduces clembench v1.6's privateshared (rules, instance set, scores) with our own prompts and
code.
"""

from clemgrid.games.base import GameSpec
from clemgrid.games.privateshared.instances import load_instances
from clemgrid.games.privateshared.master import PrivateSharedMaster
from clemgrid.games.privateshared.scorer import score
from clemgrid.games.privateshared.scripted import POLICIES, scripted_player

GAME = GameSpec(
    name="privateshared",
    version="1",
    load_instances=load_instances,
    master=PrivateSharedMaster,
    score=score,
    scripted_player=scripted_player,
    scripted_policies=POLICIES,
)
