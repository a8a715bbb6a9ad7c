"""wordle: find a secret five-letter word in six guesses, from letter-by-letter feedback.

Reproduces clembench v1.6's wordle (no clue, no critic) with our own prompts and code; the
code shared with wordle_withclue and wordle_withcritic lives in `clemgrid.games.wordle_common`.
"""

from clemgrid.games.wordle_common.game import variant_game
from clemgrid.games.wordle_common.master import WordleMaster
from clemgrid.games.wordle_common.variants import WORDLE

GAME = variant_game(WORDLE, WordleMaster)
