"""Clue and guess parsing: clembench v1.6's taboo rules, including their quirks."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clemgrid.games.taboo.parse import STOPWORDS, parse_clue, parse_guess, stem

BOY = ("boy", ["kid", "lad", "teenager"])
RESPONSIBILITY = ("responsibility", ["blame", "obligation", "reliability"])
NONE = ("none", ["no", "never", "nobody"])


def taboo(response: str, word: tuple[str, list[str]] = BOY) -> str | None:
    return parse_clue(response, *word).taboo_word


@pytest.mark.parametrize(
    "response", ["", "clue: a kid", " CLUE: a kid", "\nCLUE: a kid", "Clue: x", "The CLUE: x"]
)
def test_clue_must_start_with_the_exact_tag(response: str) -> None:
    assert parse_clue(response, *BOY) == (False, "", None, None)


def test_clean_clue_is_lowercased_without_tags_and_ascii_punctuation() -> None:
    clue = parse_clue("CLUE: CLUE: A young, male (human)!  ", *BOY)
    assert clue == (True, "a young male human", None, None)


@pytest.mark.parametrize(
    ("clue_word", "word"),
    [
        ("responsible", RESPONSIBILITY),  # both stem to "respons"
        ("Responsibly", RESPONSIBILITY),
        ("blamed", RESPONSIBILITY),  # a related word's variant
        ("obliged", RESPONSIBILITY),  # "oblig", like "obligation"
        ("reliable", RESPONSIBILITY),  # "reliabl", like "reliability"
        ("boys", BOY),
        ("BOY", BOY),
        ("boy's", BOY),  # the apostrophe is removed: "boys"
        ("boy\u2019s", BOY),  # curly apostrophe: NLTK's stemmer strips "'s" too
        ("b.o.y", BOY),  # punctuation removal joins the letters
        ("teenagers", BOY),
        ("kidding", BOY),
    ],
)
def test_morphological_variants_are_taboo(clue_word: str, word: tuple[str, list[str]]) -> None:
    assert taboo(f"CLUE: someone with {clue_word} here", word) is not None


@pytest.mark.parametrize(
    ("clue_word", "word"),
    [
        ("irresponsible", RESPONSIBILITY),  # stem "irrespons"
        ("blameless", RESPONSIBILITY),
        ("obligatory", RESPONSIBILITY),  # "obligatori" is not "oblig"
        ("rely", RESPONSIBILITY),  # "reli" is not "reliabl"
        ("ladder", BOY),
        ("teen", BOY),
    ],
)
def test_words_with_other_stems_are_allowed(clue_word: str, word: tuple[str, list[str]]) -> None:
    assert taboo(f"CLUE: {clue_word}", word) is None


def test_target_word_is_reported_before_related_words() -> None:
    clue = parse_clue("CLUE: kid boy", *BOY)
    assert (clue.taboo_word, clue.clue_word) == ("kid", "kid")  # first clue word wins
    clue = parse_clue("CLUE: boys", "boy", ["boys"])
    assert clue.taboo_word == "boy"


def test_stopwords_are_dropped_before_the_check() -> None:
    # "no" is an NLTK stopword, so the related word "no" can be used; "never" is not one.
    assert taboo("CLUE: no way", NONE) is None
    assert taboo("CLUE: no way, never", NONE) == "never"


def test_only_single_spaces_split_words() -> None:
    # clembench splits on " ": a word glued to a newline is not recognised (quirk kept) ...
    assert taboo("CLUE: a young\nboy") is None
    # ... while double spaces only add empty words.
    assert taboo("CLUE: a  young  boy") == "boy"


def test_stopword_list_is_nltks_english_list() -> None:
    assert len(STOPWORDS) == 179
    assert {"the", "no", "not", "don't", "don", "yourselves"} <= STOPWORDS
    assert "never" not in STOPWORDS


def test_stems_match_those_clembench_stored_for_every_instance_word() -> None:
    stems = json.loads((Path(__file__).parent / "clembench_stems.json").read_text("utf-8"))
    assert len(stems) == 235
    assert {word: stem(word) for word in stems} == stems


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("GUESS: boy", (True, "boy")),
        ("GUESS:Boy.", (True, "boy")),
        ('GUESS:  "Boy!" ', (True, "boy")),
        ("GUESS: GUESS: boy", (True, "boy")),
        ("GUESS: boy .", (True, "boy ")),  # strip happens before punctuation removal
        ("GUESS: the boy", (True, "the boy")),  # the whole remainder is the guess
        ("GUESS: boy\nbecause young", (True, "boy\nbecause young")),
        ("guess: boy", (False, "")),
        (" GUESS: boy", (False, "")),
        ("", (False, "")),
    ],
)
def test_guess_parsing(response: str, expected: tuple[bool, str]) -> None:
    assert parse_guess(response) == expected


def test_huge_clue_is_handled() -> None:
    assert taboo("CLUE: " + "young male " * 100_000 + "boy") == "boy"
    assert taboo("CLUE: " + "x" * 1_000_000) is None


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["", "CLUE:", "CLUE: ", "GUESS:", "GUESS: CLUE:"]))
def test_parsers_never_raise(text: str, prefix: str) -> None:
    clue = parse_clue(prefix + text, *BOY)
    assert clue.well_formed == (prefix + text).startswith("CLUE:")
    guess = parse_guess(prefix + text)
    assert guess.well_formed == (prefix + text).startswith("GUESS:")
