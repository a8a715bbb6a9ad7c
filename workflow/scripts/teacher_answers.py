import json

from clemgrid.transfer.teacher import answers_table
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    n = answers_table(
        json.loads(snakemake.params.teacher),
        json.loads(snakemake.params.data),
        snakemake.output.answers,
        snakemake.input.counts or None,
    )
    log.info("%d teacher answers", n)
