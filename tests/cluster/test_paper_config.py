"""The paper grid (config/paper/) that `snakemake --profile slurm` selects: valid against the
real game registry and schemas, complete with respect to the published configs, and with the
facts of resources/clembench_v1.6/model_characteristics.csv."""

from __future__ import annotations

import csv
import re

import pytest
import yaml
from slurm_support import ROOT, run_snakemake, slurm_env
from support import SEVEN_GAMES

from clemgrid.analysis import published
from clemgrid.games.registry import GAMES
from clemgrid.registry import load_grid

PAPER = ROOT / "config" / "paper"
# The Llama-3-8B routes of the paper's Table 6 that the score file lacks, named like its
# other API routes; clemgrid.analysis.published.SAME_WEIGHTS folds the others.
SAME_WEIGHTS = {
    **published.SAME_WEIGHTS,
    "llama-3-8b-groq": "Meta-Llama-3-8B-Instruct",
    "llama-3-8b-together.ai": "Meta-Llama-3-8B-Instruct",
}
# configs of the paper's tables that the score file does not have
TABLE_ONLY = {
    ("codegemma-7b-it", "huggingface-local", "none"),
    ("Meta-Llama-3-8B-Instruct", "groq", "none"),
    ("Meta-Llama-3-8B-Instruct", "together", "none"),
}


@pytest.fixture(scope="module")
def paper_config():
    return yaml.safe_load((PAPER / "config.yaml").read_text())


@pytest.fixture(scope="module")
def paper_models():
    return yaml.safe_load((PAPER / "models.yaml").read_text())


def grid_keys(config) -> set[tuple[str, str, str]]:
    """The grid's configs, model names folded as clemgrid.analysis.published folds them."""
    return {
        (SAME_WEIGHTS.get(c["model"], c["model"]), c["backend"], c["quant"]) for c in config["grid"]
    }


def test_paper_grid_is_valid(paper_config):
    """Passes once all seven games are registered (clemgrid.games.registry) and the registry
    schema accepts parameters_b: null (closed models without a published size)."""
    assert set(paper_config["games"]) == SEVEN_GAMES
    unregistered = sorted(SEVEN_GAMES - set(GAMES))
    assert not unregistered, f"games not registered yet: {unregistered}"
    grid = load_grid(paper_config, config_file=PAPER / "config.yaml", known_games=GAMES)
    assert len(grid.configs) == 58
    assert paper_config["instances"]["per_experiment"] is None  # clembench's full sets


def test_paper_grid_has_every_published_config(paper_config):
    table = published.configs(ROOT / "resources" / "clembench_v1.6" / "clembench_model_scores.csv")
    expected = set(zip(table["model"], table["backend"], table["quant"], strict=True))
    assert len(expected) == 55
    assert grid_keys(paper_config) == expected | TABLE_ONLY


def test_paper_models_carry_the_published_facts(paper_models):
    with open(ROOT / "resources" / "clembench_v1.6" / "model_characteristics.csv") as f:
        rows = {
            r["Model Name"].strip(): {k.strip(): v.strip() for k, v in r.items()}
            for r in csv.DictReader(f)
        }
    with open(ROOT / "resources" / "mapping" / "model_names.csv") as f:
        names = {r["model"]: r["characteristics_name"] for r in csv.DictReader(f)}

    def number(text):
        return float(text) if text else None

    checked = 0
    for name, entry in paper_models.items():
        row = rows.get(names.get(SAME_WEIGHTS.get(name, name), ""))
        if row is None:
            assert name == "codegemma-7b-it", f"{name}: no characteristics entry"
            continue
        facts = entry["facts"]
        month, _, year = row["Release Date"].split("/")
        assert facts["parameters_b"] == number(row["Parameter Size (in billions)"]), name
        assert facts["training_tokens_t"] == number(row["Training Data Size (in trillions)"]), name
        assert facts["release_date"] == f"{year}-{int(month):02d}", name
        assert facts["base_model"] == (row["Base Model"] or None), name
        assert facts["open_weights"] == (row["Commercial"] == "0"), name
        checked += 1
    assert checked == len(paper_models) - 1


def test_paper_weights_name_hub_ids_or_api_models(paper_models):
    for name, entry in paper_models.items():
        for quant, source in entry["weights"].items():
            (kind,) = set(source) - {"derived_from"}
            assert kind in ("hub", "api_model"), (name, quant)
            if kind == "hub":
                assert re.fullmatch(r"[\w.-]+/[\w.-]+", source["hub"]["repo"]), (name, quant)
                assert ("file" in source["hub"]) == quant.startswith("Q"), (name, quant)


@pytest.mark.slow
def test_slurm_profile_selects_the_paper_grid(tmp_path):
    """`snakemake --profile slurm -n` plans the paper grid: 58 configs x 7 games of play jobs."""
    (tmp_path / "config").symlink_to(ROOT / "config")
    run = run_snakemake(tmp_path, "--dry-run", "--quiet", "rules", env=slurm_env())
    output = run.stdout + run.stderr
    assert "config/paper/config.yaml" in output
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", output, flags=re.M))
    assert int(counts["play"]) == 58 * 7, output[-3000:]
