from clemgrid.pipeline import score_transcripts
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    n = score_transcripts(
        snakemake.input.transcripts, snakemake.input.instances, snakemake.output.scores
    )
    log.info("scored %d episodes", n)
