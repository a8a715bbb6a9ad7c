"""dilemma: one-shot social dilemmas in social contexts (seed 004), one player, one turn.

Scenarios = social context x game (prisoner's dilemma, snowdrift, stag hunt, prisoner's
delight with the published payoffs); experiments are the splits: in_sample (5 contexts x 4
games), oos_context (3 new contexts), ood_game (the 4 games with doubled payoffs), pgg (a
four-player public-goods game). %played = share of answers in the strict format; quality = the
cooperation of valid answers (100 x C; 10 x dollars given), so a game's quality is its C-rate.
See README.md for the rules and why.
"""

from clemgrid.games.base import game_in_package
from clemgrid.games.dilemma.master import DilemmaGameMaster

GAME = game_in_package(__name__, DilemmaGameMaster, skill=False)
