import pandas as pd

from clemgrid.analysis.runs import zero_shot
from clemgrid.analysis.uncertainty import clemscore_intervals, same_model_comparisons
from clemgrid.games.registry import GAMES
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    episodes = pd.concat([pd.read_parquet(f) for f in snakemake.input.scores], ignore_index=True)
    boot = snakemake.params.bootstrap
    # Over the common zero-shot game set, as the clemscores they belong to (runs.config_table).
    common = zero_shot(episodes["game"].unique(), {n: g.base_name for n, g in GAMES.items()})
    intervals = clemscore_intervals(
        episodes[episodes["game"].isin(common)], n_boot=boot["resamples"], seed=boot["seed"]
    )
    intervals.to_csv(snakemake.output.intervals, index=False, float_format="%.4f")
    comparisons = same_model_comparisons(episodes, seed=boot["seed"])
    comparisons.to_csv(snakemake.output.comparisons, index=False, float_format="%.4f")
    log.info("%d intervals, %d paired comparisons", len(intervals), len(comparisons))
