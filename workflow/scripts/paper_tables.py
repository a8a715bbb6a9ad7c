import pandas as pd

from clemgrid.analysis import table_gaps, tables
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    scores = pd.read_parquet(snakemake.input.clemscore)
    table = tables.build(scores, snakemake.wildcards.number)
    table = table_gaps.fill(table, table_gaps.leaderboard(snakemake.input.leaderboard))
    if snakemake.wildcards.number == "4":
        table = table_gaps.with_tuning_data(table, pd.read_parquet(snakemake.input.joined))
    tables.to_csv(table, snakemake.output.csv)
    tables.to_latex(table, snakemake.output.tex, floating=False, marks=table_gaps.MARKS)
    missing = table[table["status"] != tables.FOUND]
    log.info(
        "table %s: %d of %d rows found",
        snakemake.wildcards.number,
        len(table) - len(missing),
        len(table),
    )
    for row in missing.itertuples(index=False):
        log.warning("%s: %s / %s / %s", row.status, row.model, row.backend, row.quant)
