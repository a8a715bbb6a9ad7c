"""Retry and attempt counting of the rules (clembench v1.6's WordleGame), with and without critic."""

import pytest

from clemgrid.games.wordle_common.rules import CRITIC, GUESSER, WordleRules, max_requests

F = "I think it is crane."  # INVALID_FORMAT
W = "guess: cat"  # INVALID_WORD_LENGTH
N = "guess: beade"  # NOT_VALID_ENGLISH_WORD
V = "guess: crane"  # valid, wrong for "share"
S = "guess: share"  # right
YES, BAD = "agreement: yes", "agreement: perhaps"


def feed(*responses: str, use_critic: bool = False) -> WordleRules:
    rules = WordleRules("share", use_critic)
    for response in responses:
        assert rules.expects is not None, "the episode ended early"
        rules.consume(response)
    return rules


@pytest.mark.parametrize("error", [F, W, "guess: cr4ne"])
def test_three_format_errors_in_a_row_abort(error: str) -> None:
    assert feed(error, error).expects == GUESSER
    rules = feed(error, error, error)
    assert (rules.outcome, rules.requests, rules.parsed) == ("aborted", 3, 0)
    assert rules.abort_reason is not None and rules.abort_reason.endswith("no retries left")


def test_six_unlisted_words_in_a_row_abort() -> None:
    assert feed(*[N] * 5).expects == GUESSER
    rules = feed(*[N] * 6)
    assert rules.outcome == "aborted"
    assert rules.abort_reason.startswith("NOT_VALID_ENGLISH_WORD")
    assert (rules.requests, rules.parsed) == (6, 6)  # unlisted words count as parsed


def test_a_valid_guess_resets_the_retries_and_errors_cost_no_attempt() -> None:
    rules = feed(F, F, V, F, F, V, *[N] * 5, V)
    assert rules.expects == GUESSER and rules.turn == 3
    assert [c.word for c in rules.checked] == ["crane"] * 3
    assert [(c.requests, c.parsed) for c in rules.checked] == [(3, 1), (6, 2), (12, 8)]


def test_an_unlisted_word_resets_the_format_retries_but_not_vice_versa() -> None:
    assert feed(F, F, N, F, F, N, F, F).expects == GUESSER
    assert feed(F, F, N, F, F, F).outcome == "aborted"
    assert feed(N, F, N, F, N, F, N, F, N, F).expects == GUESSER
    assert feed(N, F, N, F, N, F, N, F, N, F, N).outcome == "aborted"


def test_six_wrong_guesses_lose_and_a_right_one_wins() -> None:
    assert feed(*[V] * 6).outcome == "lost"
    assert feed(*[V] * 5, S).outcome == "success"
    assert feed(F, S).outcome == "success"


def test_the_critic_judges_each_first_guess_then_the_final_guess_counts() -> None:
    rules = feed(V, use_critic=True)
    assert rules.expects == CRITIC and rules.turn == 0
    rules = feed(V, YES, S, use_critic=True)
    assert rules.outcome == "success"
    assert rules.checked[0].judged == "crane" and rules.checked[0].agreement == "yes"
    rules = feed(V, BAD, BAD, "agreement: NO", N, S, use_critic=True)
    assert rules.outcome == "success"
    assert (rules.requests, rules.parsed) == (6, 4)
    assert feed(V, BAD, BAD, BAD, use_critic=True).abort_reason.startswith("critic INVALID_FORMAT")


def worst_attempt(last: bool) -> list[str]:
    return [F, F, *[N, F, F] * 5, F if last else V]


@pytest.mark.parametrize("use_critic", [False, True])
def test_max_requests_is_the_worst_case(use_critic: bool) -> None:
    answers: list[str] = []
    for attempt in range(6):
        if use_critic:
            answers += [*worst_attempt(False), BAD, BAD, YES]
        answers += worst_attempt(attempt == 5)
    rules = feed(*answers, use_critic=use_critic)
    assert rules.outcome == "aborted" and rules.turn == 5
    assert rules.requests == len(answers) == max_requests(use_critic)
    assert max_requests(False) == 108 and max_requests(True) == 234


def test_an_ended_episode_refuses_answers() -> None:
    rules = feed(S)
    with pytest.raises(RuntimeError):
        rules.consume(V)
