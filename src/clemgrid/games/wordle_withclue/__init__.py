"""wordle_withclue: wordle where the guesser also gets a crossword clue to the secret word.

Reproduces clembench v1.6's wordle_withclue with our own prompts and code (shared with the
other wordle games in `clemgrid.games.wordle_common`).
"""

from functools import partial

from clemgrid.games.base import GameSpec
from clemgrid.games.wordle_common.instances import load_instances
from clemgrid.games.wordle_common.master import WordleWithClueMaster
from clemgrid.games.wordle_common.scorer import score
from clemgrid.games.wordle_common.scripted import POLICIES, player_for
from clemgrid.games.wordle_common.variants import WORDLE_WITHCLUE

GAME = GameSpec(
    name=WORDLE_WITHCLUE.name,
    version="1",
    load_instances=partial(load_instances, WORDLE_WITHCLUE),
    master=WordleWithClueMaster,
    score=partial(score, WORDLE_WITHCLUE),
    scripted_player=player_for(POLICIES),
    scripted_policies=POLICIES,
)
