"""Letter feedback on a guess and the per-guess metrics clembench derives from it.

The colouring follows clembench v1.6's GuessValidator, duplicate-letter quirk included: each
guess letter claims the first not yet claimed position of that letter in the target; it is
green when that is its own position, red when the guess has the same letter at the claimed
position (that later letter will claim it), else yellow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

Color = Literal["green", "yellow", "red"]
Feedback = tuple[Color, ...]


def feedback(guess: str, target: str) -> Feedback:
    """Colours of the letters of `guess` (a word of the target's length) against `target`."""
    if guess == target:
        green: Color = "green"
        return (green,) * len(guess)
    claimed: set[int] = set()
    colors: list[Color] = []
    for index, letter in enumerate(guess):
        position = next((p for p, t in enumerate(target) if t == letter and p not in claimed), None)
        if position is None or (position != index and guess[position] == letter):
            colors.append("red")
            continue
        claimed.add(position)
        colors.append("green" if position == index else "yellow")
    return tuple(colors)


def render(guess: str, colors: Feedback) -> str:
    """clembench's notation, which the players see: `a<yellow> p<red> p<red> l<red> e<green>`."""
    return " ".join(f"{letter}<{color}>" for letter, color in zip(guess, colors, strict=True))


def solved(colors: Feedback) -> bool:
    return all(color == "green" for color in colors)


def closeness(colors: Feedback) -> int:
    """clembench's `closeness score`: 5 per green and 3 per yellow letter (0..25)."""
    return 5 * colors.count("green") + 3 * colors.count("yellow")


def strategy_scores(guesses: Sequence[tuple[str, Feedback]], aborted: bool) -> list[float]:
    """clembench's `strategy score` per checked guess.

    A lone guess scores 100 (0 if the episode was aborted), a first guess of several 0. Each
    later guess loses 20 per distinct letter of it that was red in the previous feedback and
    gains 20 per one that was green there and 10 per one that was yellow there (a letter
    counts in each colour it had). No guess at all gives [NaN], as clembench logs it.
    """
    if not guesses:
        return [math.nan]
    if len(guesses) == 1:
        return [0.0 if aborted else 100.0]
    scores = [0.0]
    for (before, colors), (after, _) in zip(guesses, guesses[1:], strict=False):
        letters = set(after)
        by_color = {
            color: {letter for letter, c in zip(before, colors, strict=True) if c == color}
            for color in ("green", "yellow", "red")
        }
        scores.append(
            20.0 * len(by_color["green"] & letters)
            + 10.0 * len(by_color["yellow"] & letters)
            - 20.0 * len(by_color["red"] & letters)
        )
    return scores
