"""Few-shot demonstrations: never an evaluation grid, valid moves, only added to the prompts."""

import re

import pytest

from clemgrid.games.base import GameMaster, GameSpec, Instance, TurnRow, few_shot
from clemgrid.games.imagegame import GAME
from clemgrid.games.imagegame.demonstrations import DEMONSTRATIONS, MAX_DEMONSTRATIONS
from clemgrid.games.imagegame.master import (
    follower_examples,
    follower_prompt,
    giver_examples,
    giver_prompt,
    question,
)
from clemgrid.games.imagegame.parse import EMPTY, compare, is_done, is_grid, parse_instruction
from clemgrid.games.testing import play_episode, policy_player

INSTANCES = GAME.load_instances()
EXAMPLE = re.compile(r"^Example \d+\.", re.MULTILINE)
SHOTS = range(1, MAX_DEMONSTRATIONS + 1)


def filled(grid: str) -> tuple[tuple[bool, ...], ...]:
    """The pattern of filled cells, whatever the letters."""
    return tuple(
        tuple(cell != EMPTY for cell in row.split(" ")) for row in grid.strip().split("\n")
    )


def play(spec: GameSpec, instance: Instance, policy: str) -> tuple[GameMaster, list[TurnRow]]:
    return play_episode(spec, instance, policy_player(spec, policy))


def test_there_are_at_least_three_demonstrations() -> None:
    assert MAX_DEMONSTRATIONS >= 3


def test_no_demonstration_grid_is_an_evaluation_grid() -> None:
    evaluation = {filled(instance.payload["target_grid"]) for instance in INSTANCES}
    for demo in DEMONSTRATIONS:
        for step in demo.steps:
            assert filled(step.grid) not in evaluation, step


def test_demonstrations_are_valid_moves() -> None:
    patterns = {
        (i.payload["player_1_response_pattern"], i.payload["player_2_response_pattern"])
        for i in INSTANCES
    }
    terminate = {i.payload["player_1_terminate_pattern"] for i in INSTANCES}
    assert is_done("Instruction: DONE", terminate.pop()) and not terminate
    for instruction_pattern, grid_pattern in patterns:
        for demo in DEMONSTRATIONS:
            previous = "\n".join([" ".join([EMPTY] * 5)] * 5)
            for step in demo.steps:
                assert parse_instruction(step.instruction, instruction_pattern).line == (
                    step.instruction
                )
                assert is_grid(step.grid, grid_pattern), step.grid
                before, after = previous.split(), step.grid.split()
                assert before != after and all(  # each step draws, and keeps what was drawn
                    b in (EMPTY, a) for b, a in zip(before, after, strict=True)
                ), step.instruction
                previous = step.grid
            assert compare(demo.target, previous).f1 == 100


@pytest.mark.parametrize("k", [0, *SHOTS])
def test_k_demonstrations_only_add_k_examples(k: int) -> None:
    payload = INSTANCES[0].payload
    instruction = "Instruction: Fill the bottom row with B"
    prompts = [
        (giver_prompt(payload), giver_prompt(payload, k), giver_examples(k)),
        (
            follower_prompt(payload, instruction),
            follower_prompt(payload, instruction, k),
            follower_examples(k),
        ),
    ]
    for zero, few, examples in prompts:
        assert (few.replace(f"{examples}\n\n", "", 1) if k else few) == zero
        assert len(EXAMPLE.findall(few)) == k
    giver, follower = prompts[0][1], prompts[1][1]
    assert giver.endswith(f"\n\n{question()}")
    assert giver.index(payload["target_grid"].strip()) > giver.index(giver_examples(k))
    assert follower.endswith(f"\n{instruction}")


def test_more_demonstrations_than_written_are_refused() -> None:
    with pytest.raises(ValueError, match="demonstrations"):
        giver_prompt(INSTANCES[0].payload, MAX_DEMONSTRATIONS + 1)


@pytest.mark.parametrize("k", [1, 3])
def test_scripted_players_keep_their_scores_in_the_variants(k: int) -> None:
    spec = few_shot(GAME, k)
    for instance in INSTANCES:
        for policy, outcome, quality in (("perfect", "success", 100.0), ("never_right", "lost", 0)):
            master, turns = play(spec, instance, policy)
            result = spec.score(instance, turns)
            assert (master.outcome, result.outcome, result.quality) == (outcome, outcome, quality)
