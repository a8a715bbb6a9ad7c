from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from clemgrid.games.registry import GAMES
from clemgrid.registry import (
    GAME_PATTERN,
    NAME_PATTERN,
    RegistryError,
    canonical_json,
    load_grid,
)

CONFIG_FILE = (workflow.overwrite_configfiles or ["config/config.yaml"])[-1]

validate(config, schema="../schemas/config.schema.yaml")
try:
    GRID = load_grid(config, config_file=CONFIG_FILE, known_games=GAMES)
except RegistryError as error:
    raise WorkflowError(f"invalid configuration: {error}") from None
validate(GRID.models, schema="../schemas/models.schema.yaml")
validate(GRID.backends, schema="../schemas/backends.schema.yaml")


wildcard_constraints:
    model=NAME_PATTERN,
    backend=NAME_PATTERN,
    quant=NAME_PATTERN,
    game=GAME_PATTERN,


def play_identity(wildcards):
    """Canonical JSON of all that determines a play job's output: its rerun trigger."""
    cfg = GRID.play_config(wildcards.model, wildcards.backend, wildcards.quant)
    return canonical_json(
        GRID.play_identity(cfg, wildcards.game, GAMES[wildcards.game].version)
    )


def base_instances(wildcards):
    """Few-shot variants play the instances of the zero-shot game they derive from."""
    return rules.instances.output.instances.format(game=GAMES[wildcards.game].base_name)


def play_threads(wildcards):
    kind = GRID.backends[wildcards.backend]["kind"]
    return workflow.cores if kind in ("llama_cpp", "transformers") else 1


def grid_outputs(pattern):
    """`pattern` filled for every (config, game) of the grid: configs are explicit, not a product."""
    return [
        pattern.format(model=c.model, backend=c.backend, quant=c.quant, game=game)
        for c in GRID.configs
        for game in GRID.games
    ]


def final_outputs():
    return [
        "results/scores/matrix.parquet",
        "results/scores/clemscore.parquet",
        "results/scores/clemscore.md",
    ]
