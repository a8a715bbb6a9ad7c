"""Parsing and scoring on hand-made transcripts: clembench v1.6's rules, metrics and quirks."""

import math
import random

import pytest

from clemgrid.games.base import Instance
from clemgrid.games.privateshared.master import MAX_TRIES, PROBE_FORMAT_ERROR, SLOT_FORMAT_ERROR
from clemgrid.games.privateshared.parse import NO, YES, parse_probe_answer, parse_slot_answer
from clemgrid.games.privateshared.scorer import accuracy, cohen_kappa, score

FROM = "Have you told the travel agent where you are leaving from?"
TO = "Have you told the travel agent where you want to go to?"
TRIP = Instance(
    "privateshared",
    "travel-booking",
    "99",
    {
        "tag": "TRAVEL-AGENT",
        "slots": {"from": "London", "to": "Amsterdam"},
        "request_order": ["to", "from"],
        "requests": {"to": "Where do you want to go?", "from": "Where are you departing from?"},
        "probes": [[{"slot": "from", "question": FROM}, {"slot": "to", "question": TO}]] * 3,
    },
)
"""Two slots: probes (from, to), request "to", probes, request "from", probes."""
Y, N = "ASIDE: yes", "ASIDE: no"
TO_ANSWER, FROM_ANSWER = "ANSWER: Amsterdam", "ANSWER: From London."


def row(turn: int, step: int, response: str) -> dict:
    return {
        "turn": turn,
        "step": step,
        "player": "player_1",
        "role": "answerer",
        "response": response,
    }


def rows(*responses: str) -> list[dict]:
    """Rows in play order; the turn is the number of "ANSWER" responses before (and with) it."""
    turns, answered = [], 0
    for step, response in enumerate(responses):
        answered += response.startswith("ANSWER")
        turns.append(row(answered, step, response))
    return turns


@pytest.mark.parametrize(
    ("response", "parsed"),
    [
        ("ANSWER: Amsterdam", "Amsterdam"),
        ("ANSWER:Amsterdam ", "Amsterdam"),
        ("ANSWER: ANSWER: Amsterdam", "Amsterdam"),
        ("ANSWER: Amsterdam\n\n", "Amsterdam"),  # trailing newlines are allowed
        ("ANSWER: ", ""),
        ("ANSWER: NA", None),  # clembench's own "not parsed" marker
        ("ANSWER: Amsterdam\nand then Paris", None),
        ("\nANSWER: Amsterdam", None),
        ("answer: Amsterdam", None),
        ("Amsterdam", None),
        ("", None),
    ],
)
def test_slot_answers(response: str, parsed: str | None) -> None:
    assert parse_slot_answer(response) == parsed


@pytest.mark.parametrize(
    ("response", "parsed"),
    [
        ("ASIDE: yes", YES),
        ("ASIDE:YES, I did.", YES),
        ("ASIDE: Yesterday", YES),  # prefix match, as in clembench
        ("ASIDE: no", NO),
        ("ASIDE: Nope", NO),
        ("ASIDE: Not yet.", NO),
        ("ASIDE: no\n", NO),
        ("ASIDE: I think so", None),
        ("ASIDE: yes\nbecause I told them", None),
        ("aside: yes", None),
        ("ANSWER: yes", None),
        ("yes", None),
    ],
)
def test_probe_answers(response: str, parsed: int | None) -> None:
    assert parse_probe_answer(response) == parsed


def test_kappa_and_accuracy() -> None:
    gold = [0, 0, 0, 1, 1, 1]
    assert cohen_kappa(gold, gold) == 1.0 and accuracy(gold, gold) == 1.0
    assert cohen_kappa(gold, [0, 0, 1, 1, 1, 1]) == pytest.approx(2 / 3)
    assert cohen_kappa(gold, [1, 1, 1, 0, 0, 0]) == -1.0
    assert cohen_kappa(gold, [1] * 6) == 0.0
    assert math.isnan(cohen_kappa([1, 1], [1, 1]))


def test_kappa_equals_scikit_learns() -> None:
    sklearn = pytest.importorskip("sklearn.metrics")
    rng = random.Random(0)
    for _ in range(200):
        gold = [rng.randint(0, 1) for _ in range(rng.randint(2, 30))]
        pred = [rng.randint(0, 1) for _ in gold]
        if len(set(gold) | set(pred)) > 1:
            assert cohen_kappa(gold, pred) == sklearn.cohen_kappa_score(gold, pred)
            assert accuracy(gold, pred) == sklearn.accuracy_score(gold, pred)


def test_perfect_episode_scores_100() -> None:
    result = score(TRIP, rows(N, N, TO_ANSWER, N, Y, FROM_ANSWER, Y, Y))
    assert (result.outcome, result.quality, result.abort_reason) == ("success", 100.0, None)
    assert result.metrics == {
        "Accuracy turn 0": 1.0,
        "Middle-Accuracy": 1.0,
        "Accuracy turn 1": 1.0,
        "Slot Filled? turn 1": 1,
        "Accuracy turn 2": 1.0,
        "Slot Filled? turn 2": 1,
        "Accuracy": 1.0,
        "Kappa": 1.0,
        "Truncated Kappa": 1.0,
        "Slot-Filling-Accuracy": 1.0,
        "Main Score": 100.0,
        "Aborted": 0,
        "Lose": 0,
        "Success": 1,
        "Request Count": 8,
        "Parsed Request Count": 8,
        "Violated Request Count": 0,
        "Request Success Ratio": 1.0,
    }


def test_one_wrong_probe_gives_the_harmonic_mean() -> None:
    # gold 0 0 | 0 1 | 1 1, answered 0 0 | 1 1 | 1 1: kappa 1 - 1/3 = 2/3, slots 1 -> 80
    result = score(TRIP, rows(N, N, TO_ANSWER, Y, Y, FROM_ANSWER, Y, Y))
    assert result.outcome == "lost"
    assert result.quality == pytest.approx(80.0)
    assert result.metrics["Accuracy"] == 5 / 6
    assert result.metrics["Kappa"] == pytest.approx(2 / 3)
    assert result.metrics["Accuracy turn 1"] == 0.5


def test_anticipated_slot_counts_as_told_and_unfilled_slot_costs() -> None:
    # "from" is named with "to": the questioner knows it from round 1 on.
    turns = rows(N, N, "ANSWER: Amsterdam, from London", Y, Y, "ANSWER: As I said.", Y, Y)
    result = score(TRIP, turns)
    assert (result.metrics["Accuracy"], result.metrics["Kappa"]) == (1.0, 1.0)
    assert result.metrics["Slot-Filling-Accuracy"] == 0.5
    assert result.metrics["Slot Filled? turn 2"] == 0
    assert result.quality == pytest.approx(100 * 2 * 0.5 / 1.5)  # 66.67
    assert result.outcome == "lost"
    # without the anticipation, "from" in round 1 would have been a wrong "yes"
    assert score(TRIP, rows(N, N, TO_ANSWER, Y, Y, FROM_ANSWER, Y, Y)).metrics["Accuracy"] < 1


def test_all_wrong_scores_0() -> None:
    turns = rows(Y, Y, "ANSWER: somewhere", Y, N, "ANSWER: nowhere", N, N)
    result = score(TRIP, turns)
    assert (result.outcome, result.quality) == ("lost", 0.0)
    assert (result.metrics["Kappa"], result.metrics["Truncated Kappa"]) == (-1.0, 0.0)
    assert result.metrics["Slot-Filling-Accuracy"] == 0 and result.metrics["Lose"] == 1


def test_invalid_probe_answers_are_asked_again() -> None:
    turns = rows("ASIDE: maybe", "I think not", N, N, TO_ANSWER, N, Y, FROM_ANSWER, Y, Y)
    result = score(TRIP, turns)
    assert (result.outcome, result.quality) == ("success", 100.0)
    metrics = result.metrics
    assert (metrics["Request Count"], metrics["Violated Request Count"]) == (10, 2)
    assert metrics["Request Success Ratio"] == 0.8  # not rounded in clembench


def test_probe_without_valid_answer_aborts() -> None:
    result = score(TRIP, rows(N, *["ASIDE: maybe"] * MAX_TRIES))
    assert (result.outcome, result.quality, result.abort_reason) == (
        "aborted",
        None,
        PROBE_FORMAT_ERROR,
    )
    metrics = result.metrics
    assert (metrics["Request Count"], metrics["Violated Request Count"]) == (1 + MAX_TRIES, 5)
    assert (metrics["Aborted"], metrics["Lose"], metrics["Success"]) == (1, 0, 0)
    assert math.isnan(metrics["Main Score"]) and math.isnan(metrics["Kappa"])
    assert "Middle-Accuracy" not in metrics and "Accuracy turn 0" not in metrics


@pytest.mark.parametrize(
    "answer", ["Amsterdam", "ANSWER: Amsterdam\nHave a nice day!", "ANSWER: NA", "answer: x"]
)
def test_malformed_slot_answer_aborts(answer: str) -> None:
    result = score(TRIP, [*rows(N, N), row(1, 2, answer)])
    assert (result.outcome, result.abort_reason) == ("aborted", SLOT_FORMAT_ERROR)
    metrics = result.metrics
    assert metrics["Accuracy turn 0"] == 1.0
    assert math.isnan(metrics["Middle-Accuracy"])  # round 0 was played, the episode aborted
    assert (metrics["Request Count"], metrics["Parsed Request Count"]) == (3, 2)


def test_incomplete_and_broken_transcripts() -> None:
    result = score(TRIP, rows(N, N, TO_ANSWER))
    assert (result.outcome, result.abort_reason) == (
        "aborted",
        "incomplete episode: no answer at step 3",
    )
    assert score(TRIP, []).outcome == "aborted"
    with pytest.raises(ValueError, match="after the end"):
        score(TRIP, rows(N, N, TO_ANSWER, N, Y, FROM_ANSWER, Y, Y, Y))
    with pytest.raises(ValueError, match="the game in turn 0"):
        score(TRIP, [row(1, 0, N)])
    with pytest.raises(ValueError, match="no role"):
        score(TRIP, [{"turn": 0, "step": 0, "role": "questioner", "response": N}])
    with pytest.raises(ValueError, match="two responses for step 0"):
        score(TRIP, rows(N) * 2)


def test_row_order_does_not_matter_and_verdicts_are_ignored() -> None:
    turns = rows("ASIDE: maybe", N, N, TO_ANSWER, Y, Y, FROM_ANSWER, Y, Y)
    expected = score(TRIP, turns)
    random.Random(0).shuffle(turns)
    for row in turns:
        row.update(valid=True, reason="probe answered")
    assert score(TRIP, turns) == expected
