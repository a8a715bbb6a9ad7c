"""Which configs the agreement and turn-taking rules compare and which files they read
(clemgrid.analysis.comparisons), on a grid built in the test."""

from __future__ import annotations

import re
from typing import Any

import pytest

from clemgrid.analysis.agreement import ConfigKey, Pair
from clemgrid.analysis.comparisons import Comparisons
from clemgrid.registry import Grid, PlayConfig

PATTERN = "{model}/{backend}/{quant}/{game}"
MODELS: dict[str, Any] = {
    "m": {"weights": {"Q4_1": {"path": "m.gguf"}}},
    "m-wrong": {
        "facts": {"misconfigured": {"of": "m", "what": "wrong end of turn"}},
        "chat": {"end_of_turn": ["<x>"]},
        "weights": {"Q4_1": {"path": "m.gguf"}},
    },
    "s": {"facts": {"synthetic": True}, "weights": {"none": {"scripted": "perfect"}}},
}


def grid(
    configs: list[tuple[str, str, str]],
    games: dict[tuple[str, str, str], tuple[str, ...]] | None = None,
    agreement: list[dict[str, Any]] | None = None,
) -> Grid:
    """A grid of taboo, wordle and imagegame; `games` limits a config's games."""
    play_configs = tuple(PlayConfig(*c, MODELS[c[0]], {"kind": c[1]}) for c in configs)
    config = {"games": ["taboo", "wordle", "imagegame"], "agreement": agreement}
    config_games = {ConfigKey(*key): names for key, names in (games or {}).items()}
    return Grid(config, MODELS, {}, play_configs, config_games)


M_CPP, M_HF, S = (
    ("m", "llama_cpp", "Q4_1"),
    ("m", "transformers", "Q4_1"),
    ("s", "scripted", "none"),
)
WRONG = ("m-wrong", "llama_cpp", "Q4_1")


def as_dict(config: tuple[str, str, str]) -> dict[str, str]:
    return dict(zip(("model", "backend", "quant"), config, strict=True))


def test_default_pairs_read_the_games_both_configs_play() -> None:
    plan = Comparisons.of(
        grid([M_CPP, S, M_HF], {M_CPP: ("wordle", "taboo"), M_HF: ("imagegame", "wordle")})
    )
    assert plan.keys == [ConfigKey(*M_CPP), ConfigKey(*S), ConfigKey(*M_HF)]
    [name] = plan.pairs
    assert re.fullmatch(plan.pair_pattern, name)
    assert not re.fullmatch(plan.pair_pattern, name.replace(".", "x"))
    assert plan.pairs[name] == Pair(ConfigKey(*M_CPP), ConfigKey(*M_HF))
    # In the top-level order, not an entry's.
    assert plan.pair_files(PATTERN, name, "a") == ["m/llama_cpp/Q4_1/wordle"]
    assert plan.pair_files(PATTERN, name, "b") == ["m/transformers/Q4_1/wordle"]
    assert plan.pair_weights(name) == [
        ["m", "Q4_1", {"weights": MODELS["m"]["weights"]}],
        ["m", "Q4_1", {"weights": MODELS["m"]["weights"]}],
    ]


def test_declared_pairs_replace_the_default() -> None:
    declared = [{"a": as_dict(S), "b": as_dict(M_HF)}]
    plan = Comparisons.of(grid([M_CPP, S, M_HF], agreement=declared))
    assert list(plan.pairs) == ["s.scripted.none--m.transformers.Q4_1"]
    assert plan.pair_files(PATTERN, "s.scripted.none--m.transformers.Q4_1", "a") == [
        f"s/scripted/none/{game}" for game in ("taboo", "wordle", "imagegame")
    ]
    none = Comparisons.of(grid([M_CPP, M_HF], agreement=[]))
    assert none.pairs == {}
    assert re.fullmatch(none.pair_pattern, "") is None
    with pytest.raises(ValueError, match="not unique"):
        Comparisons.of(grid([M_CPP, S, M_HF], agreement=declared * 2))


def test_turn_taking_reads_both_configs_of_every_experiment() -> None:
    plan = Comparisons.of(grid([M_CPP, WRONG, S], {WRONG: ("imagegame", "taboo")}))
    [experiment] = plan.turn_taking
    assert (experiment.reference, experiment.misconfigured) == (
        ConfigKey(*M_CPP),
        ConfigKey(*WRONG),
    )
    assert plan.turn_taking_files(PATTERN) == [
        "m/llama_cpp/Q4_1/taboo",
        "m/llama_cpp/Q4_1/imagegame",
        "m-wrong/llama_cpp/Q4_1/taboo",
        "m-wrong/llama_cpp/Q4_1/imagegame",
    ]
    assert plan.turn_taking_notes() == []


def test_a_misconfigured_entry_without_its_reference_is_noted() -> None:
    plan = Comparisons.of(grid([WRONG, S]))
    assert plan.turn_taking == [] and plan.turn_taking_files(PATTERN) == []
    [note] = plan.turn_taking_notes()
    assert note.startswith("m-wrong (wrong end of turn): not in the grid; needs ")
    assert "{model: m, backend: llama_cpp, quant: Q4_1}" in note
