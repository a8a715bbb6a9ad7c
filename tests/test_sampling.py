"""Sampled games (seed 004): seeds per (instance, sample), byte-identical reruns, identities of
unsampled games untouched, and the sampled-vs-exact analysis."""

from __future__ import annotations

import copy

import pytest
import yaml
from support import ROOT

from clemgrid.analysis.dilemma_modes import agreement, format_summary, scenario_rows
from clemgrid.backends.base import Backend, Generation, GenerationParams
from clemgrid.backends.scripted import ScriptedBackend
from clemgrid.cache import ResponseCache
from clemgrid.engine import play
from clemgrid.games.registry import GAMES
from clemgrid.registry import RegistryError, load_grid
from clemgrid.sampling import Sampling, sample_seed

DILEMMA = GAMES["dilemma"]
INSTANCES = DILEMMA.load_instances()[:3]
SKILL = {"format_error_rate": 0.1, "good_move_rate": 0.6, "seed": 1}
KEYS = {"model": "m", "backend": "b", "quant": "q"}


def synthetic() -> ScriptedBackend:
    return ScriptedBackend(DILEMMA, {"synthetic": SKILL})


def sampled(seed: int = 0, n: int = 20, **kw):
    return play(
        DILEMMA,
        INSTANCES,
        synthetic(),
        GenerationParams(seed=seed),
        KEYS,
        sampling=Sampling(n, 0.8),
        **kw,
    )


def test_seeds_depend_on_instance_and_sample_only() -> None:
    a, b = INSTANCES[:2]
    seeds = {sample_seed(0, inst, s) for inst in (a, b) for s in range(50)}
    assert len(seeds) == 100
    assert sample_seed(0, a, 3) == sample_seed(0, a, 3) != sample_seed(1, a, 3)
    assert all(0 <= s < 2**31 for s in seeds)


def test_n_episodes_per_instance_rerun_identical_other_seed_differs() -> None:
    first = sampled()
    assert len(first.turns) == 20 * len(INSTANCES)
    assert [t["instance_id"] for t in first.turns[:20]] == [INSTANCES[0].instance_id] * 20
    assert sampled().turns == first.turns
    assert len({t["response"] for t in first.turns[:20]}) > 1  # samples differ
    assert sampled(seed=1).turns != first.turns


def test_unsampled_synthetic_answers_are_unchanged() -> None:
    """At temperature 0 the synthetic player draws as it always did (no sample seed)."""
    result = play(DILEMMA, INSTANCES, synthetic(), GenerationParams(seed=5), KEYS)
    again = play(DILEMMA, INSTANCES, synthetic(), GenerationParams(seed=0), KEYS)
    assert [t["response"] for t in result.turns] == [t["response"] for t in again.turns]


def test_resumed_job_asks_nothing_again(tmp_path) -> None:
    cache = ResponseCache(tmp_path / "c.jsonl")
    first = sampled(cache=cache, config_hash="h")
    cache.close()
    cache = ResponseCache(tmp_path / "c.jsonl")
    again = sampled(cache=cache, config_hash="h")
    assert again.requests_sent == 0 and again.turns == first.turns


class Recording(Backend):
    def __init__(self) -> None:
        self.calls: list[int] = []

    def generate(self, batch, params):
        self.calls.append(len(batch))
        return [Generation(str(params.seed), "end_of_turn", 1, 1) for _ in batch]


def test_generate_each_keeps_equal_params_in_one_batch() -> None:
    backend = Recording()
    same = [GenerationParams()] * 3
    assert [g.text for g in backend.generate_each([[]] * 3, same)] == ["0"] * 3
    assert backend.calls == [3]
    mixed = [GenerationParams(seed=s) for s in (1, 1, 2)]
    assert [g.text for g in backend.generate_each([[]] * 3, mixed)] == ["1", "1", "2"]
    assert backend.calls == [3, 2, 1]


def default_config() -> dict:
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text())


def test_only_sampled_games_carry_sampling_in_their_identity(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    grid = load_grid(default_config(), known_games=GAMES)
    cfg = grid.configs[0]
    assert grid.play_identity(cfg, "dilemma", "1")["sampling"] == {
        "n": 20,
        "temperature": 0.8,
        "max_tokens": 24,
    }
    assert "sampling" not in grid.play_identity(cfg, "taboo", "1")


def test_sampling_of_an_unknown_game_is_refused(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    config = copy.deepcopy(default_config())
    config["sampling"]["nogame"] = {"n": 2, "temperature": 1.0}
    with pytest.raises(RegistryError, match="unknown game 'nogame'"):
        load_grid(config, known_games=GAMES)


def test_scenario_rows_agreement_and_summary() -> None:
    def score(instance_id: str, value: float) -> dict:
        return {
            **KEYS,
            "game": "dilemma",
            "experiment": "in_sample",
            "instance_id": instance_id,
            "metrics": {"Cooperation": value},
        }

    scores = [score("a", 100.0)] * 6 + [score("a", 0.0)] * 4 + [score("b", 0.0)] * 10
    exact = [
        {**KEYS, "experiment": "in_sample", "instance_id": "a", "p_C": 0.3, "p_D": 0.2},
        {**KEYS, "experiment": "in_sample", "instance_id": "b", "p_C": 0.5, "p_D": 0.5},
    ]
    rows = scenario_rows(scores, exact)
    assert [(r["scenario"], r["rate"], r["exact"]) for r in rows] == [
        ("a", 0.6, 0.6),
        ("b", 0.0, 0.5),
    ]
    (agree,) = agreement(rows).values()
    assert agree == {"scenarios": 2, "inside": 0.5, "mad": pytest.approx(0.25)}
    text = format_summary(rows)
    assert "m/b/q" in text and "30.0" in text and "50 % of 2 scenarios" in text


def test_sampled_play_job_scores_into_the_summary(monkeypatch, tmp_path) -> None:
    """A sampled play job end to end: n episodes per instance, rerun byte-identical, and the
    scores give the per-split summary (synthetic-strong: no exact mode, scripted)."""
    from clemgrid.analysis.dilemma_modes import config_counts
    from clemgrid.pipeline import run_play, score_transcripts, write_instances
    from clemgrid.records import read_rows

    monkeypatch.chdir(ROOT)
    grid = load_grid(default_config(), known_games=GAMES)
    cfg = grid.play_config("synthetic-strong", "scripted", "none")
    identity = grid.play_identity(cfg, "dilemma", DILEMMA.version)
    write_instances("dilemma", 0, tmp_path / "instances.parquet")
    outputs = []
    for run in ("a", "b"):
        stats = run_play(
            identity,
            tmp_path / "instances.parquet",
            tmp_path / run / "t.parquet",
            tmp_path / run / "timing.parquet",
            None,
        )
        outputs.append((tmp_path / run / "t.parquet").read_bytes())
    assert stats["episodes"] == 4 * 20  # per_experiment 1: four scenarios, 20 samples each
    assert outputs[0] == outputs[1]
    score_transcripts(tmp_path / "a" / "t.parquet", tmp_path / "instances.parquet", tmp_path / "s")
    scores = read_rows(tmp_path / "s")
    counts = config_counts(scores)
    assert sum(c["n_C"] + c["n_D"] + c["n_aborted"] for c in counts) == 3 * 20
    summary = format_summary(scenario_rows(scores))
    assert "synthetic-strong/scripted/none" in summary and "in_sample" in summary
