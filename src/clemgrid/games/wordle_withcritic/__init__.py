"""wordle_withcritic: wordle with a clue, where a critic judges every guess before it counts.

The critic is a second LLM player (the same model in self-play). Reproduces clembench v1.6's
wordle_withcritic with our own prompts and code (shared in `clemgrid.games.wordle_common`).
"""

from clemgrid.games.wordle_common.game import variant_game
from clemgrid.games.wordle_common.master import WordleWithCriticMaster
from clemgrid.games.wordle_common.variants import WORDLE_WITHCRITIC

GAME = variant_game(WORDLE_WITHCRITIC, WordleWithCriticMaster)
