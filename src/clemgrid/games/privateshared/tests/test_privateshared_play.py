"""Whole episodes: the game master driven by scripted answerers (or arbitrary text), then scored."""

from collections.abc import Callable, Iterator

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from clemgrid.games.base import Instance
from clemgrid.games.privateshared import GAME
from clemgrid.games.privateshared.master import (
    MAX_TRIES,
    PROBE_FORMAT_ERROR,
    RETRIES,
    PrivateSharedMaster,
    max_requests,
)
from clemgrid.games.privateshared.scorer import score
from clemgrid.games.privateshared.scripted import NO_ANSWER, POLICIES, scripted_player
from clemgrid.games.testing import play_episode
from clemgrid.testing import FUZZ_EXAMPLES

INSTANCES = GAME.load_instances()
EXPERIMENTS = ("travel-booking", "job-interview", "restaurant", "things-places", "letter-number")


def play(
    instance: Instance, answer: Callable[[list[dict]], str]
) -> tuple[PrivateSharedMaster, list[dict]]:
    limit = max_requests(instance.payload)
    master, turns = play_episode(GAME, instance, lambda r: answer(r.messages), limit)
    assert isinstance(master, PrivateSharedMaster)
    return master, turns


def play_policy(instance: Instance, policy: str) -> tuple[PrivateSharedMaster, list[dict]]:
    return play(instance, lambda messages: scripted_player(policy, messages))


def test_instances_are_clembench_v16() -> None:
    assert len(INSTANCES) == 50
    assert [i.experiment for i in INSTANCES] == [e for e in EXPERIMENTS for _ in range(10)]
    assert [i.instance_id for i in INSTANCES[:10]] == [str(n) for n in range(10)]
    first = INSTANCES[0].payload
    assert first["slots"] == {
        "from": "London",
        "to": "Amsterdam",
        "by": "Plane",
        "class": "The cheapest",
        "when": "On March 3",
    }
    assert first["request_order"] == ["when", "class", "to", "from", "by"]
    assert first["requests"]["when"] == "When do you wish to start your journey?"
    assert first["probes"][0][0] == {
        "slot": "from",
        "question": "Have you informed the travel agent about the place of departure?",
    }
    sizes = {
        e: {len(i.payload["slots"]) for i in INSTANCES if i.experiment == e} for e in EXPERIMENTS
    }
    assert sizes == {e: {n} for e, n in zip(EXPERIMENTS, (5, 5, 5, 15, 10), strict=True)}
    for instance in INSTANCES:
        payload = instance.payload
        assert sorted(payload["request_order"]) == sorted(payload["slots"])
        assert len(payload["probes"]) == len(payload["slots"]) + 1
        assert all(
            [p["slot"] for p in round_] == list(payload["slots"]) for round_ in payload["probes"]
        )


def test_game_spec() -> None:
    assert (GAME.name, GAME.master, GAME.score) == ("privateshared", PrivateSharedMaster, score)
    assert GAME.scripted_policies == POLICIES


@pytest.mark.parametrize("policy", ["perfect", "oversharer"])
def test_perfect_answerers_win_every_instance(policy: str) -> None:
    for instance in INSTANCES:
        master, turns = play_policy(instance, policy)
        result = score(instance, turns)
        assert (master.outcome, result.outcome, result.quality) == ("success", "success", 100.0)
        slots = len(instance.payload["slots"])
        assert len(turns) == slots + slots * (slots + 1)  # no probe asked twice


def test_never_right_loses_every_instance() -> None:
    for instance in INSTANCES:
        master, turns = play_policy(instance, "never_right")
        result = score(instance, turns)
        assert (master.outcome, result.outcome, result.quality) == ("lost", "lost", 0.0)
        assert result.metrics["Kappa"] == -1.0
        values = [v.lower() for v in instance.payload["slots"].values()]
        assert not any(value in NO_ANSWER.lower() for value in values)


def test_rule_breaker_aborts_after_the_retries() -> None:
    instance = INSTANCES[33]
    master, turns = play_policy(instance, "rule_breaker")
    result = score(instance, turns)
    assert (master.outcome, result.outcome, result.abort_reason) == (
        "aborted",
        "aborted",
        PROBE_FORMAT_ERROR,
    )
    assert len(turns) == MAX_TRIES


def test_chats_follow_clembench() -> None:
    instance = INSTANCES[0]
    master = PrivateSharedMaster(instance)
    first = master.pending().messages
    assert [m["role"] for m in first] == ["user", "assistant", "user"]
    assert first[1]["content"] == "Ok." and "WHEN: On March 3" in first[0]["content"]
    master.receive("ASIDE: perhaps")  # invalid: asked again with a retry phrase
    retry = master.pending().messages[-1]["content"]
    assert retry.startswith(f"ME: {RETRIES[0]} Have you informed the travel agent")
    for _ in range(5):
        master.receive("ASIDE: no")
    request = master.pending()
    assert request.turn == 1
    assert request.messages[-1] == {
        "role": "user",
        "content": "TRAVEL-AGENT: When do you wish to start your journey?",
    }
    master.receive("ANSWER: On March 3")
    probe = master.pending()
    assert len(probe.messages) == 5  # prompt, Ok., request, answer, probe: probes are not kept
    assert probe.messages[3]["content"] == "ANSWER: On March 3"


def test_unknown_policy_and_chat_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown privateshared policy"):
        scripted_player("genius", [])
    with pytest.raises(ValueError, match="not a privateshared chat"):
        scripted_player("perfect", [{"role": "user", "content": "hello"}])


ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=" \t\n\r\x0b\x0c", max_size=20),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20),
    st.builds(
        lambda s, n: s * n, st.text(min_size=1, max_size=5), st.sampled_from([1000, 200_000])
    ),
)
RESPONSES = st.one_of(
    st.none(),  # the perfect answer
    st.sampled_from(
        ["ASIDE: yes", "ASIDE: no", "ASIDE: Nope", "ANSWER: NA", "ANSWER: x", "ANSWER: London"]
    ),
    st.builds(
        lambda tag, s: tag + s,
        st.sampled_from(["ASIDE: ", "ANSWER: ", "ASIDE: ANSWER: "]),
        ANY_TEXT,
    ),
    ANY_TEXT,
)
"""Many answers are valid, so that episodes get past their first requests."""


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.lists(RESPONSES, max_size=60), st.sampled_from(INSTANCES))
def test_any_text_ends_the_episode_cleanly(responses: list[str | None], instance) -> None:
    feed: Iterator[str | None] = iter(responses)

    def answer(messages: list[dict]) -> str:
        text = next(feed, None)  # once the list is used up, the answers are perfect
        return scripted_player("perfect", messages) if text is None else text

    master, turns = play(instance, answer)
    result = score(instance, turns)
    event(f"{result.outcome} after {'<' if len(turns) < 35 else '>='} 35 requests")
    assert master.outcome in ("success", "lost", "aborted")
    assert result.outcome == master.outcome
    assert 1 <= len(turns) <= max_requests(instance.payload)
    assert (result.abort_reason is not None) == (result.outcome == "aborted")
    assert result.metrics["Request Count"] == len(turns)
