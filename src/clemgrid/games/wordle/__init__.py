"""wordle: find a secret five-letter word in six guesses, from letter-by-letter feedback.

Reproduces clembench v1.6's wordle (no clue, no critic) with our own prompts and code; the
code shared with wordle_withclue and wordle_withcritic lives in `clemgrid.games.wordle_common`.
"""

from functools import partial

from clemgrid.games.base import GameSpec
from clemgrid.games.wordle_common.instances import load_instances
from clemgrid.games.wordle_common.master import WordleMaster
from clemgrid.games.wordle_common.scorer import score
from clemgrid.games.wordle_common.scripted import POLICIES, player_for
from clemgrid.games.wordle_common.variants import WORDLE

GAME = GameSpec(
    name=WORDLE.name,
    version="1",
    load_instances=partial(load_instances, WORDLE),
    master=WordleMaster,
    score=partial(score, WORDLE),
    scripted_player=player_for(POLICIES),
    scripted_policies=POLICIES,
)
