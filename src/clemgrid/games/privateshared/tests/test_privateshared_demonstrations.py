"""Few-shot demonstrations: no evaluation scenario, slot or text, valid moves with the right
asides, and a prompt that only gains the examples."""

import re

import pytest

from clemgrid.games.base import few_shot
from clemgrid.games.privateshared import GAME
from clemgrid.games.privateshared.demonstrations import DEMONSTRATIONS, MAX_DEMONSTRATIONS
from clemgrid.games.privateshared.instances import texts
from clemgrid.games.privateshared.master import answerer_examples, answerer_prompt, probe_prompt
from clemgrid.games.privateshared.parse import (
    NO,
    YES,
    mentions,
    parse_probe_answer,
    parse_slot_answer,
)
from clemgrid.games.testing import play_episode, policy_player

INSTANCES = GAME.load_instances()
EXAMPLE = re.compile(r"^Example \d+\.", re.MULTILINE)


def test_there_are_at_least_three_demonstrations() -> None:
    assert MAX_DEMONSTRATIONS >= 3


def test_demonstrations_share_nothing_with_the_evaluation_instances() -> None:
    tags = {instance.payload["tag"] for instance in INSTANCES}
    slots = {slot for instance in INSTANCES for slot in instance.payload["slots"]}
    values = {value.lower() for i in INSTANCES for value in i.payload["slots"].values()}
    questions = {
        question
        for experiment in texts().values()
        for kind in experiment.values()
        for slot_questions in kind.values()
        for question in slot_questions
    }
    for demo in DEMONSTRATIONS:
        assert demo.tag not in tags and not slots & set(demo.slots)
        for value in demo.slots.values():
            assert not any(mentions(value, other) or mentions(other, value) for other in values)
        assert not questions & {*demo.requests.values(), *demo.probes.values()}


def test_demonstrations_are_valid_moves() -> None:
    """Each reply is a valid answer naming its own value and no other; each slot is asked for
    once."""
    for demo in DEMONSTRATIONS:
        assert set(demo.requests) == set(demo.answers) == set(demo.probes) == set(demo.slots)
        requested = [slot for kind, slot in demo.script if kind == "request"]
        assert sorted(requested) == sorted(demo.slots)
        for slot, answer in demo.answers.items():
            assert parse_slot_answer(answer) is not None
            named = {other for other, value in demo.slots.items() if mentions(answer, value)}
            assert named == {slot}, answer


@pytest.mark.parametrize("k", range(1, MAX_DEMONSTRATIONS + 1))
def test_asides_follow_the_games_rule(k: int) -> None:
    """Reading the examples as a model does: a probe is answered yes exactly when its slot was
    asked for before; each example shows both answers."""
    blocks = answerer_examples(k).split("\n\n")[1:-1]  # between the header and the closing
    assert len(blocks) == k
    asides = 0
    for demo, block in zip(DEMONSTRATIONS, blocks, strict=False):
        probes = {probe_prompt(question, 1): slot for slot, question in demo.probes.items()}
        requests = {f"{demo.tag}: {request}": slot for slot, request in demo.requests.items()}
        lines, asked, values = block.split("\n"), set(), set()
        for line, reply in zip(lines, lines[1:], strict=False):
            if line in requests:
                assert reply == demo.answers[requests[line]]
                asked.add(requests[line])
            elif line in probes:
                values.add(parse_probe_answer(reply))
                assert parse_probe_answer(reply) == (YES if probes[line] in asked else NO)
                asides += 1
        assert values == {YES, NO}
    assert asides == sum(kind == "probe" for d in DEMONSTRATIONS[:k] for kind, _ in d.script)


@pytest.mark.parametrize("k", range(MAX_DEMONSTRATIONS + 1))
def test_k_demonstrations_only_add_k_examples(k: int) -> None:
    for instance in INSTANCES[::10]:  # one per experiment
        payload = instance.payload
        zero = answerer_prompt(instance.experiment, payload["tag"], payload["slots"])
        few = answerer_prompt(instance.experiment, payload["tag"], payload["slots"], k)
        assert few == (f"{zero}\n\n{answerer_examples(k)}" if k else zero)
        assert len(EXAMPLE.findall(few)) == k


def test_more_demonstrations_than_written_are_refused() -> None:
    with pytest.raises(ValueError, match="demonstrations"):
        answerer_examples(MAX_DEMONSTRATIONS + 1)


@pytest.mark.parametrize("k", [1, 3])
def test_scripted_players_keep_their_scores_in_the_variants(k: int) -> None:
    """Perfect play on every instance, the other policies on one instance per experiment."""
    spec = few_shot(GAME, k)
    runs = [(instance, "perfect", "success", 100.0) for instance in INSTANCES]
    runs += [(instance, "oversharer", "success", 100.0) for instance in INSTANCES[::10]]
    runs += [(instance, "never_right", "lost", 0.0) for instance in INSTANCES[::10]]
    for instance, policy, outcome, quality in runs:
        master, turns = play_episode(spec, instance, policy_player(spec, policy))
        result = spec.score(instance, turns)
        assert (master.outcome, result.outcome, result.quality) == (outcome, outcome, quality)
