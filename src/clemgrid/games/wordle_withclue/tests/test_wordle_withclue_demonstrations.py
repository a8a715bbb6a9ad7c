"""Few-shot demonstrations of wordle_withclue: listed words and clues that are no evaluation
instance's, games won by the game's own rules, and prompts that only gain the examples."""

import re

import pytest

from clemgrid.games.base import few_shot
from clemgrid.games.testing import play_episode, policy_player
from clemgrid.games.wordle_common.demonstrations import CLUE_GAMES, MAX_DEMONSTRATIONS
from clemgrid.games.wordle_common.feedback import feedback
from clemgrid.games.wordle_common.master import guesser_examples, guesser_prompt
from clemgrid.games.wordle_common.parse import parse_guess
from clemgrid.games.wordle_common.rules import WordleRules
from clemgrid.games.wordle_common.variants import WORDLE_WITHCLUE
from clemgrid.games.wordle_common.words import ALLOWED
from clemgrid.games.wordle_withclue import GAME

INSTANCES = GAME.load_instances()
EXAMPLE = re.compile(r"^Example \d+\.", re.MULTILINE)


def test_there_are_at_least_three_demonstrations() -> None:
    assert len(CLUE_GAMES) >= 3 and MAX_DEMONSTRATIONS >= 3


def test_demonstrations_are_no_evaluation_instance() -> None:
    targets = {instance.payload["target_word"] for instance in INSTANCES}
    clues = {instance.payload["clue"].lower() for instance in INSTANCES}
    for game in CLUE_GAMES:
        assert game.clue and game.clue.lower() not in clues
        for word in (game.target, *(attempt.guess.word for attempt in game.attempts)):
            assert word in ALLOWED and word not in targets, word


def test_demonstration_games_are_well_played_wins() -> None:
    """Every answer parses, respects all feedback so far, and the rules see the game won."""
    for game in CLUE_GAMES:
        rules = WordleRules(game.target, use_critic=False)
        for n, attempt in enumerate(game.attempts):
            assert parse_guess(attempt.guess.text) == (*attempt.guess, None)
            for earlier in game.attempts[:n]:
                seen = earlier.guess.word
                assert feedback(seen, attempt.checked) == feedback(seen, game.target)
            assert rules.consume(attempt.guess.text).kind == "checked"
        assert rules.outcome == "success" and len(rules.checked) == len(game.attempts)


@pytest.mark.parametrize("k", range(MAX_DEMONSTRATIONS + 1))
def test_k_demonstrations_only_add_k_examples(k: int) -> None:
    clue = INSTANCES[1].payload["clue"]
    zero, few = guesser_prompt(WORDLE_WITHCLUE, clue), guesser_prompt(WORDLE_WITHCLUE, clue, k)
    examples = guesser_examples(WORDLE_WITHCLUE, k)
    assert (few.replace(f"{examples}\n\n", "", 1) if k else few) == zero
    assert len(EXAMPLE.findall(few)) == k
    assert few.endswith(f"\n\nMake your first guess.\n\nclue: {clue}")
    assert few.count("\nclue: ") == 1  # the scripted guesser reads the clue from such a line


@pytest.mark.parametrize("k", [1, 3])
def test_scripted_players_keep_their_scores_in_the_variants(k: int) -> None:
    spec = few_shot(GAME, k)
    for instance in INSTANCES:
        for policy, outcome, quality in (("perfect", "success", 100.0), ("never_right", "lost", 0)):
            master, turns = play_episode(spec, instance, policy_player(spec, policy))
            result = spec.score(instance, turns)
            assert (master.outcome, result.outcome, result.quality) == (outcome, outcome, quality)
