import json
from pathlib import Path

from clemgrid.pipeline import run_play
from clemgrid.workflow_io import job_log

w = snakemake.wildcards
cache_dir = (
    Path("results/cache", w.model, w.backend, w.quant, w.game)
    if snakemake.config["cache"]
    else None
)
with job_log(snakemake.log[0]) as log:
    stats = run_play(
        json.loads(snakemake.params.identity),
        snakemake.input.instances,
        snakemake.output.transcripts,
        snakemake.output.timing,
        cache_dir,
        progress_stream=log.handlers[0].stream,
    )
    log.info("played %s", stats)
