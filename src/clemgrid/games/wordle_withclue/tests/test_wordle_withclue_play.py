"""Whole wordle_withclue episodes: scripted players (or arbitrary text) through the game master."""

from collections.abc import Callable

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from clemgrid.games.base import Instance
from clemgrid.games.testing import play_episode
from clemgrid.games.wordle_common.master import WordleWithClueMaster
from clemgrid.games.wordle_common.rules import max_requests
from clemgrid.games.wordle_common.scripted import POLICIES
from clemgrid.games.wordle_withclue import GAME
from clemgrid.testing import FUZZ_EXAMPLES

INSTANCES = GAME.load_instances()
SHARE = next(i for i in INSTANCES if i.payload["target_word"] == "share")
MAX_REQUESTS = max_requests(use_critic=False)


def play(
    instance: Instance, answer: Callable[[list[dict]], str]
) -> tuple[WordleWithClueMaster, list[dict]]:
    master, turns = play_episode(GAME, instance, lambda r: answer(r.messages), MAX_REQUESTS)
    assert isinstance(master, WordleWithClueMaster)
    return master, turns


def play_policy(instance: Instance, policy: str) -> tuple[WordleWithClueMaster, list[dict]]:
    return play(instance, lambda messages: GAME.scripted_player(policy, messages))


def test_instances_are_clembench_v16() -> None:
    assert len(INSTANCES) == 30
    assert [i.experiment for i in INSTANCES] == ["high_frequency_words_clue_no_critic"] * 10 + [
        "medium_frequency_words_clue_no_critic"
    ] * 20
    assert INSTANCES[1].payload == {
        "target_word": "share",
        "clue": "lion's amount?",
        "difficulty": "high_frequency",
    }
    assert all(i.game == "wordle_withclue" and i.payload["clue"] for i in INSTANCES)
    assert len({i.payload["clue"] for i in INSTANCES}) == 30


def test_game_spec() -> None:
    assert (GAME.name, GAME.master) == ("wordle_withclue", WordleWithClueMaster)
    assert GAME.scripted_policies == POLICIES


@pytest.mark.parametrize("instance", INSTANCES, ids=lambda i: f"{i.experiment}-{i.instance_id}")
def test_perfect_player_wins_every_instance_at_once(instance: Instance) -> None:
    master, turns = play_policy(instance, "perfect")
    result = GAME.score(instance, turns)
    assert (master.outcome, result.outcome, result.quality) == ("success", "success", 100.0)
    assert len(turns) == 1


@pytest.mark.parametrize(
    ("policy", "outcome", "requests", "reason"),
    [
        ("never_right", "lost", 6, "wrong guess, no attempts left"),
        ("rule_breaker", "aborted", 3, "INVALID_FORMAT"),
        ("non_word", "aborted", 6, "NOT_VALID_ENGLISH_WORD"),
        ("short_word", "aborted", 3, "INVALID_WORD_LENGTH"),
    ],
)
def test_policies(policy: str, outcome: str, requests: int, reason: str) -> None:
    master, turns = play_policy(SHARE, policy)
    result = GAME.score(SHARE, turns)
    assert (master.outcome, result.outcome) == (outcome, outcome)
    assert len(turns) == requests
    assert turns[-1]["reason"].startswith(reason)


def test_the_prompt_ends_with_the_clue() -> None:
    prompt = GAME.master(SHARE).pending().messages[0]["content"]
    assert "You are the guesser" in prompt
    assert prompt.endswith("\n\nclue: lion's amount?")


GUESSES = st.integers(0, 3).flatmap(
    lambda n: (
        st.text()
        if n == 0
        else st.builds(
            lambda word, noise: f"{noise}guess: {word}\nexplanation: {noise}",
            st.sampled_from(["share", "SHARE", "sh", "beade", "12345"] + ["crane", "pride"] * 4),
            st.text(max_size=20),
        )
    )
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.data())
def test_any_text_ends_the_episode_cleanly(data: st.DataObject) -> None:
    master, turns = play(SHARE, lambda _messages: data.draw(GUESSES))
    result = GAME.score(SHARE, turns)
    event(result.outcome)
    assert result.outcome == master.outcome
    assert 1 <= len(turns) <= MAX_REQUESTS
    assert (result.abort_reason is not None) == (result.outcome == "aborted")
