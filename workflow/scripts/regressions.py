from pathlib import Path

import pandas as pd

from clemgrid.analysis import latex, regression
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    joined = pd.read_parquet(snakemake.input.joined)
    matrix = pd.read_parquet(snakemake.input.matrix)
    results = regression.size_regressions(joined)
    fits = regression.summary(results)
    fits["subset_rule"] = [r.subset_rule for r in results.values()]
    fits["models"] = ["; ".join(r.models) for r in results.values()]
    coefficients = pd.concat(
        [r.coefficients.assign(formula=f, n=r.n) for f, r in results.items()], ignore_index=True
    )
    frame = results[regression.PARAMS].frame
    per_game = regression.per_game_regressions(matrix, frame)
    fits.to_csv(snakemake.output.fits, index=False)
    coefficients.to_csv(snakemake.output.coefficients, index=False)
    frame[
        [
            "model",
            "backend",
            "quant",
            "clemscore",
            "params_b",
            "tokens_t",
            "tokens_source",
            "open_weights",
            "family",
        ]
    ].to_csv(snakemake.output.frame, index=False)
    per_game.to_csv(snakemake.output.per_game, index=False)
    Path(snakemake.output.tex).write_text(latex.regression_table(fits, coefficients))
    Path(snakemake.output.per_game_tex).write_text(latex.per_game_table(per_game))
    for row in fits.itertuples(index=False):
        log.info(
            "%s: n = %d, F(%d, %d) = %.2f, p = %.2g, R2 = %.3f (paper: F = %s, R2 = %s)",
            row.formula,
            row.n,
            row.df_model,
            row.df_resid,
            row.F,
            row.F_p,
            row.R2,
            row.paper_F,
            row.paper_R2,
        )
    log.info("subset: %s", regression.SUBSET_RULE)
