from clemgrid.analysis.simulation import run_study
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    summary = run_study(
        snakemake.params.study,
        snakemake.params.bootstrap,
        snakemake.output.runs,
        snakemake.output.summary,
        snakemake.output.table,
        workers=snakemake.threads,
    )
    log.info("simulation study:\n%s", summary.to_string(index=False))
