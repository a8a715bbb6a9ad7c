"""All agreement pairs in one table (CSV, markdown, and the paper's LaTeX)."""

from pathlib import Path

import pandas as pd

from clemgrid.analysis import agreement
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    i, out = snakemake.input, snakemake.output
    summary = pd.concat(
        [pd.read_csv(p) for p in i.summaries] or [pd.DataFrame(columns=agreement.SUMMARY_COLUMNS)],
        ignore_index=True,
    )
    games = pd.concat(
        [pd.read_csv(p) for p in i.games] or [pd.DataFrame(columns=agreement.GAME_COLUMNS)],
        ignore_index=True,
    )
    summary.to_csv(out.summary, index=False)
    games.to_csv(out.games, index=False)
    Path(out.markdown).write_text(agreement.summary_markdown(summary, games), encoding="utf-8")
    Path(out.tex).write_text(agreement.latex_table(summary), encoding="utf-8")
    log.info("%d pairs:\n%s", len(summary), summary.to_string(index=False))
