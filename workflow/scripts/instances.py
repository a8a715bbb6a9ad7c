from clemgrid.pipeline import write_instances
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    n = write_instances(snakemake.wildcards.game, snakemake.params.seed, snakemake.output.instances)
    log.info("%d instances of %s", n, snakemake.wildcards.game)
