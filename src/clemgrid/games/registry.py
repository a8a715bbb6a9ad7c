"""The game registry: one folder per game, each exporting `GAME` (a GameSpec).

Few-shot variants (`<game>+<k>shot`) are declared here, for games whose prompts support
demonstrations; the zero-shot game is what clembench plays and what the paper's tables use.
`ZERO_SHOT` lists clembench's games (the importer reads it as such); games of other benchmarks
(`OTHER`: seed 004's dilemma) are registered beside them but are not in the default grid.
"""

from clemgrid.games.base import GameSpec, few_shot
from clemgrid.games.dilemma import GAME as DILEMMA
from clemgrid.games.imagegame import GAME as IMAGEGAME
from clemgrid.games.privateshared import GAME as PRIVATESHARED
from clemgrid.games.referencegame import GAME as REFERENCEGAME
from clemgrid.games.taboo import GAME as TABOO
from clemgrid.games.wordle import GAME as WORDLE
from clemgrid.games.wordle_withclue import GAME as WORDLE_WITHCLUE
from clemgrid.games.wordle_withcritic import GAME as WORDLE_WITHCRITIC

ZERO_SHOT: tuple[GameSpec, ...] = (
    TABOO,
    IMAGEGAME,
    REFERENCEGAME,
    WORDLE,
    WORDLE_WITHCLUE,
    WORDLE_WITHCRITIC,
    PRIVATESHARED,
)
OTHER: tuple[GameSpec, ...] = (DILEMMA,)
FEW_SHOT: dict[str, tuple[int, ...]] = {
    "taboo": (1, 3),
    "imagegame": (1, 3),
    "referencegame": (1, 3),
    "wordle": (1, 3),
    "wordle_withclue": (1, 3),
    "wordle_withcritic": (1, 3),
    "privateshared": (1, 3),
}

GAMES: dict[str, GameSpec] = {game.name: game for game in (*ZERO_SHOT, *OTHER)}
for _name, _shots in FEW_SHOT.items():
    GAMES.update({variant.name: variant for variant in (few_shot(GAMES[_name], k) for k in _shots)})
