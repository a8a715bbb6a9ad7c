import json

from clemgrid.quantization import build
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    sidecar = build(
        json.loads(snakemake.params.recipe),
        snakemake.output.gguf,
        snakemake.output.sidecar,
        threads=snakemake.threads,
    )
    log.info("built:\n%s", json.dumps(sidecar, indent=2, sort_keys=True))
