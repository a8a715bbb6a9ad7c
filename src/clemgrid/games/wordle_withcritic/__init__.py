"""wordle_withcritic: wordle with a clue, where a critic judges every guess before it counts.

The critic is a second LLM player (the same model in self-play). Reproduces clembench v1.6's
wordle_withcritic with our own prompts and code (shared in `clemgrid.games.wordle_common`).
"""

from functools import partial

from clemgrid.games.base import GameSpec
from clemgrid.games.wordle_common.instances import load_instances
from clemgrid.games.wordle_common.master import WordleWithCriticMaster
from clemgrid.games.wordle_common.scorer import score
from clemgrid.games.wordle_common.scripted import CRITIC_POLICIES, POLICIES, player_for
from clemgrid.games.wordle_common.variants import WORDLE_WITHCRITIC

GAME = GameSpec(
    name=WORDLE_WITHCRITIC.name,
    version="1",
    load_instances=partial(load_instances, WORDLE_WITHCRITIC),
    master=WordleWithCriticMaster,
    score=partial(score, WORDLE_WITHCRITIC),
    scripted_player=player_for(POLICIES + CRITIC_POLICIES),
    scripted_policies=POLICIES + CRITIC_POLICIES,
)
