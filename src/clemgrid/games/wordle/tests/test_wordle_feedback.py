"""Letter feedback and the per-guess metrics, as clembench v1.6 computes them."""

import math

import pytest

from clemgrid.games.wordle_common.feedback import (
    closeness,
    feedback,
    render,
    solved,
    strategy_scores,
)


def colored(guess: str, target: str) -> str:
    return render(guess, feedback(guess, target))


@pytest.mark.parametrize(
    ("guess", "expected"),
    [  # target "share": the feedback of clembench-runs v1.6 gpt-4-0613 wordle episode_1
        ("apple", "a<yellow> p<red> p<red> l<red> e<green>"),
        ("peace", "p<red> e<red> a<green> c<red> e<green>"),
        ("grade", "g<red> r<yellow> a<green> d<red> e<green>"),
        ("areal", "a<yellow> r<yellow> e<yellow> a<red> l<red>"),
        ("early", "e<yellow> a<yellow> r<yellow> l<red> y<red>"),
        ("arear", "a<yellow> r<yellow> e<yellow> a<red> r<red>"),
        ("share", "s<green> h<green> a<green> r<green> e<green>"),
    ],
)
def test_feedback_matches_clembench_logs(guess: str, expected: str) -> None:
    assert colored(guess, "share") == expected


def test_duplicate_letters_follow_clembench_not_nyt() -> None:
    # the first "e" claims target position 4, where the guess has its own "e": red, not yellow
    assert colored("geese", "share") == "g<red> e<red> e<red> s<yellow> e<green>"
    assert colored("babes", "abbey") == "b<yellow> a<yellow> b<green> e<green> s<red>"
    assert colored("eerie", "speed") == "e<yellow> e<yellow> r<red> i<red> e<red>"


def test_solved_only_when_all_green() -> None:
    assert solved(feedback("share", "share"))
    assert not solved(feedback("shard", "share"))


def test_closeness_is_5_per_green_3_per_yellow() -> None:
    assert closeness(feedback("apple", "share")) == 8
    assert closeness(feedback("grade", "share")) == 13
    assert closeness(feedback("share", "share")) == 25
    assert closeness(feedback("xylyl", "share")) == 0


def test_strategy_scores_of_the_clembench_episode() -> None:
    words = ["apple", "peace", "grade", "areal", "early", "arear"]
    guesses = [(word, feedback(word, "share")) for word in words]
    assert strategy_scores(guesses, aborted=False) == [0, 10, 20, 50, -10, 30]


def test_strategy_scores_of_lone_guesses_and_none() -> None:
    lone = [("share", feedback("share", "share"))]
    assert strategy_scores(lone, aborted=False) == [100]
    assert strategy_scores(lone, aborted=True) == [0]
    assert math.isnan(strategy_scores([], aborted=True)[0])


def test_a_letter_counts_in_every_colour_it_had() -> None:
    # "e" was red and green in "geese": reusing it scores -20 + 20
    before = ("geese", feedback("geese", "share"))
    assert strategy_scores([before, ("there", feedback("there", "share"))], False)[1] == -20 + 20
