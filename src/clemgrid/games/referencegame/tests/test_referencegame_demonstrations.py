"""Few-shot demonstrations: never an evaluation grid, valid moves, only added to the prompts."""

import re

import pytest

from clemgrid.games.base import few_shot
from clemgrid.games.referencegame import GAME
from clemgrid.games.referencegame.demonstrations import (
    DEMONSTRATIONS,
    MAX_DEMONSTRATIONS,
    ORDINALS,
)
from clemgrid.games.referencegame.master import (
    listener_examples,
    listener_prompt,
    speaker_examples,
    speaker_prompt,
)
from clemgrid.games.referencegame.parse import is_target, parse_answer, parse_expression
from clemgrid.games.testing import play_episode, policy_player

INSTANCES = GAME.load_instances()
EXAMPLE = re.compile(r"^Example \d+\.", re.MULTILINE)
GRID_KEYS = (
    "player_1_target_grid",
    "player_1_second_grid",
    "player_1_third_grid",
    "player_2_first_grid",
    "player_2_second_grid",
    "player_2_third_grid",
)


def test_there_are_at_least_three_demonstrations() -> None:
    assert MAX_DEMONSTRATIONS >= 3


def test_no_demonstration_grid_is_an_evaluation_grid() -> None:
    evaluation = {instance.payload[key] for instance in INSTANCES for key in GRID_KEYS}
    shown = [grid for demo in DEMONSTRATIONS for grid in demo.grids]
    assert len(set(shown)) == len(shown)
    assert not evaluation & set(shown)


def test_demonstrations_are_valid_winning_moves() -> None:
    patterns = {
        (i.payload["player_1_response_pattern"], i.payload["player_2_response_pattern"])
        for i in INSTANCES
    }
    for expression_pattern, answer_pattern in patterns:
        for demo in DEMONSTRATIONS:
            assert sorted(demo.listener_order) == [0, 1, 2]
            assert parse_expression(demo.expression, expression_pattern).well_formed
            answer = parse_answer(demo.answer, answer_pattern)
            target_name = ORDINALS[demo.listener_order.index(0)]
            assert answer.only_answer and is_target(answer.answer, [target_name])


@pytest.mark.parametrize("k", range(MAX_DEMONSTRATIONS + 1))
def test_k_demonstrations_only_add_k_examples(k: int) -> None:
    payload, expression = INSTANCES[0].payload, "Expression: the top row is filled"
    prompts = [
        (speaker_prompt(payload), speaker_prompt(payload, k), speaker_examples(k)),
        (
            listener_prompt(payload, expression),
            listener_prompt(payload, expression, k),
            listener_examples(k),
        ),
    ]
    for zero, few, examples in prompts:
        assert (few.replace(f"{examples}\n\n", "", 1) if k else few) == zero
        assert len(EXAMPLE.findall(few)) == k
        assert few.endswith(zero[zero.index("\n\n") :])  # the instance's grids come last


def test_more_demonstrations_than_written_are_refused() -> None:
    with pytest.raises(ValueError, match="demonstrations"):
        speaker_prompt(INSTANCES[0].payload, MAX_DEMONSTRATIONS + 1)


@pytest.mark.parametrize("k", [1, 3])
def test_scripted_players_keep_their_scores_in_the_variants(k: int) -> None:
    spec = few_shot(GAME, k)
    for instance in INSTANCES:
        for policy, outcome in (("perfect", "success"), ("never_right", "lost")):
            master, turns = play_episode(spec, instance, policy_player(spec, policy))
            result = spec.score(instance, turns)
            assert (master.outcome, result.outcome) == (outcome, outcome)
            assert result.quality == (100.0 if outcome == "success" else 0.0)
