from pathlib import Path

import pandas as pd

from clemgrid.analysis import macros as m
from clemgrid.analysis import published_episodes as pe
from clemgrid.analysis.tables import FOUND
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    i, out = snakemake.input, snakemake.output
    reps, seed = snakemake.params.bootstrap["resamples"], snakemake.params.bootstrap["seed"]
    episodes = pe.read_all(i.episodes, i.scores)
    reconciled = pe.reconcile(episodes, pd.read_parquet(i.matrix))
    reconciled.to_csv(out.reconciled, index=False)
    paired, games = pe.comparisons(episodes, reps, seed)
    paired.to_csv(out.paired, index=False)
    games.to_csv(out.games, index=False)
    agreement = pe.episode_agreement(episodes, reps, seed)
    agreement.to_csv(out.agreement, index=False)
    Path(out.table_tex).write_text(pe.comparison_table(paired, games), encoding="utf-8")
    routes = pd.read_csv(i.routes_table[0])  # Table 2, with the rows only the paper prints
    macros = m.Macros()
    pe.episode_macros(
        macros, reconciled, paired, games, agreement, routes[routes["status"] != FOUND]
    )
    macros.write(out.macros)
    log.info(
        "%d episodes of %d configs; %d of %d score-file cells reproduced; %d paired comparisons",
        len(episodes),
        len(reconciled[pe.KEYS].drop_duplicates()),
        int(reconciled["match"].sum()),
        int(reconciled["in_score_file"].sum()),
        len(paired),
    )
