"""The repository's own grids: config/config.yaml (what `make run` plays, kept short) and
config/experiments.yaml on top of it (`make experiments`: quantization and turn-taking)."""

from __future__ import annotations

import pytest
import yaml
from snakemake.utils import update_config
from support import ROOT, SEVEN_GAMES

from clemgrid.analysis import agreement, turn_taking
from clemgrid.cli import main
from clemgrid.games.registry import GAMES
from clemgrid.quantization import DERIVED_KINDS
from clemgrid.registry import Grid, load_grid, weight_source_kind

SMOL = "SmolLM2-135M-Instruct"
BACKENDS = ["llama_cpp", "transformers", "llama_cpp_server"]


def grid(*files: str) -> Grid:
    config: dict = {}
    for name in files:
        update_config(config, yaml.safe_load((ROOT / name).read_text()))
    return load_grid(config, config_file=files[-1], known_games=GAMES)


@pytest.fixture
def default(monkeypatch) -> Grid:
    monkeypatch.chdir(ROOT)
    return grid("config/config.yaml")


@pytest.fixture
def experiments(monkeypatch) -> Grid:
    monkeypatch.chdir(ROOT)
    return grid("config/config.yaml", "config/experiments.yaml")


def keys(g: Grid) -> list[agreement.ConfigKey]:
    return [agreement.ConfigKey(c.model, c.backend, c.quant) for c in g.configs]


def test_default_grid_plays_every_game_on_every_backend(default) -> None:
    plays = {(c.model, c.backend, c.quant, game) for c, game in default.plays()}
    for backend in BACKENDS:
        assert {(SMOL, backend, "Q4_1", g) for g in SEVEN_GAMES} <= plays, backend
    few_shot = {(SMOL, "llama_cpp", "Q4_1", f"{g}+1shot") for g in SEVEN_GAMES}
    assert few_shot <= plays
    synthetic = {c.model for c in default.configs if c.backend == "scripted"}
    assert synthetic == {"synthetic-strong", "synthetic-weak"}
    # Short: nothing to quantize first, and the same weights on three backends to compare.
    assert not [c for c in default.configs if weight_source_kind(c.weight_source) in DERIVED_KINDS]
    assert len(agreement.pairs_of(default.config, keys(default), default.models)) == 3


def test_experiments_add_to_the_default_grid_without_replaying_it(default, experiments) -> None:
    identities = {
        (c.model, c.backend, c.quant, game): experiments.play_identity(c, game, GAMES[game].version)
        for c, game in experiments.plays()
    }
    for c, game in default.plays():
        key = (c.model, c.backend, c.quant, game)
        assert identities[key] == default.play_identity(c, game, GAMES[game].version), key
    added = set(keys(experiments)) - set(keys(default))
    for quant in ("F16", "Q8_0", "Q4_K_M"):
        assert {agreement.ConfigKey(SMOL, b, quant) for b in BACKENDS} <= added, quant
    pairs = agreement.pairs_of(experiments.config, keys(experiments), experiments.models)
    assert {p.a.quant for p in pairs} == {"Q4_1", "F16", "Q8_0", "Q4_K_M"}
    (wrong_eot,) = turn_taking.experiments(keys(experiments), experiments.models)
    assert wrong_eot.reference == agreement.ConfigKey(SMOL, "llama_cpp", "Q4_1")
    assert turn_taking.experiments(keys(default), default.models) == []


def test_validate_merges_config_files(monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    files = ["--config", "config/config.yaml", "--config", "config/experiments.yaml"]
    assert main(["validate", *files]) == 0
    assert "16 configs" in capsys.readouterr().out
    # The overlay alone lacks the registries: named, not a traceback.
    assert main(["validate", "--config", "config/experiments.yaml"]) == 2
    assert "config/experiments.yaml" in capsys.readouterr().err
