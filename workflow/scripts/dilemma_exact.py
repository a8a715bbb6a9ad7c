import json

from clemgrid.pipeline import run_exact
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    n = run_exact(
        json.loads(snakemake.params.identity),
        snakemake.input.instances,
        snakemake.output.exact,
    )
    log.info("exact P(C) of %d instances", n)
