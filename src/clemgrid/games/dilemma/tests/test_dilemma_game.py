"""Scenarios, payoffs, instances, and whole episodes through the engine with scripted players."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from clemgrid.backends.base import GenerationParams
from clemgrid.backends.scripted import ScriptedBackend
from clemgrid.engine import play
from clemgrid.games.dilemma import GAME
from clemgrid.games.dilemma.master import CHOICE_FORMAT_ERROR, DilemmaGameMaster
from clemgrid.games.dilemma.scenarios import (
    GAMES,
    IN_SAMPLE_CONTEXTS,
    OOS_CONTEXTS,
    ORDERINGS,
    SPLITS,
    ordering,
)
from clemgrid.games.registry import GAMES as REGISTRY
from clemgrid.games.registry import ZERO_SHOT

COUNTS_CSV = Path(__file__).resolve().parents[5] / "resources/dilemma/dilemma_in_sample_counts.csv"
INSTANCES = GAME.load_instances()
KEYS = {"model": "m", "backend": "scripted", "quant": "none"}


def test_published_payoffs_and_orderings() -> None:
    assert {g: (p.R, p.S, p.T, p.P) for g, p in GAMES.items()} == {
        "prison": (5, 2, 10, 3),
        "snowdrift": (5, 3, 10, 2),
        "staghunt": (10, 2, 5, 3),
        "delight": (10, 3, 5, 2),
    }
    for game, payoffs in GAMES.items():
        assert ordering(payoffs) == ORDERINGS[game]
    p = GAMES["prison"]
    assert p.T > p.R > p.P > p.S
    # The published PD does not satisfy the repeated-game condition 2R > T + S (10 < 12);
    # irrelevant in a one-shot game, but worth knowing before reusing these payoffs.
    assert 2 * p.R < p.T + p.S


def test_splits_and_scenarios() -> None:
    counts = Counter(i.experiment for i in INSTANCES)
    assert counts == {"in_sample": 20, "oos_context": 12, "ood_game": 20, "pgg": 1}
    assert tuple(counts) == SPLITS
    assert len({i.instance_id for i in INSTANCES}) == len(INSTANCES)
    for instance in INSTANCES:
        payload = instance.payload
        assert payload["split"] == instance.experiment
        assert set(payload) == {
            "split",
            "context",
            "game",
            "game_title",
            "scale",
            "payoffs",
            "prompt",
        }
    in_sample = {i.instance_id for i in INSTANCES if i.experiment == "in_sample"}
    assert in_sample == {f"{c}_{g}" for c in IN_SAMPLE_CONTEXTS for g in GAMES}
    oos = {i.payload["context"] for i in INSTANCES if i.experiment == "oos_context"}
    assert oos == set(OOS_CONTEXTS) and not oos & set(IN_SAMPLE_CONTEXTS)


def test_scenario_keys_match_the_published_counts() -> None:
    published = {line.split(",")[1] for line in COUNTS_CSV.read_text().splitlines()[1:]}
    assert published == {i.instance_id for i in INSTANCES if i.experiment == "in_sample"}


def test_doubled_games_are_exactly_twice_the_originals() -> None:
    by_id = {i.instance_id: i.payload for i in INSTANCES}
    doubled = [i for i in INSTANCES if i.experiment == "ood_game"]
    assert len(doubled) == 20
    for instance in doubled:
        original = by_id[instance.instance_id.removesuffix("_x2")]
        assert instance.payload["scale"] == 2
        assert instance.payload["payoffs"] == {k: 2 * v for k, v in original["payoffs"].items()}
        assert ordering_of(instance.payload) == ORDERINGS[instance.payload["game"]]


def ordering_of(payload: dict) -> str:
    values = payload["payoffs"]
    return "".join(sorted(values, key=lambda k: -values[k]))


def test_prompts_state_the_payoffs_and_the_answer_format() -> None:
    for instance in INSTANCES:
        text = instance.payload["prompt"]
        assert "{" not in text and "}" not in text
        if instance.payload["game"] == "pgg":
            assert "2.5" in text and "from 0 to 10" in text
            continue
        p = instance.payload["payoffs"]
        assert f"Both choose C: you get {p['R']} points" in text
        assert f"you get {p['S']} points" in text and f"you get {p['T']} points" in text
        assert text.endswith("C or D.")


def test_instances_are_deterministic() -> None:
    again = GAME.load_instances()
    assert [json.dumps(i.payload, sort_keys=True) for i in again] == [
        json.dumps(i.payload, sort_keys=True) for i in INSTANCES
    ]
    assert [(i.experiment, i.instance_id) for i in again] == [
        (i.experiment, i.instance_id) for i in INSTANCES
    ]


def test_registered_outside_clembench_games() -> None:
    assert REGISTRY["dilemma"] is GAME
    assert GAME not in ZERO_SHOT  # the importer treats ZERO_SHOT as clembench's games
    assert GAME.master is DilemmaGameMaster


def _play(policy: str) -> tuple[list[dict], list]:
    backend = ScriptedBackend(GAME, {"scripted": policy})
    turns = play(GAME, INSTANCES, backend, GenerationParams(), KEYS, batch_size=8).turns
    by_id = {i.instance_id: i for i in INSTANCES}
    return turns, [GAME.score(by_id[t["instance_id"]], [t]) for t in turns]


@pytest.mark.parametrize(
    ("policy", "outcome", "quality"),
    [
        ("perfect", "success", 100.0),
        ("never_right", "lost", 0.0),
        ("rule_breaker", "aborted", None),
    ],
)
def test_engine_plays_one_turn_per_instance(policy: str, outcome: str, quality) -> None:
    turns, scores = _play(policy)
    assert len(turns) == len(INSTANCES)
    assert {(t["turn"], t["step"], t["player"], t["role"]) for t in turns} == {
        (0, 0, "player_1", "chooser")
    }
    assert {s.outcome for s in scores} == {outcome}
    assert {s.quality for s in scores} == {quality}
    assert all(t["valid"] == (outcome != "aborted") for t in turns)


def test_rule_breaker_is_aborted_but_read_as_c_by_the_lenient_rule() -> None:
    turns, scores = _play("rule_breaker")
    choice = [(t, s) for t, s in zip(turns, scores, strict=True) if t["experiment"] != "pgg"]
    for turn, score in choice:
        assert turn["reason"] == CHOICE_FORMAT_ERROR
        assert json.loads(turn["move"]) == {"strict": None, "lenient": "C"}
        assert score.abort_reason == CHOICE_FORMAT_ERROR
        assert score.metrics["Lenient Cooperation"] == 100.0


def test_public_goods_quality_is_the_share_given() -> None:
    pgg = next(i for i in INSTANCES if i.experiment == "pgg")
    rows = [{"turn": 0, "role": "chooser", "response": "Answer: 7"}]
    assert GAME.score(pgg, rows).quality == 70.0
    assert GAME.score(pgg, rows).outcome == "lost"
    assert GAME.score(pgg, [{**rows[0], "response": "10"}]).outcome == "success"
    assert GAME.score(pgg, [{**rows[0], "response": "11"}]).outcome == "aborted"


def test_missing_answer_is_aborted() -> None:
    score = GAME.score(INSTANCES[0], [])
    assert (score.outcome, score.quality, score.played) == ("aborted", None, 0)
    assert score.abort_reason == "incomplete episode: no answer"


def test_master_ends_after_one_answer() -> None:
    master = DilemmaGameMaster(INSTANCES[0])
    request = master.pending()
    assert request is not None and request.messages[0]["content"] == INSTANCES[0].payload["prompt"]
    assert master.receive("D").parsed == {"strict": "D", "lenient": "D"}
    assert master.pending() is None
    with pytest.raises(RuntimeError):
        master.receive("C")


def test_pipeline_round_trip_gives_the_c_rate_as_quality(tmp_path) -> None:
    """Instances and transcripts through parquet, re-scored, aggregated like any game."""
    import pandas as pd

    from clemgrid import records
    from clemgrid.pipeline import score_transcripts, write_instances
    from clemgrid.scoring import game_scores

    instances_path, transcripts, scores = (tmp_path / n for n in ("i.parquet", "t.parquet", "s"))
    assert write_instances("dilemma", 0, instances_path) == len(INSTANCES)
    answers = {"IR_prison": "C", "IR_delight": "Answer: D", "IR_staghunt": "I pick C"}
    chosen = [i for i in INSTANCES if i.instance_id in answers]
    backend = _Fixed(answers)
    turns = play(GAME, chosen, backend, GenerationParams(), KEYS).turns
    records.write_table(turns, records.TURN_SCHEMA, transcripts, config_hash="x", identity={})
    assert score_transcripts(transcripts, instances_path, scores) == 3
    matrix = game_scores(pd.read_parquet(scores))
    row = matrix.iloc[0]
    assert (row["game"], row["n_episodes"], row["pct_played"], row["quality"]) == (
        "dilemma",
        3,
        66.67,
        50.0,
    )


class _Fixed:
    """A backend answering each scenario's prompt with a fixed text."""

    def __init__(self, answers: dict[str, str]) -> None:
        by_prompt = {i.payload["prompt"]: i.instance_id for i in INSTANCES}
        self.answers = {p: answers.get(key, "") for p, key in by_prompt.items()}

    def generate(self, batch, params):
        from clemgrid.backends.base import Generation

        return [Generation(self.answers[m[0]["content"]], "end_of_turn", 1, 1) for m in batch]
