"""Whole episodes: the game master driven by scripted players (or arbitrary text), then scored."""

from collections.abc import Callable, Iterator

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from clemgrid.games.base import Instance
from clemgrid.games.referencegame import GAME
from clemgrid.games.referencegame.master import ReferenceGameMaster, listener_prompt
from clemgrid.games.referencegame.scorer import score
from clemgrid.games.referencegame.scripted import POLICIES, scripted_player
from clemgrid.games.testing import play_episode
from clemgrid.testing import FUZZ_EXAMPLES

INSTANCES = GAME.load_instances()
EXPERIMENTS = (
    "line_grids_rows",
    "line_grids_columns",
    "diagonal_grids",
    "letter_grids",
    "shape_grids",
    "random_grids",
)


def play(
    instance: Instance, answer: Callable[[str, list[dict]], str]
) -> tuple[ReferenceGameMaster, list[dict]]:
    master, turns = play_episode(GAME, instance, lambda r: answer(r.role, r.messages), 2)
    assert isinstance(master, ReferenceGameMaster)
    return master, turns


def play_policies(instance: Instance, speaker: str, listener: str):
    policy = {"speaker": speaker, "listener": listener}
    return play(instance, lambda role, messages: scripted_player(policy[role], messages))


def test_instances_are_clembench_v16() -> None:
    assert len(INSTANCES) == 180
    assert [i.experiment for i in INSTANCES] == [e for e in EXPERIMENTS for _ in range(30)]
    assert [i.instance_id for i in INSTANCES[:30]] == [str(n) for n in range(30)]
    assert len({(i.experiment, i.instance_id) for i in INSTANCES}) == 180
    first = INSTANCES[0].payload
    assert first["player_1_target_grid"].split("\n")[0] == "X X X X X"
    assert first["target_grid_name"] == ["first", "1st", "1"]
    assert first["player_2_response_pattern"].startswith("^answer:\\s(?P<content>first|second")
    for instance in INSTANCES:
        payload = instance.payload
        speaker = [payload[f"player_1_{n}_grid"] for n in ("target", "second", "third")]
        listener = [payload[f"player_2_{n}_grid"] for n in ("first", "second", "third")]
        assert len(set(speaker)) == 3 and sorted(speaker) == sorted(listener)
        names = payload["target_grid_name"]
        assert listener[("first", "second", "third").index(names[0])] == speaker[0]


def test_game_spec() -> None:
    assert (GAME.name, GAME.master, GAME.score) == ("referencegame", ReferenceGameMaster, score)
    assert GAME.scripted_policies == POLICIES


@pytest.mark.parametrize("instance", INSTANCES, ids=lambda i: f"{i.experiment}-{i.instance_id}")
def test_perfect_players_win_every_instance(instance: Instance) -> None:
    master, turns = play_policies(instance, "perfect", "perfect")
    result = score(instance, turns)
    assert (master.outcome, result.outcome, result.quality) == ("success", "success", 100.0)
    assert len(turns) == 2


@pytest.mark.parametrize(
    ("speaker", "listener"),
    [("never_right", "never_right"), ("never_right", "perfect"), ("perfect", "never_right")],
)
def test_never_right_loses_every_instance(speaker: str, listener: str) -> None:
    for instance in INSTANCES:
        master, turns = play_policies(instance, speaker, listener)
        result = score(instance, turns)
        assert (master.outcome, result.outcome, result.quality) == ("lost", "lost", 0.0)
        assert turns[-1]["reason"] == "wrong choice"


@pytest.mark.parametrize(
    ("speaker", "listener", "requests", "aborted_at"),
    [
        ("rule_breaker", "perfect", 1, "Aborted at Player 1"),
        ("perfect", "rule_breaker", 2, "Aborted at Player 2"),
    ],
)
def test_rule_breakers_abort(speaker: str, listener: str, requests: int, aborted_at: str) -> None:
    instance = INSTANCES[42]
    master, turns = play_policies(instance, speaker, listener)
    result = score(instance, turns)
    assert (master.outcome, result.outcome, result.quality) == ("aborted", "aborted", None)
    assert len(turns) == requests and turns[-1]["reason"] == result.abort_reason
    assert result.metrics[aborted_at] == 1


def test_chats_follow_clembench() -> None:
    instance = INSTANCES[100]
    master, turns = play_policies(instance, "perfect", "perfect")
    speaker, listener = master.histories["player_1"], master.histories["player_2"]
    assert [m["role"] for m in speaker] == [m["role"] for m in listener] == ["user", "assistant"]
    assert instance.payload["player_1_target_grid"] in speaker[0]["content"]
    # the listener sees the speaker's whole answer, tag included
    assert listener[0]["content"] == listener_prompt(instance.payload, turns[0]["response"])
    assert f"\n{turns[0]['response']}\n" in listener[0]["content"]
    assert [(t["turn"], t["player"], t["role"]) for t in turns] == [
        (0, "player_1", "speaker"),
        (0, "player_2", "listener"),
    ]


def test_answer_with_explanation_is_accepted_like_clembench_scorer() -> None:
    instance = INSTANCES[0]  # the target is shown first to the listener
    responses = iter(["Expression: the top row", "Answer: first, since its top row is full"])
    master, turns = play(instance, lambda _role, _messages: next(responses))
    assert master.outcome == "success" == score(instance, turns).outcome
    assert turns[-1]["reason"] == "correct choice (text after the answer ignored)"


def test_unknown_policy_and_chat_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown referencegame policy"):
        scripted_player("genius", [])
    with pytest.raises(ValueError, match="not a referencegame chat"):
        scripted_player("perfect", [{"role": "user", "content": "hello"}])


ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=" \t\n\r\x0b\x0c", max_size=20),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20),
    st.builds(
        lambda s, n: s * n, st.text(min_size=1, max_size=5), st.sampled_from([1000, 200_000])
    ),
)
WORDS = ("first", "Second", "3", "2nd", "third\n\nok", "fourth", "x", "")
TAGGED = {
    tag: st.one_of(
        ANY_TEXT,
        st.builds(lambda n, s, tag=tag: tag * n + s, st.integers(1, 3), ANY_TEXT),
        st.builds(lambda s, tag=tag: tag + s.replace("\n", " "), st.text(min_size=1)),
        st.builds(lambda w, s, tag=tag: tag + w + s, st.sampled_from(WORDS), ANY_TEXT),
        st.sampled_from([tag + word for word in WORDS]),
    )
    for tag in ("Expression: ", "Answer: ")
}
"""Most answers carry the tag their player needs, so that episodes reach the listener."""


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(TAGGED["Expression: "], TAGGED["Answer: "], st.sampled_from(INSTANCES))
def test_any_text_ends_the_episode_cleanly(expression: str, answer: str, instance) -> None:
    feed: Iterator[str] = iter((expression, answer))
    master, turns = play(instance, lambda _role, _messages: next(feed))
    result = score(instance, turns)
    event(f"{result.outcome} after {len(turns)} requests")
    assert master.outcome in ("success", "lost", "aborted")
    assert result.outcome == master.outcome
    assert 1 <= len(turns) <= 2
    assert (result.abort_reason is not None) == (result.outcome == "aborted")
    assert result.metrics["Request Count"] == len(turns)
