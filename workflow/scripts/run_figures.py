from pathlib import Path

import pandas as pd

from clemgrid.analysis import figures
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    configs = pd.read_csv(snakemake.input.configs)
    matrix = pd.read_parquet(snakemake.input.matrix)
    games = sorted(matrix["game"].unique())
    out = snakemake.output
    figures.save_figure(
        figures.profile_figure(matrix, configs, ncols=2, games=games, panel=(3.2, 2.6)),
        Path(out.profiles_pdf).with_suffix(""),
    )
    figures.save_figure(figures.interval_figure(configs), Path(out.intervals_pdf).with_suffix(""))
    log.info("figures of %d configs on %s", len(configs), ", ".join(games))
