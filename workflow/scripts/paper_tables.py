import pandas as pd

from clemgrid.analysis import tables
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    scores = pd.read_parquet(snakemake.input.clemscore)
    table = tables.build(scores, snakemake.wildcards.number)
    tables.to_csv(table, snakemake.output.csv)
    tables.to_latex(table, snakemake.output.tex, floating=False)
    missing = table[table["status"] != tables.FOUND]
    log.info(
        "table %s: %d of %d rows found",
        snakemake.wildcards.number,
        len(table) - len(missing),
        len(table),
    )
    for row in missing.itertuples(index=False):
        log.warning("not in the data: %s / %s / %s", row.model, row.backend, row.quant)
