"""The game registry: one folder per game, each exporting `GAME` (a GameSpec)."""

from clemgrid.games.base import GameSpec
from clemgrid.games.taboo import GAME as TABOO

GAMES: dict[str, GameSpec] = {game.name: game for game in (TABOO,)}
