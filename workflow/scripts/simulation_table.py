from pathlib import Path

import pandas as pd

from clemgrid.analysis import latex
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    summary = pd.read_csv(snakemake.input.summary)
    Path(snakemake.output.tex).write_text(latex.simulation_table(summary))
    log.info("%d scenarios", len(summary))
