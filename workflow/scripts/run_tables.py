import json
from pathlib import Path

import pandas as pd

from clemgrid.analysis import latex, runs
from clemgrid.games.registry import GAMES
from clemgrid.workflow_io import job_log


def read_csv(path):
    """A CSV that may hold no rows (and then no header either)."""
    return pd.read_csv(path) if Path(path).stat().st_size > 1 else pd.DataFrame()


with job_log(snakemake.log[0]) as log:
    synthetic = snakemake.params.synthetic
    misconfigured = snakemake.params.misconfigured
    out = snakemake.output
    base_games = {name: spec.base_name for name, spec in GAMES.items()}
    # Clemscores over the common zero-shot game set (the intervals are bootstrapped over it).
    configs = runs.config_table(
        pd.read_parquet(snakemake.input.matrix),
        pd.read_csv(snakemake.input.intervals),
        synthetic,
        misconfigured,
        base_games,
    )
    games = runs.game_table(pd.read_parquet(snakemake.input.matrix), synthetic, misconfigured)
    episodes = pd.concat([pd.read_parquet(f) for f in snakemake.input.scores], ignore_index=True)
    shots = runs.shot_comparisons(
        episodes,
        base_games,
        synthetic,
        seed=snakemake.params.seed,
        misconfigured=misconfigured,
    )
    paired = runs.paired_table(read_csv(snakemake.input.comparisons), synthetic)
    configs.to_csv(out.configs, index=False)
    games.to_csv(out.games, index=False)
    shots.to_csv(out.shots, index=False)
    paired.to_csv(out.paired, index=False)
    labels = json.loads(snakemake.params.quant_labels)
    # Quants as the paper names them (an F16 derived from Q4_1 is not an F16 model).
    for table, path, write in [
        (configs, out.configs_tex, latex.runs_config_table),
        (games, out.games_tex, latex.runs_game_table),
        (shots, out.shots_tex, latex.runs_shot_table),
    ]:
        Path(path).write_text(write(runs.with_quant_labels(table, labels)))
    Path(out.shots_md).write_text(runs.shots_markdown(shots))
    Path(out.paired_tex).write_text(latex.runs_paired_table(paired))
    log.info(
        "configs (synthetic players: %s):\n%s",
        ", ".join(synthetic) or "none",
        configs.to_string(index=False),
    )
    log.info("%d few-shot comparisons, %d paired backend tests", len(shots), len(paired))
