"""Code and data shared by the three wordle games (wordle, wordle_withclue, wordle_withcritic).

Reproduces clembench v1.6's wordle family (rules, instance sets, scores) with our own prompts and
code. The games differ only in their `Variant`: whether the guesser gets a clue, whether a critic
comments on each guess, and how the number of guesses maps to the main score.
"""
