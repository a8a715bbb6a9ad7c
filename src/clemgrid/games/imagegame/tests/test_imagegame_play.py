"""Whole episodes: the game master driven by scripted players (or arbitrary text), then scored."""

from collections.abc import Callable, Iterator

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from clemgrid.games.base import Instance
from clemgrid.games.imagegame import GAME
from clemgrid.games.imagegame.master import ImageGameMaster, follower_prompt, question
from clemgrid.games.imagegame.scorer import score
from clemgrid.games.imagegame.scripted import POLICIES, scripted_player
from clemgrid.games.testing import play_episode
from clemgrid.testing import FUZZ_EXAMPLES

INSTANCES = GAME.load_instances()
MAX_REQUESTS = 2 * 25


def play(
    instance: Instance, answer: Callable[[str, list[dict]], str]
) -> tuple[ImageGameMaster, list[dict]]:
    master, turns = play_episode(GAME, instance, lambda r: answer(r.role, r.messages), MAX_REQUESTS)
    assert isinstance(master, ImageGameMaster)
    return master, turns


def play_policies(instance: Instance, giver: str, follower: str):
    policy = {"instruction_giver": giver, "instruction_follower": follower}
    return play(instance, lambda role, messages: scripted_player(policy[role], messages))


def test_instances_are_clembench_v16() -> None:
    assert len(INSTANCES) == 40
    assert [i.experiment for i in INSTANCES] == ["compact_grids"] * 20 + ["random_grids"] * 20
    assert [i.instance_id for i in INSTANCES[:20]] == [str(n) for n in range(20)]
    assert INSTANCES[0].payload["target_grid"] == (
        "▢ ▢ ▢ ▢ B\n▢ ▢ ▢ B ▢\n▢ ▢ B ▢ ▢\n▢ B ▢ ▢ ▢\nB B B B B\n"
    )
    assert {i.payload["player_1_response_pattern"] for i in INSTANCES} == {"^instruction: [^\n]+$"}
    assert {i.payload["grid_dimension"] for i in INSTANCES} == {5}


def test_game_spec() -> None:
    assert (GAME.name, GAME.master, GAME.score) == ("imagegame", ImageGameMaster, score)
    assert GAME.scripted_policies == POLICIES


@pytest.mark.parametrize("instance", INSTANCES, ids=lambda i: f"{i.experiment}-{i.instance_id}")
def test_perfect_players_draw_every_grid(instance: Instance) -> None:
    master, turns = play_policies(instance, "perfect", "perfect")
    result = score(instance, turns)
    assert (master.outcome, result.outcome, result.quality) == ("success", "success", 100.0)
    assert turns[-1]["reason"] == "done"


@pytest.mark.parametrize(
    ("giver", "follower"),
    [("never_right", "never_right"), ("never_right", "perfect"), ("perfect", "never_right")],
)
def test_never_right_loses_every_instance(giver: str, follower: str) -> None:
    for instance in INSTANCES:
        master, turns = play_policies(instance, giver, follower)
        result = score(instance, turns)
        assert (master.outcome, result.outcome, result.quality) == ("lost", "lost", 0.0)


@pytest.mark.parametrize(
    ("giver", "follower", "requests"),
    [("rule_breaker", "perfect", 1), ("perfect", "rule_breaker", 2)],
)
def test_rule_breakers_abort(giver: str, follower: str, requests: int) -> None:
    instance = INSTANCES[25]
    master, turns = play_policies(instance, giver, follower)
    result = score(instance, turns)
    assert (master.outcome, result.outcome, result.quality) == ("aborted", "aborted", None)
    assert len(turns) == requests and turns[-1]["reason"] == result.abort_reason


def test_chats_follow_clembench() -> None:
    instance = INSTANCES[0]
    master, turns = play_policies(instance, "perfect", "perfect")
    giver, follower = master.histories["player_1"], master.histories["player_2"]
    assert instance.payload["target_grid"].strip() in giver[0]["content"]
    assert giver[0]["content"].endswith(question())
    assert [m["content"] for m in giver[2::2]] == [question()] * (len(giver) // 2 - 1)
    assert follower[0]["content"] == follower_prompt(instance.payload, turns[0]["response"])
    assert follower[2]["content"] == turns[2]["response"]
    assert [(t["turn"], t["role"]) for t in turns[:3]] == [
        (0, "instruction_giver"),
        (0, "instruction_follower"),
        (1, "instruction_giver"),
    ]


def test_follower_gets_the_first_line_only() -> None:
    instance = INSTANCES[0]
    responses = iter(["Instruction: Fill the bottom row with B\n", "\n".join(["▢ ▢ ▢ ▢ ▢"] * 5)])
    master, _ = play(instance, lambda _role, _messages: next(responses, "Instruction: DONE"))
    assert master.histories["player_2"][0]["content"].endswith(
        "\nInstruction: Fill the bottom row with B"
    )


def test_game_ends_after_25_turns_without_done() -> None:
    instance = INSTANCES[0]

    def answer(role: str, messages: list[dict]) -> str:
        if role == "instruction_giver":
            return "Instruction: Draw the target"
        return instance.payload["target_grid"]

    master, turns = play(instance, answer)
    assert (master.outcome, len(turns)) == ("success", MAX_REQUESTS)
    assert turns[-1]["reason"] == "no turns left"
    assert score(instance, turns).metrics["Request Count"] == MAX_REQUESTS


def test_unknown_policy_and_chat_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown imagegame policy"):
        scripted_player("genius", [])
    with pytest.raises(ValueError, match="not an imagegame chat"):
        scripted_player("perfect", [{"role": "user", "content": "hello"}])


E = "▢ ▢ ▢ ▢ ▢"
ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=" \t\n\r\x0b\x0c", max_size=20),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20),
    st.builds(
        lambda s, n: s * n, st.text(min_size=1, max_size=5), st.sampled_from([1000, 200_000])
    ),
)
ONE_LINE = st.builds(lambda s: "Instruction: " + s.replace("\n", " "), st.text(min_size=1))
INSTRUCTIONS = st.one_of(
    ONE_LINE,
    ANY_TEXT,
    ONE_LINE,
    st.builds(lambda n, s: "Instruction: " * n + s, st.integers(1, 3), ANY_TEXT),
    st.sampled_from(["Instruction: DONE", " instruction : done \n", "Instruction: DONE."]),
)
RANDOM_GRID = st.lists(st.sampled_from(["▢", "B", "X"]), min_size=25, max_size=25).map(
    lambda cells: "\n".join(" ".join(cells[i : i + 5]) for i in range(0, 25, 5))
)
GRIDS = st.one_of(
    st.none(),  # the target itself
    RANDOM_GRID,
    ANY_TEXT,
    st.lists(
        st.lists(st.sampled_from(["▢", "B", "X", "b", "1"]), min_size=4, max_size=6).map(" ".join),
        min_size=4,
        max_size=6,
    ).map("\n".join),
    st.builds(
        lambda sep, grid: grid.replace(" ", sep, 1),
        st.sampled_from(["\t", "\n", "\x0b", "\u2003"]),
        RANDOM_GRID,
    ),
    st.just("\n".join([E] * 5)),
)
"""Most answers are valid moves or near misses, so that episodes get past turn 0."""


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.lists(st.tuples(INSTRUCTIONS, GRIDS), max_size=30), st.sampled_from(INSTANCES))
def test_any_text_ends_the_episode_cleanly(moves: list[tuple[str, str]], instance) -> None:
    target = instance.payload["target_grid"]
    feed: Iterator[str | None] = iter([text for move in moves for text in move])

    def answer(role: str, _messages: list[dict]) -> str:
        text = next(feed, "Instruction: x" if role == "instruction_giver" else target)
        return target if text is None else text

    master, turns = play(instance, answer)
    result = score(instance, turns)
    event(f"{result.outcome} after {len(turns) // 10 * 10}+ requests")
    assert master.outcome in ("success", "lost", "aborted")
    assert result.outcome == master.outcome
    assert 1 <= len(turns) <= MAX_REQUESTS
    assert (result.abort_reason is not None) == (result.outcome == "aborted")
    assert (result.quality is None) == (result.outcome == "aborted")
