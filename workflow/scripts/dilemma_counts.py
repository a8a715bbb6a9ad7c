from clemgrid.analysis.dilemma import write_rows
from clemgrid.analysis.dilemma_modes import config_counts
from clemgrid.records import read_rows
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    rows = config_counts([row for path in snakemake.input.scores for row in read_rows(path)])
    write_rows(rows, snakemake.output.counts)
    log.info("counts of %d (config, scenario) cells", len(rows))
