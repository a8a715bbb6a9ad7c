import json
from pathlib import Path

from clemgrid.transfer.finetune import build_adapter
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    sidecar = build_adapter(
        json.loads(snakemake.params.recipe),
        snakemake.input.sft,
        Path(snakemake.output.adapter).parent,
        threads=snakemake.threads,
    )
    Path(snakemake.output.sidecar).write_text(json.dumps(sidecar, indent=2, sort_keys=True))
    log.info("loss per step: %s", sidecar["loss_per_step"])
