import json

from clemgrid.pipeline import aggregate
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    scores = aggregate(
        snakemake.input.scores,
        snakemake.output.matrix,
        snakemake.output.clemscore,
        snakemake.output.table,
        json.loads(snakemake.params.quant_labels),
    )
    log.info("clemscores:\n%s", scores.to_string(index=False))
