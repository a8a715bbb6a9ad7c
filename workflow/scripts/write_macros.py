import pandas as pd

from clemgrid.analysis import factor_report, published_prose, size_sensitivity
from clemgrid.analysis import macros as m
from clemgrid.analysis.transfer_macros import transfer_macros
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    i = snakemake.input
    params = snakemake.params
    macros = m.Macros()
    m.convention_macros(macros)
    # the paper's tables, each CSV keyed by its `table` column (its number)
    read = [pd.read_csv(t, dtype={"table": str}) for t in i.tables]
    tables = {str(table["table"].iloc[0]): table for table in read}
    m.published_macros(
        macros,
        pd.read_csv(i.recomputed),
        pd.read_parquet(i.matrix),
        pd.read_parquet(i.joined),
        pd.read_csv(i.dropped),
        tables,
    )
    m.regression_macros(
        macros, pd.read_csv(i.fits), pd.read_csv(i.coefficients), pd.read_csv(i.frame)
    )
    m.per_game_macros(macros, pd.read_csv(i.per_game))
    m.stats_macros(
        macros,
        pd.read_csv(i.brackets),
        pd.read_csv(i.anova),
        pd.read_csv(i.tukey),
        pd.read_csv(i.models),
        {"perplexity": params.stats["tsne_perplexity"], "n": len(pd.read_csv(i.tsne))},
    )
    size_sensitivity.sensitivity_macros(macros, pd.read_csv(i.sensitivity), pd.read_csv(i.robust))
    m.runs_macros(
        macros,
        pd.read_csv(i.configs),
        pd.read_csv(i.games),
        pd.read_csv(i.shots),
        pd.read_csv(i.paired),
        params.bootstrap,
    )
    m.simulation_macros(macros, pd.read_csv(i.simulation), params.simulation, params.bootstrap)
    m.agreement_macros(macros, pd.read_csv(i.agreement), pd.read_csv(i.agreement_games))
    m.turn_taking_macros(macros, pd.read_csv(i.turn_taking), params.turn_taking_notes)
    m.experiments_macros(macros, pd.read_csv(i.configs), pd.read_csv(i.turn_taking))
    factor_report.factor_macros(macros, i.factors)
    published_prose.prose_macros_from_files(macros, i, tables)
    # transfer.csv, transfer_rates.csv, transfer_pgg.csv where a student plays, else none
    transfer = [pd.read_csv(path) for path in i.transfer] or [None]
    transfer_macros(macros, transfer[0], params.bootstrap, *transfer[1:])
    macros.write(snakemake.output.macros)
    log.info("%d macros", len(macros))
