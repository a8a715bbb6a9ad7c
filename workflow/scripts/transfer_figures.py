import pandas as pd

from clemgrid.analysis.transfer_figures import paper_figures
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    frames = [pd.read_csv(getattr(snakemake.input, key)) for key in ("transfer", "rates", "pgg")]
    for name, figure in paper_figures(*frames).items():
        figure.savefig(getattr(snakemake.output, name))
        log.info("wrote %s", getattr(snakemake.output, name))
