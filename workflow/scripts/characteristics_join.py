from pathlib import Path

import pandas as pd

from clemgrid import records
from clemgrid.analysis.characteristics import join_characteristics
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    scores = pd.read_parquet(snakemake.input.clemscore)
    joined, dropped = join_characteristics(
        scores, snakemake.input.characteristics, snakemake.input.mapping
    )
    records.write_frame(
        joined,
        snakemake.output.joined,
        characteristics=Path(snakemake.input.characteristics).name,
        mapping=Path(snakemake.input.mapping).name,
    )
    dropped.to_csv(snakemake.output.dropped, index=False)
    log.info(
        "joined %d of %d configs (%d models)", len(joined), len(scores), joined["model"].nunique()
    )
    for row in dropped.itertuples(index=False):
        log.warning("dropped %s / %s / %s: %s", row.model, row.backend, row.quant, row.reason)
