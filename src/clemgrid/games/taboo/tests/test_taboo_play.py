"""Whole episodes: the game master driven by scripted players (or arbitrary text), then scored."""

from collections.abc import Callable, Iterator

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from clemgrid.games.base import Instance
from clemgrid.games.taboo import GAME
from clemgrid.games.taboo.master import MAX_TURNS, TabooMaster, guesser_prompt
from clemgrid.games.taboo.scorer import score
from clemgrid.games.taboo.scripted import POLICIES, scripted_player
from clemgrid.games.testing import play_episode
from clemgrid.testing import FUZZ_EXAMPLES

INSTANCES = GAME.load_instances()
BOY = next(i for i in INSTANCES if i.payload["target_word"] == "boy")


def play(instance: Instance, answer: Callable[[list[dict]], str]) -> tuple[TabooMaster, list[dict]]:
    master, turns = play_episode(GAME, instance, lambda r: answer(r.messages), 2 * MAX_TURNS)
    assert isinstance(master, TabooMaster)
    return master, turns


def play_policy(instance: Instance, policy: str) -> tuple[TabooMaster, list[dict]]:
    return play(instance, lambda messages: scripted_player(policy, messages))


def test_instances_are_clembench_v16() -> None:
    assert len(INSTANCES) == 60
    assert [i.experiment for i in INSTANCES] == [
        e for e in ("high_en", "medium_en", "low_en") for _ in range(20)
    ]
    assert [i.instance_id for i in INSTANCES[:20]] == [str(n) for n in range(20)]
    assert INSTANCES[0].payload == {
        "target_word": "responsibility",
        "related_words": ["blame", "obligation", "reliability"],
    }
    assert INSTANCES[-1].payload == {
        "target_word": "pastor",
        "related_words": ["rector", "clergy", "vicar"],
    }
    assert all(i.game == "taboo" and len(i.payload["related_words"]) == 3 for i in INSTANCES)
    assert len({(i.experiment, i.instance_id) for i in INSTANCES}) == 60


def test_game_spec() -> None:
    assert (GAME.name, GAME.master, GAME.score) == ("taboo", TabooMaster, score)
    assert GAME.scripted_policies == POLICIES


@pytest.mark.parametrize("instance", INSTANCES, ids=lambda i: f"{i.experiment}-{i.instance_id}")
def test_perfect_players_win_every_instance_in_turn_1(instance: Instance) -> None:
    master, turns = play_policy(instance, "perfect")
    result = score(instance, turns)
    assert (master.outcome, result.outcome, result.quality) == ("success", "success", 100.0)
    assert len(turns) == 2


@pytest.mark.parametrize(
    ("policy", "outcome", "quality", "requests", "reason"),
    [
        ("slow", "success", 50.0, 4, "correct guess"),
        ("never_right", "lost", 0.0, 6, "wrong guess, no tries left"),
        ("rule_breaker", "aborted", None, 1, "invalid format: the clue must start with 'CLUE:'"),
        ("taboo_breaker", "lost", 0.0, 1, "taboo word: boy"),
    ],
)
def test_policies(
    policy: str, outcome: str, quality: float | None, requests: int, reason: str
) -> None:
    master, turns = play_policy(BOY, policy)
    result = score(BOY, turns)
    assert (master.outcome, result.outcome, result.quality) == (outcome, outcome, quality)
    assert len(turns) == requests
    assert turns[-1]["reason"] == reason


def test_chats_follow_clembench() -> None:
    master, turns = play_policy(BOY, "never_right")
    describer, guesser = master.histories["player_1"], master.histories["player_2"]
    assert [m["role"] for m in describer] == ["user", "assistant"] * 3
    assert [m["role"] for m in guesser] == ["user", "assistant"] * 3
    assert "Secret word: boy" in describer[0]["content"] and "- teenager" in describer[0]["content"]
    assert guesser[0]["content"] == f"{guesser_prompt()}\n\n{turns[0]['response']}"
    assert describer[2]["content"] == turns[1]["response"]  # the raw guess, verbatim
    assert guesser[2]["content"] == turns[2]["response"]  # the raw clue, verbatim
    assert [(t["turn"], t["player"], t["role"]) for t in turns[:2]] == [
        (0, "player_1", "describer"),
        (0, "player_2", "guesser"),
    ]


def test_unknown_policy_and_chat_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown taboo policy"):
        scripted_player("genius", [])
    with pytest.raises(ValueError, match="not a taboo chat"):
        scripted_player("perfect", [{"role": "user", "content": "hello"}])


WORDS = ["boy", "Boy.", "kid", "a young boy", "man", ""]
ANY_TEXT = st.one_of(
    st.text(),
    st.just(""),
    st.text(alphabet=" \t\n\r\x0b\x0c", max_size=20),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20),
    st.builds(
        lambda s, n: s * n, st.text(min_size=1, max_size=5), st.sampled_from([1000, 200_000])
    ),
    st.builds(lambda n, s: "CLUE: " * n + s, st.integers(1, 5), st.text()),
    st.sampled_from(["CLUE: ", "GUESS: ", "GUESS:"]).flatmap(
        lambda tag: st.sampled_from([tag + w for w in WORDS])
    ),
)
TAGGED = {
    tag: st.one_of(
        ANY_TEXT,
        ANY_TEXT.map(lambda s, tag=tag: tag + s),
        st.sampled_from([tag + w for w in WORDS]),
    )
    for tag in ("CLUE: ", "GUESS: ")
}
"""Most answers carry the tag their player needs, so that episodes get past turn 1."""


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.tuples(*(TAGGED["CLUE: " if n % 2 == 0 else "GUESS: "] for n in range(2 * MAX_TURNS))))
def test_any_text_ends_the_episode_cleanly(responses: tuple[str, ...]) -> None:
    feed: Iterator[str] = iter(responses)
    master, turns = play(BOY, lambda _messages: next(feed))
    result = score(BOY, turns)
    event(f"{result.outcome} after {len(turns)} requests")
    assert master.outcome in ("success", "lost", "aborted")
    assert result.outcome == master.outcome
    assert 1 <= len(turns) <= 2 * MAX_TURNS
    assert (result.abort_reason is not None) == (result.outcome == "aborted")
    assert result.metrics["Request Count"] == turns[-1]["turn"] + 1
