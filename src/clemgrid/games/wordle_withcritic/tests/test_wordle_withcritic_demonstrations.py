"""Few-shot demonstrations of wordle_withcritic: listed words and clues that are no evaluation
instance's, games won by the game's own rules, sound critic verdicts, and prompts that only
gain the examples."""

import re

import pytest

from clemgrid.games.base import few_shot
from clemgrid.games.testing import play_episode, policy_player
from clemgrid.games.wordle_common.demonstrations import (
    CONSULTATIONS,
    CRITIC_GAMES,
    MAX_DEMONSTRATIONS,
)
from clemgrid.games.wordle_common.feedback import feedback
from clemgrid.games.wordle_common.master import (
    critic_examples,
    critic_prompt,
    guesser_examples,
    guesser_prompt,
)
from clemgrid.games.wordle_common.parse import parse_guess, parse_opinion
from clemgrid.games.wordle_common.rules import WordleRules
from clemgrid.games.wordle_common.variants import WORDLE_WITHCRITIC
from clemgrid.games.wordle_common.words import ALLOWED
from clemgrid.games.wordle_withcritic import GAME

INSTANCES = GAME.load_instances()
EXAMPLE = re.compile(r"^Example \d+\.", re.MULTILINE)
FIRST = "clue: lion's amount?\nguess: share\nexplanation: a lion's share"


def test_there_are_at_least_three_demonstrations() -> None:
    assert min(len(CRITIC_GAMES), len(CONSULTATIONS), MAX_DEMONSTRATIONS) >= 3


def test_demonstrations_are_no_evaluation_instance() -> None:
    targets = {instance.payload["target_word"] for instance in INSTANCES}
    clues = {instance.payload["clue"].lower() for instance in INSTANCES}
    shown = [(game.clue or "", game.target) for game in CRITIC_GAMES]
    shown += [
        (game.clue or "", attempt.guess.word) for game in CRITIC_GAMES for attempt in game.attempts
    ]
    shown += [
        (game.clue or "", attempt.checked) for game in CRITIC_GAMES for attempt in game.attempts
    ]
    for demo in CONSULTATIONS:
        shown += [(demo.clue, demo.guess.word), (demo.clue, demo.target)]
        shown += [(demo.clue, demo.previous)] if demo.previous else []
    for clue, word in shown:
        assert clue and clue.lower() not in clues
        assert word in ALLOWED and word not in targets, word


def test_demonstration_games_are_well_played_wins() -> None:
    """Every answer parses, every final guess respects all feedback so far, and the rules see
    the game won."""
    for game in CRITIC_GAMES:
        rules = WordleRules(game.target, use_critic=True)
        for n, attempt in enumerate(game.attempts):
            assert attempt.opinion is not None and attempt.final is not None
            for answer in (attempt.guess, attempt.final):
                assert parse_guess(answer.text) == (*answer, None)
            assert parse_opinion(attempt.opinion.text) == attempt.opinion
            for earlier in game.attempts[:n]:
                seen = earlier.checked
                assert feedback(seen, attempt.checked) == feedback(seen, game.target)
            kinds = [
                rules.consume(a.text).kind for a in (attempt.guess, attempt.opinion, attempt.final)
            ]
            assert kinds == ["to_critic", "opinion", "checked"]
        assert rules.outcome == "success" and len(rules.checked) == len(game.attempts)


def test_critic_demonstrations_judge_soundly() -> None:
    """A guess that contradicts the feedback shown is rejected, one that respects it accepted."""
    for demo in CONSULTATIONS:
        assert parse_guess(demo.guess.text) == (*demo.guess, None)
        assert parse_opinion(demo.opinion.text) == demo.opinion
        if demo.previous is not None:
            colors = feedback(demo.previous, demo.target)
            fits = feedback(demo.previous, demo.guess.word) == colors
            assert demo.opinion.agreement == ("yes" if fits else "no"), demo
    assert {demo.opinion.agreement for demo in CONSULTATIONS} == {"yes", "no"}


@pytest.mark.parametrize("k", range(MAX_DEMONSTRATIONS + 1))
def test_k_demonstrations_only_add_k_examples(k: int) -> None:
    clue = INSTANCES[1].payload["clue"]
    prompts = [
        (
            guesser_prompt(WORDLE_WITHCRITIC, clue),
            guesser_prompt(WORDLE_WITHCRITIC, clue, k),
            guesser_examples(WORDLE_WITHCRITIC, k),
        ),
        (critic_prompt(FIRST), critic_prompt(FIRST, k), critic_examples(k)),
    ]
    for zero, few, examples in prompts:
        assert (few.replace(f"{examples}\n\n", "", 1) if k else few) == zero
        assert len(EXAMPLE.findall(few)) == k
    guesser, critic = prompts[0][1], prompts[1][1]
    assert guesser.endswith(f"\n\nMake your first guess.\n\nclue: {clue}")
    assert critic.endswith(f"\n\nHere is the first guess.\n\n{FIRST}")


@pytest.mark.parametrize("k", [1, 3])
def test_scripted_players_keep_their_scores_in_the_variants(k: int) -> None:
    """The perfect critic still judges the game's guess, not an example's."""
    spec = few_shot(GAME, k)
    for instance in INSTANCES:
        for policy, outcome, quality, verdict in (
            ("perfect", "success", 100.0, "agreement: yes"),
            ("never_right", "lost", 0, "agreement: yes"),  # it agrees with wrong guesses
        ):
            master, turns = play_episode(spec, instance, policy_player(spec, policy))
            result = spec.score(instance, turns)
            assert (master.outcome, result.outcome, result.quality) == (outcome, outcome, quality)
            critic = [turn["response"] for turn in turns if turn["role"] == "critic"]
            assert critic and all(answer.startswith(verdict) for answer in critic)
