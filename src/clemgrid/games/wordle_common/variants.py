"""The three clembench v1.6 wordle variants and their speed scores (the main score)."""

from __future__ import annotations

from dataclasses import dataclass

_WORDLE_SPEED = {1: 100.0, 2: 100.0, 3: 100.0, 4: 50.0, 5: 30.0, 6: 20.0}
"""clembench v1.6 (May 2024) scores plain wordle's wins on a custom scale: 100 up to 3 guesses."""


@dataclass(frozen=True)
class Variant:
    name: str  # the game name
    use_clue: bool  # the guesser gets the target's crossword clue
    use_critic: bool  # a critic (same model in self-play) comments on every guess first

    def speed(self, guesses: int) -> float:
        """Main score of a win with `guesses` checked guesses (1..6), as clembench's `speed`."""
        if self.name == "wordle":
            return _WORDLE_SPEED[guesses]
        return round(100 / guesses, 2)


WORDLE = Variant("wordle", use_clue=False, use_critic=False)
WORDLE_WITHCLUE = Variant("wordle_withclue", use_clue=True, use_critic=False)
WORDLE_WITHCRITIC = Variant("wordle_withcritic", use_clue=True, use_critic=True)
