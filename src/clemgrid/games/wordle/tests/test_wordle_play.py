"""Whole wordle episodes: the game master driven by scripted players (or arbitrary text), scored."""

from collections.abc import Callable

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from clemgrid.games.base import Instance
from clemgrid.games.testing import play_episode
from clemgrid.games.wordle import GAME
from clemgrid.games.wordle_common.master import WordleMaster
from clemgrid.games.wordle_common.rules import max_requests
from clemgrid.games.wordle_common.scripted import MEMORY, NEVER_RIGHT_WORDS, POLICIES
from clemgrid.games.wordle_common.words import ALLOWED
from clemgrid.testing import FUZZ_EXAMPLES

INSTANCES = GAME.load_instances()
SHARE = next(i for i in INSTANCES if i.payload["target_word"] == "share")
MAX_REQUESTS = max_requests(use_critic=False)


def play(
    instance: Instance, answer: Callable[[list[dict]], str]
) -> tuple[WordleMaster, list[dict]]:
    master, turns = play_episode(GAME, instance, lambda r: answer(r.messages), MAX_REQUESTS)
    assert isinstance(master, WordleMaster)
    return master, turns


def play_policy(instance: Instance, policy: str) -> tuple[WordleMaster, list[dict]]:
    return play(instance, lambda messages: GAME.scripted_player(policy, messages))


def test_instances_are_clembench_v16() -> None:
    assert len(INSTANCES) == 30
    assert [i.experiment for i in INSTANCES] == ["high_frequency_words_no_clue_no_critic"] * 10 + [
        "medium_frequency_words_no_clue_no_critic"
    ] * 20
    assert [i.instance_id for i in INSTANCES[:10]] == [str(n) for n in range(1, 11)]
    assert INSTANCES[0].payload == {
        "target_word": "start",
        "clue": "embark",
        "difficulty": "high_frequency",
    }
    assert INSTANCES[-1].payload["target_word"] == "cacao"
    assert all(i.game == "wordle" and i.payload["target_word"] in ALLOWED for i in INSTANCES)
    assert len({(i.experiment, i.instance_id) for i in INSTANCES}) == 30
    assert {i.payload["target_word"] for i in INSTANCES} == set(MEMORY)
    assert all(w in ALLOWED and w not in MEMORY for w in NEVER_RIGHT_WORDS)


def test_game_spec() -> None:
    assert (GAME.name, GAME.master) == ("wordle", WordleMaster)
    assert GAME.scripted_policies == POLICIES


@pytest.mark.parametrize("instance", INSTANCES, ids=lambda i: f"{i.experiment}-{i.instance_id}")
def test_perfect_player_wins_every_instance_within_3_guesses(instance: Instance) -> None:
    master, turns = play_policy(instance, "perfect")
    result = GAME.score(instance, turns)
    assert (master.outcome, result.outcome, result.quality) == ("success", "success", 100.0)
    assert len(turns) <= 3


@pytest.mark.parametrize(
    ("policy", "outcome", "quality", "requests", "reason"),
    [
        ("never_right", "lost", 0.0, 6, "wrong guess, no attempts left"),
        ("rule_breaker", "aborted", None, 3, "INVALID_FORMAT"),
        ("non_word", "aborted", None, 6, "NOT_VALID_ENGLISH_WORD"),
        ("short_word", "aborted", None, 3, "INVALID_WORD_LENGTH"),
    ],
)
def test_policies(
    policy: str, outcome: str, quality: float | None, requests: int, reason: str
) -> None:
    master, turns = play_policy(SHARE, policy)
    result = GAME.score(SHARE, turns)
    assert (master.outcome, result.outcome, result.quality) == (outcome, outcome, quality)
    assert len(turns) == requests
    assert turns[-1]["reason"].startswith(reason)
    assert (result.abort_reason or "").startswith(reason if outcome == "aborted" else "")


def test_never_right_guesses_differ_and_tell_episodes_apart() -> None:
    _, turns = play_policy(SHARE, "never_right")
    result = GAME.score(SHARE, turns)
    assert result.metrics["total guess repetitions"] == 0
    chats = {str(play_policy(i, "never_right")[0].histories) for i in INSTANCES}
    assert len(chats) == len(INSTANCES)


@settings(max_examples=FUZZ_EXAMPLES // 4, deadline=None)
@given(st.data())
def test_policies_mix_within_an_episode(data: st.DataObject) -> None:
    """Synthetic players pick a policy per answer; any mixture must play out."""
    policies = st.sampled_from(["perfect", "never_right", "rule_breaker"])
    master, turns = play(SHARE, lambda m: GAME.scripted_player(data.draw(policies), m))
    assert GAME.score(SHARE, turns).outcome == master.outcome


def test_chat_holds_raw_answers_feedback_and_retry_requests() -> None:
    answers = iter(["guess: crane\nexplanation: start", "Guess: slate", "guess: share"])
    master, turns = play(SHARE, lambda _messages: next(answers))
    chat = master.histories["player_1"]
    assert [m["role"] for m in chat] == ["user", "assistant"] * 3
    assert "You are the guesser" in chat[0]["content"] and "clue:" not in chat[0]["content"]
    assert chat[1]["content"] == turns[0]["response"]  # verbatim
    assert chat[2]["content"] == "feedback: c<red> r<yellow> a<green> n<red> e<green>"
    assert "no line starting with" in chat[4]["content"]
    assert [(t["turn"], t["valid"], t["reason"]) for t in turns] == [
        (0, True, "wrong guess"),
        (1, False, "INVALID_FORMAT: no line starting with 'guess:'"),
        (1, True, "correct guess"),
    ]
    assert master.histories["player_2"] == []


def test_unknown_policy_and_chat_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown wordle policy"):
        GAME.scripted_player("contrarian", [])
    with pytest.raises(ValueError, match="not a wordle chat"):
        GAME.scripted_player("perfect", [{"role": "user", "content": "hello"}])


def test_perfect_player_also_solves_an_unremembered_word() -> None:
    zebra = Instance(
        "wordle", "made_up", "1", {"target_word": "zebra", "clue": "", "difficulty": ""}
    )
    master, _ = play_policy(zebra, "perfect")
    assert master.outcome in ("success", "lost")


WORDS = ["share", "Share", "cat", "beade", "shares", "sh4re", ""] + ["crane", "xylyl", "slate"] * 4
ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=" \t\n\r\x0b\x0c", max_size=20),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20),
    st.builds(
        lambda s, n: s * n, st.text(min_size=1, max_size=5), st.sampled_from([1000, 200_000])
    ),
    st.builds(lambda n, s: "guess: " * n + s, st.integers(1, 5), st.text()),
)
TAGGED = st.one_of(
    st.builds(
        lambda w, s: f"{s}guess: {w}\nexplanation: {s}",
        st.sampled_from(WORDS),
        st.text(max_size=20),
    ),
    st.sampled_from([f"guess: {w}" for w in WORDS]),
)
GUESSES = st.integers(0, 3).flatmap(lambda n: ANY_TEXT if n == 0 else TAGGED)
"""Mostly tagged answers (mostly listed words), so that episodes also run to their end."""


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.data())
def test_any_text_ends_the_episode_cleanly(data: st.DataObject) -> None:
    master, turns = play(SHARE, lambda _messages: data.draw(GUESSES))
    result = GAME.score(SHARE, turns)
    event(result.outcome)
    assert master.outcome in ("success", "lost", "aborted")
    assert result.outcome == master.outcome
    assert 1 <= len(turns) <= MAX_REQUESTS
    assert (result.abort_reason is not None) == (result.outcome == "aborted")
    assert result.metrics["Request Count"] == len(turns)
