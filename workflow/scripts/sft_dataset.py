import json

import pyarrow.parquet as pq

from clemgrid.transfer.dataset import build
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    answers = pq.read_table(snakemake.input.answers).to_pylist()
    provenance = build(answers, json.loads(snakemake.params.data), snakemake.output.sft)
    log.info("dataset: %s", json.dumps(provenance, sort_keys=True))
