"""Strict vs lenient readings, the lenient rule's C-bias, and robustness to any text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clemgrid.games.dilemma import GAME
from clemgrid.games.dilemma.master import DilemmaGameMaster
from clemgrid.games.dilemma.parse import read_amount, read_choice
from clemgrid.testing import FUZZ_EXAMPLES

INSTANCES = GAME.load_instances()


@pytest.mark.parametrize(
    ("response", "strict", "lenient"),
    [
        ("C", "C", "C"),
        ("D", "D", "D"),
        ("  d\n", "D", None),  # lowercase is a valid strict answer; the original rule misses it
        ("Answer: C", "C", "C"),
        ("answer:D.", "D", "D"),
        ("**C**", "C", "C"),
        ("`D`", "D", "D"),
        ("C D", None, "C"),
        ("CD", None, "C"),
        ("I choose D", None, "D"),
        ("Answer: C, because trust matters", None, "C"),
        ("Defect, because Cooperation failed", None, "D"),  # first capital letter is D
        ("Considering the risk, D.", None, "C"),  # the C-bias: "Considering" counts as C
        ("As a CEO I would defect: D", None, "C"),  # ... and so does "CEO"
        ("I would rather not say.", None, None),
        ("", None, None),
    ],
)
def test_strict_and_lenient_choice(response: str, strict, lenient) -> None:
    reading = read_choice(response)
    assert (reading.strict, reading.lenient) == (strict, lenient)


@pytest.mark.parametrize(
    ("response", "strict", "lenient"),
    [
        ("7", 7, 7),
        ("Answer: 10", 10, 10),
        ("$3", 3, 3),
        ("0.", 0, 0),
        ("11", None, None),
        ("I put in 5 of my 10 dollars", None, 5),
        ("Of 100 dollars... 4", None, 4),
        ("seven", None, None),
        ("2.5 or so", None, None),  # a decimal is no whole number
        ("9" * 5000, None, None),
    ],
)
def test_strict_and_lenient_amount(response: str, strict, lenient) -> None:
    reading = read_amount(response)
    assert (reading.strict, reading.lenient) == (strict, lenient)


ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=" \t\n\r\x0b\x0c*_`'\".:CDcd0123456789$", max_size=60),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Nd"]), max_size=20),
    st.builds(
        lambda s, n: s * n, st.text(min_size=1, max_size=5), st.sampled_from([1000, 200_000])
    ),
    st.builds(lambda s: "Answer: " + s, st.text(max_size=10)),
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(ANY_TEXT, st.sampled_from(INSTANCES))
def test_any_text_is_read_and_scored_without_raising(response: str, instance) -> None:
    for reading in (read_choice(response), read_amount(response)):
        assert reading.strict is None or reading.strict in ("C", "D") or 0 <= reading.strict <= 10
    master = DilemmaGameMaster(instance)
    move = master.receive(response)
    assert master.pending() is None
    row = {"turn": 0, "role": "chooser", "response": response}
    result = GAME.score(instance, [row])
    assert move.valid == (result.outcome != "aborted")
    assert result.quality is None or 0.0 <= result.quality <= 100.0
