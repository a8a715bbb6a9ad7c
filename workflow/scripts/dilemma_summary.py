from pathlib import Path

from clemgrid.analysis.dilemma import write_rows
from clemgrid.analysis.dilemma_modes import format_summary, scenario_rows
from clemgrid.records import read_rows
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    scores = [row for path in snakemake.input.scores for row in read_rows(path)]
    exact = [row for path in snakemake.input.exact for row in read_rows(path)]
    rows = scenario_rows(scores, exact)
    write_rows(rows, snakemake.output.scenarios)
    summary = format_summary(rows)
    Path(snakemake.output.summary).write_text(summary, encoding="utf-8")
    log.info("\n%s", summary)
