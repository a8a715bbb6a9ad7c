"""wordle_withclue: wordle where the guesser also gets a crossword clue to the secret word.

Reproduces clembench v1.6's wordle_withclue with our own prompts and code (shared with the
other wordle games in `clemgrid.games.wordle_common`).
"""

from clemgrid.games.wordle_common.game import variant_game
from clemgrid.games.wordle_common.master import WordleWithClueMaster
from clemgrid.games.wordle_common.variants import WORDLE_WITHCLUE

GAME = variant_game(WORDLE_WITHCLUE, WordleWithClueMaster)
