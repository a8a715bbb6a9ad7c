"""Which configs of a grid the agreement and turn-taking analyses compare, and the files each
comparison reads (workflow/rules/agreement.smk).

Both analyses compare two configs game by game, so a comparison reads the transcripts (or
scores) of only the games both configs play: a grid entry with its own `games` may play fewer
than the run. Planned here, not in the workflow, so that the plan can be tested without
Snakemake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from clemgrid.analysis import turn_taking
from clemgrid.analysis.agreement import ConfigKey, Pair, pairs_of
from clemgrid.registry import Grid


def config_keys(grid: Grid) -> list[ConfigKey]:
    """The grid's configs, in grid order."""
    return [ConfigKey(c.model, c.backend, c.quant) for c in grid.configs]


def config_games(grid: Grid, key: ConfigKey) -> list[str]:
    return grid.games_for(grid.play_config(key.model, key.backend, key.quant))


def pair_games(grid: Grid, pair: Pair) -> list[str]:
    """The games both configs of a pair play, in the grid's order."""
    games_b = set(config_games(grid, pair.b))
    return [game for game in config_games(grid, pair.a) if game in games_b]


def side_files(grid: Grid, pattern: str, pair: Pair, key: ConfigKey) -> list[str]:
    """`pattern` (a play or score output) filled for config `key` of `pair` and every game
    both configs of the pair play."""
    return [
        pattern.format(model=key.model, backend=key.backend, quant=key.quant, game=game)
        for game in pair_games(grid, pair)
    ]


@dataclass(frozen=True)
class Comparisons:
    """A grid's agreement pairs (by name) and turn-taking experiments."""

    grid: Grid
    keys: list[ConfigKey]
    pairs: dict[str, Pair]
    turn_taking: list[turn_taking.Experiment]

    @classmethod
    def of(cls, grid: Grid) -> Comparisons:
        keys = config_keys(grid)
        pairs = {pair.name: pair for pair in pairs_of(grid.config, keys, grid.models)}
        return cls(grid, keys, pairs, turn_taking.experiments(keys, grid.models))

    @property
    def pair_pattern(self) -> str:
        """The pair wildcard's constraint: exactly the planned names (without pairs, nothing),
        so that the pair rule claims no other file."""
        return "|".join(re.escape(name) for name in self.pairs) or "(?!)"

    def pair_files(self, pattern: str, name: str, side: str) -> list[str]:
        """`pattern` of one side ("a" or "b") of the pair named `name`."""
        pair = self.pairs[name]
        return side_files(self.grid, pattern, pair, getattr(pair, side))

    def pair_weights(self, name: str) -> list[list[Any]]:
        """[model, quant, {"weights": ...}] of both configs of a pair: where the agreement
        script finds the model's tokenizer (a local GGUF of either config's weights)."""
        pair = self.pairs[name]
        return [
            [key.model, key.quant, {"weights": self.grid.models[key.model]["weights"]}]
            for key in (pair.a, pair.b)
        ]

    def turn_taking_files(self, pattern: str) -> list[str]:
        """`pattern` of both configs of every turn-taking experiment, for the games both play."""
        files = []
        for experiment in self.turn_taking:
            pair = Pair(experiment.reference, experiment.misconfigured)
            files += side_files(self.grid, pattern, pair, pair.a)
            files += side_files(self.grid, pattern, pair, pair.b)
        return files

    def turn_taking_notes(self) -> list[str]:
        """The misconfigured registry entries the grid does not compare, and what they need."""
        return turn_taking.missing(self.keys, self.grid.models)
