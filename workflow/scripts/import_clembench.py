from clemgrid.importer.cli import main
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    status = main([snakemake.input.runs, "--out", snakemake.output.imported])
    if status:
        raise SystemExit(f"import-clembench exited with {status}")
    log.info("imported %s", snakemake.input.runs)
