"""Pure parsing of guesser and critic answers, following clembench v1.6's wordle.

Shared by the game master and the scorer, so that live play and re-scoring of stored (or
imported) transcripts cannot disagree. Nothing here raises on any input string.
"""

from __future__ import annotations

from typing import NamedTuple

from clemgrid.games.wordle_common.words import ALLOWED

GUESS_TAG = "guess:"
EXPLANATION_TAG = "explanation:"
AGREEMENT_TAG = "agreement:"
AGREEMENT_VALUES = ("yes", "no", "Yes", "No", "YES", "NO")  # clembench's accepted spellings
WORD_LENGTH = 5

# clembench's error names; all but NOT_VALID_ENGLISH_WORD count as violated requests
INVALID_FORMAT = "INVALID_FORMAT"  # no "guess:" (or, for the critic, no valid "agreement:")
INVALID_WORD = "INVALID_WORD"  # the guess is not all letters (str.isalpha)
INVALID_WORD_LENGTH = "INVALID_WORD_LENGTH"  # not 5 letters
NOT_VALID_ENGLISH_WORD = "NOT_VALID_ENGLISH_WORD"  # not in the game's word list


class Guess(NamedTuple):
    word: str | None  # the text after "guess:" up to the line end, stripped; None: no tag
    explanation: str | None
    error: str | None  # one of the error names above, None for a valid guess


class Opinion(NamedTuple):
    agreement: str | None  # one of AGREEMENT_VALUES; None when malformed
    explanation: str | None


def tagged_value(response: str, tag: str) -> str | None:
    """The rest of the line after the first `tag` (case-sensitive), stripped; None if absent."""
    start = response.find(tag)
    if start == -1:
        return None
    start += len(tag)
    end = response.find("\n", start)
    return response[start : None if end == -1 else end].strip()


def parse_guess(response: str) -> Guess:
    """Checks in clembench's order: tag, letters only, length, word list (so case matters)."""
    word = tagged_value(response, GUESS_TAG)
    explanation = tagged_value(response, EXPLANATION_TAG)
    if word is None:
        error: str | None = INVALID_FORMAT
    elif not word.isalpha():
        error = INVALID_WORD
    elif len(word) != WORD_LENGTH:
        error = INVALID_WORD_LENGTH
    elif word not in ALLOWED:
        error = NOT_VALID_ENGLISH_WORD
    else:
        error = None
    return Guess(word, explanation, error)


def parse_opinion(response: str) -> Opinion:
    """The critic's verdict: the value after "agreement:" must be one of AGREEMENT_VALUES."""
    agreement = tagged_value(response, AGREEMENT_TAG)
    return Opinion(
        agreement if agreement in AGREEMENT_VALUES else None,
        tagged_value(response, EXPLANATION_TAG),
    )
