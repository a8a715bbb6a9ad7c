"""Guess and opinion parsing: clembench v1.6's wordle rules, including their quirks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clemgrid.games.wordle_common.parse import (
    INVALID_FORMAT,
    INVALID_WORD,
    INVALID_WORD_LENGTH,
    NOT_VALID_ENGLISH_WORD,
    parse_guess,
    parse_opinion,
)
from clemgrid.games.wordle_common.words import ALLOWED, ALLOWED_WORDS
from clemgrid.testing import FUZZ_EXAMPLES


def test_the_word_list_is_clembenchs() -> None:
    assert len(ALLOWED_WORDS) == len(ALLOWED) == 12953
    assert list(ALLOWED_WORDS) == sorted(ALLOWED_WORDS)
    assert all(len(w) == 5 and w.isascii() and w.isalpha() and w.islower() for w in ALLOWED)


@pytest.mark.parametrize(
    ("response", "word", "explanation"),
    [
        ("guess: crane\nexplanation: common letters", "crane", "common letters"),
        ("guess:crane", "crane", None),  # no explanation is fine
        ("Sure!\n\nguess:  crane  \nexplanation:x", "crane", "x"),  # text around it is fine
        ("explanation: first\nguess: crane", "crane", "first"),
        ("guess: crane\r\nexplanation: y", "crane", "y"),  # strip() removes the \r
        ("my guess: crane", "crane", None),  # the tag may sit inside a line
        ("guess: crane\nguess: slate", "crane", None),  # the first tag counts
    ],
)
def test_valid_guesses(response: str, word: str, explanation: str | None) -> None:
    assert parse_guess(response) == (word, explanation, None)


@pytest.mark.parametrize(
    ("response", "error"),
    [
        ("", INVALID_FORMAT),
        ("crane", INVALID_FORMAT),
        ("Guess: crane", INVALID_FORMAT),  # the tag is case-sensitive
        ("GUESS: crane", INVALID_FORMAT),
        ("guess : crane", INVALID_FORMAT),
        ("guess:\ncrane", INVALID_WORD),  # the word must be on the tag's line
        ("guess: ", INVALID_WORD),
        ("guess: cr ane", INVALID_WORD),
        ("guess: crane.", INVALID_WORD),
        ("guess: mares → share", INVALID_WORD),
        ("guess: crane2", INVALID_WORD),
        ("guess: cranes", INVALID_WORD_LENGTH),
        ("guess: cat", INVALID_WORD_LENGTH),
        ("guess: Crane", NOT_VALID_ENGLISH_WORD),  # not lowercased, so not in the list
        ("guess: CRANE", NOT_VALID_ENGLISH_WORD),
        ("guess: beade", NOT_VALID_ENGLISH_WORD),
        ("guess: crâne", NOT_VALID_ENGLISH_WORD),  # letters, 5 of them, but not listed
    ],
)
def test_errors_in_clembenchs_order(response: str, error: str) -> None:
    assert parse_guess(response).error == error


@pytest.mark.parametrize(
    ("response", "agreement"),
    [
        ("agreement: yes\nexplanation: fits", "yes"),
        ("agreement:No", "No"),
        ("agreement: YES", "YES"),
        ("agreement: yes.", None),
        ("agreement: yes, it fits", None),
        ("agreement: maybe", None),
        ("Agreement: yes", None),
        ("I agree.", None),
        ("", None),
    ],
)
def test_opinions(response: str, agreement: str | None) -> None:
    assert parse_opinion(response).agreement == agreement


def test_opinion_explanation() -> None:
    assert parse_opinion("agreement: no\nexplanation: too weak") == ("no", "too weak")


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.text())
def test_parsing_never_raises(response: str) -> None:
    guess = parse_guess(response)
    assert (guess.error is None) == (guess.word in ALLOWED)
    parse_opinion(response)
