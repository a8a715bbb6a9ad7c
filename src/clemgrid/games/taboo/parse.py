"""Pure parsing of taboo answers, following clembench v1.6's game master.

Shared by the game master and the scorer so that live play and re-scoring of stored (or
imported) transcripts can never disagree. Nothing here raises on any input string.
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

CLUE_TAG = "CLUE:"
GUESS_TAG = "GUESS:"

STOPWORDS: frozenset[str] = frozenset(
    files(__package__).joinpath("resources/stopwords_en.txt").read_text("utf-8").split()
)
"""NLTK's English stopword list, as clembench uses it (see resources/README.md)."""

_PUNCTUATION = str.maketrans("", "", string.punctuation)


class Clue(NamedTuple):
    well_formed: bool  # starts with "CLUE:"
    text: str  # the cleaned clue ("" when not well formed)
    taboo_word: str | None  # the target or related word the clue uses, if any
    clue_word: str | None  # the clue word that matched it


class Guess(NamedTuple):
    well_formed: bool  # starts with "GUESS:"
    word: str  # the cleaned guess ("" when not well formed)


def clean(response: str, tag: str) -> str:
    """clembench's normalisation: drop every `tag`, strip, lowercase, drop ASCII punctuation."""
    return response.replace(tag, "").strip().lower().translate(_PUNCTUATION)


@lru_cache(maxsize=1)
def _stemmer():
    """NLTK's Snowball stemmer, as clembench's; it needs no corpus download. Imported on first
    use: importing nltk takes about a second, which every job of the other games would pay."""
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    return _stemmer().stem(word)


def parse_clue(response: str, target_word: str, related_words: list[str]) -> Clue:
    """Check the format, then whether any non-stopword of the clue shares a stem with the target
    (checked first) or a related word; clembench reports the first such clue word."""
    if not response.startswith(CLUE_TAG):
        return Clue(False, "", None, None)
    text = clean(response, CLUE_TAG)
    taboo = [(stem(word), word) for word in (target_word, *related_words)]
    for clue_word in text.split(" "):
        if clue_word in STOPWORDS:
            continue
        clue_stem = stem(clue_word)
        for taboo_stem, taboo_word in taboo:
            if clue_stem == taboo_stem:
                return Clue(True, text, taboo_word, clue_word)
    return Clue(True, text, None, None)


def parse_guess(response: str) -> Guess:
    """The whole cleaned remainder is the guess (it may hold several words, as in clembench)."""
    if not response.startswith(GUESS_TAG):
        return Guess(False, "")
    return Guess(True, clean(response, GUESS_TAG))
