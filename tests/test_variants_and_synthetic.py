"""Few-shot variants change only the prompts; synthetic players have the skill they declare."""

import math

from clemgrid.backends.base import GenerationParams
from clemgrid.backends.scripted import ScriptedBackend
from clemgrid.engine import play
from clemgrid.games.registry import GAMES

KEYS = {"model": "m", "backend": "scripted", "quant": "none"}


def test_variant_shares_instances_and_scorer():
    zero, few = GAMES["taboo"], GAMES["taboo+1shot"]
    assert few.base_name == "taboo" and few.demonstrations == 1
    assert few.load_instances is zero.load_instances and few.score is zero.score
    assert few.version == zero.version


def test_variant_plays_the_same_episodes_with_other_prompts():
    instances = GAMES["taboo"].load_instances()[:6]
    runs = {}
    for name in ("taboo", "taboo+3shot"):
        backend = ScriptedBackend(GAMES[name], {"scripted": "slow"})
        runs[name] = play(GAMES[name], instances, backend, GenerationParams(), KEYS).turns
    zero, few = runs["taboo"], runs["taboo+3shot"]
    assert [(r["instance_id"], r["step"], r["response"], r["valid"]) for r in zero] == [
        (r["instance_id"], r["step"], r["response"], r["valid"]) for r in few
    ]
    assert all(r["game"] == "taboo+3shot" for r in few)
    assert zero[0]["messages"] != few[0]["messages"]


def test_synthetic_player_reproduces_its_declared_rates():
    skill = {"format_error_rate": 0.2, "good_move_rate": 0.6, "seed": 5}
    backend = ScriptedBackend(GAMES["taboo"], {"synthetic": skill})
    prompt = (
        GAMES["taboo"].master(GAMES["taboo"].load_instances()[0]).pending().messages[0]["content"]
    )
    n = 4000
    chats = [[{"role": "user", "content": f"{prompt}\n(request {i})"}] for i in range(n)]
    answers = [g.text for g in backend.generate(chats, GenerationParams())]
    violations = sum(not a.startswith("CLUE:") for a in answers)
    good = sum(a.startswith("CLUE:") and a[5:].strip()[:1].isdigit() for a in answers)
    valid = n - violations
    se_violation = math.sqrt(0.2 * 0.8 / n)
    se_good = math.sqrt(0.6 * 0.4 / valid)
    assert abs(violations / n - 0.2) < 4 * se_violation
    assert abs(good / valid - 0.6) < 4 * se_good


def test_synthetic_player_is_deterministic_given_its_seed():
    chats = [
        [{"role": "user", "content": f"You are the describer\nSecret word: w{i}"}]
        for i in range(50)
    ]

    def answers(seed):
        skill = {"format_error_rate": 0.3, "good_move_rate": 0.5, "seed": seed}
        backend = ScriptedBackend(GAMES["taboo"], {"synthetic": skill})
        return [g.text for g in backend.generate(chats, GenerationParams())]

    assert answers(1) == answers(1)
    assert answers(1) != answers(2)
