"""taboo: a describer explains a secret word without its taboo words; a guesser finds it.

Reproduces clembench v1.6's taboo (rules, instance set, scores) with our own prompts and code.
"""

from clemgrid.games.base import GameSpec
from clemgrid.games.taboo.instances import load_instances
from clemgrid.games.taboo.master import TabooMaster
from clemgrid.games.taboo.scorer import score
from clemgrid.games.taboo.scripted import POLICIES, scripted_player

GAME = GameSpec(
    name="taboo",
    version="1",
    load_instances=load_instances,
    master=TabooMaster,
    score=score,
    scripted_player=scripted_player,
    scripted_policies=POLICIES,
)
