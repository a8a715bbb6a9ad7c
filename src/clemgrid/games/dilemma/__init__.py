"""dilemma: one-shot social dilemmas in social contexts (seed 004), one player, one turn.

Scenarios = social context x game (prisoner's dilemma, snowdrift, stag hunt, prisoner's
delight with the published payoffs); experiments are the splits: in_sample (5 contexts x 4
games), oos_context (3 new contexts), ood_game (the 4 games with doubled payoffs), pgg (a
four-player public-goods game). %played = share of answers in the strict format; quality = the
cooperation of valid answers (100 x C; 10 x dollars given), so a game's quality is its C-rate.
See README.md for the rules and why.
"""

from clemgrid.games.base import GameSpec
from clemgrid.games.dilemma.instances import load_instances
from clemgrid.games.dilemma.master import DilemmaGameMaster
from clemgrid.games.dilemma.scorer import score
from clemgrid.games.dilemma.scripted import POLICIES, scripted_player

GAME = GameSpec(
    name="dilemma",
    version="1",
    load_instances=load_instances,
    master=DilemmaGameMaster,
    score=score,
    scripted_player=scripted_player,
    scripted_policies=POLICIES,
    skill=False,
)
