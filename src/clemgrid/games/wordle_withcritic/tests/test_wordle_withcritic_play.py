"""Whole wordle_withcritic episodes: guesser and critic, scripted or arbitrary text, scored."""

from collections.abc import Callable

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from clemgrid.games.base import Instance, Request
from clemgrid.games.testing import play_episode
from clemgrid.games.wordle_common.master import WordleWithCriticMaster
from clemgrid.games.wordle_common.rules import max_requests
from clemgrid.games.wordle_common.scripted import CRITIC_POLICIES, POLICIES
from clemgrid.games.wordle_withcritic import GAME
from clemgrid.testing import FUZZ_EXAMPLES

INSTANCES = GAME.load_instances()
SHARE = next(i for i in INSTANCES if i.payload["target_word"] == "share")
MAX_REQUESTS = max_requests(use_critic=True)


def play(
    instance: Instance, answer: Callable[[Request], str]
) -> tuple[WordleWithCriticMaster, list[dict]]:
    master, turns = play_episode(GAME, instance, answer, MAX_REQUESTS)
    assert isinstance(master, WordleWithCriticMaster)
    return master, turns


def play_policy(instance: Instance, policy: str) -> tuple[WordleWithCriticMaster, list[dict]]:
    return play(instance, lambda request: GAME.scripted_player(policy, request.messages))


def test_instances_are_clembench_v16() -> None:
    assert len(INSTANCES) == 30
    assert [i.experiment for i in INSTANCES] == ["high_frequency_words_clue_with_critic"] * 10 + [
        "medium_frequency_words_clue_with_critic"
    ] * 20
    assert INSTANCES[1].payload["target_word"] == "share"
    assert all(i.game == "wordle_withcritic" and i.payload["clue"] for i in INSTANCES)


def test_game_spec() -> None:
    assert (GAME.name, GAME.master) == ("wordle_withcritic", WordleWithCriticMaster)
    assert GAME.scripted_policies == POLICIES + CRITIC_POLICIES


@pytest.mark.parametrize("instance", INSTANCES, ids=lambda i: f"{i.experiment}-{i.instance_id}")
def test_perfect_players_win_every_instance_at_once(instance: Instance) -> None:
    master, turns = play_policy(instance, "perfect")
    result = GAME.score(instance, turns)
    assert (master.outcome, result.outcome, result.quality) == ("success", "success", 100.0)
    assert [t["role"] for t in turns] == ["guesser", "critic", "guesser"]
    assert result.metrics["Repetition-Guesser-On-Critic-Agreement"] == 1


@pytest.mark.parametrize(
    ("policy", "outcome", "requests", "reason"),
    [
        ("never_right", "lost", 18, "wrong guess, no attempts left"),
        ("rule_breaker", "aborted", 3, "INVALID_FORMAT"),
        ("non_word", "aborted", 6, "NOT_VALID_ENGLISH_WORD"),
        ("short_word", "aborted", 3, "INVALID_WORD_LENGTH"),
        ("critic_breaker", "aborted", 4, "critic INVALID_FORMAT"),
        ("contrarian", "success", 3, "correct guess"),
    ],
)
def test_policies(policy: str, outcome: str, requests: int, reason: str) -> None:
    master, turns = play_policy(SHARE, policy)
    result = GAME.score(SHARE, turns)
    assert (master.outcome, result.outcome) == (outcome, outcome)
    assert len(turns) == requests
    assert turns[-1]["reason"].startswith(reason)


def test_contrarian_critic_is_recorded_as_disagreement() -> None:
    _, turns = play_policy(SHARE, "contrarian")
    metrics = GAME.score(SHARE, turns).metrics
    assert metrics["Repetition-Guesser-On-Critic-Disagreement"] == 1
    assert metrics["Repetition-Guesser-On-Critic-Agreement"] == 0
    assert metrics["change_of_opinion turn 1"] == 0


def test_the_perfect_critic_knows_the_answer_and_never_right_inverts_it() -> None:
    chat = [{"role": "user", "content": "You are the critic\n\nclue: lion's amount?\nguess: share"}]
    assert GAME.scripted_player("perfect", chat).startswith("agreement: yes")
    assert GAME.scripted_player("never_right", chat).startswith("agreement: no")
    chat[0]["content"] = chat[0]["content"].replace("share", "pride")
    assert GAME.scripted_player("perfect", chat).startswith("agreement: no")
    assert GAME.scripted_player("never_right", chat).startswith("agreement: yes")
    chat += [{"role": "assistant", "content": "hm"}, {"role": "user", "content": "Try again."}]
    assert GAME.scripted_player("never_right", chat).startswith("agreement: yes")


@settings(max_examples=FUZZ_EXAMPLES // 4, deadline=None)
@given(st.data())
def test_policies_mix_within_an_episode(data: st.DataObject) -> None:
    """Synthetic players pick a policy per answer; any mixture must play out."""
    policies = st.sampled_from(["perfect", "never_right", "rule_breaker"])
    master, turns = play(SHARE, lambda r: GAME.scripted_player(data.draw(policies), r.messages))
    assert GAME.score(SHARE, turns).outcome == master.outcome


def test_both_chats_follow_clembenchs_flow() -> None:
    answers = iter(
        [
            "guess: pride\nexplanation: a group of lions",
            "agreement: no\nexplanation: not an amount",
            "guess: crepe\nexplanation: changed",
            "guess: mares\nexplanation: next",
            "oops",
            "agreement: Yes\nexplanation: fine",
            "guess: share\nexplanation: final",
        ]
    )
    master, turns = play(SHARE, lambda _request: next(answers))
    assert [(t["turn"], t["player"], t["role"]) for t in turns] == [
        (0, "player_1", "guesser"),
        (0, "player_2", "critic"),
        (0, "player_1", "guesser"),
        (1, "player_1", "guesser"),
        (1, "player_2", "critic"),
        (1, "player_2", "critic"),
        (1, "player_1", "guesser"),
    ]
    assert turns[-1]["reason"] == "correct guess" and master.outcome == "success"
    guesser, critic = master.histories["player_1"], master.histories["player_2"]
    assert [m["role"] for m in guesser] == ["user", "assistant"] * 4
    assert guesser[0]["content"].endswith("\n\nclue: lion's amount?")
    assert guesser[2]["content"].startswith('The critic disagrees with your guess "pride".')
    assert "not an amount" in guesser[2]["content"]
    assert guesser[4]["content"] == "feedback: c<red> r<yellow> e<red> p<red> e<green>"
    assert guesser[6]["content"].startswith('The critic agrees with your guess "mares".')
    assert [m["role"] for m in critic] == ["user", "assistant"] * 3
    assert "You are the critic" in critic[0]["content"]
    assert critic[0]["content"].endswith(
        "clue: lion's amount?\nguess: pride\nexplanation: a group of lions"
    )
    assert critic[2]["content"] == (
        "clue: lion's amount?\nguess: mares\nexplanation: next\n"
        "feedback on the previous guess: c<red> r<yellow> e<red> p<red> e<green>"
    )
    assert "agreement: yes or no" in critic[4]["content"]  # the retry request


WORDS = ["share", "Share", "sh", "beade", "sh re"] + ["crane", "pride", "mares"] * 4
WRONG_ROLE = st.sampled_from(["agreement: yes", "guess: share", "agreement: no\nguess: crane"])
TAGGED_GUESS = st.builds(
    lambda word, noise: f"{noise}guess: {word}\nexplanation: {noise}",
    st.sampled_from(WORDS),
    st.text(max_size=20),
)
TAGGED_OPINION = st.builds(
    lambda value, noise: f"{noise}agreement: {value}\nexplanation: {noise}",
    st.sampled_from(["yes", "no", "Yes", "NO", "maybe", "yes."]),
    st.text(max_size=20),
)
GUESSES = st.integers(0, 4).flatmap(lambda n: [st.text(), WRONG_ROLE][n] if n < 2 else TAGGED_GUESS)
OPINIONS = st.integers(0, 4).flatmap(
    lambda n: [st.text(), WRONG_ROLE][n] if n < 2 else TAGGED_OPINION
)
"""Mostly well-formed answers (so that episodes run long), some arbitrary or of the other role."""


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.data())
def test_any_text_ends_the_episode_cleanly(data: st.DataObject) -> None:
    master, turns = play(
        SHARE, lambda request: data.draw(GUESSES if request.role == "guesser" else OPINIONS)
    )
    result = GAME.score(SHARE, turns)
    event(result.outcome)
    assert result.outcome == master.outcome
    assert 1 <= len(turns) <= MAX_REQUESTS
    assert (result.abort_reason is not None) == (result.outcome == "aborted")
    assert result.metrics["Request Count"] == len(turns)
