from pathlib import Path

import pandas as pd

from clemgrid.analysis import macros as m
from clemgrid.analysis import published_uncertainty as pu
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    out = snakemake.output
    reps, seed = snakemake.params.bootstrap["resamples"], snakemake.params.bootstrap["seed"]
    matrix = pd.read_parquet(snakemake.input.matrix)
    episodes = pu.episodes_per_game()
    intervals = pu.game_intervals(matrix, episodes)
    intervals.to_csv(out.games, index=False)
    scores, samples = pu.clemscore_intervals(matrix, episodes, reps, seed)
    scores.to_csv(out.clemscores, index=False)
    clemscore_tests = pu.clemscore_tests(scores, samples)
    clemscore_tests.to_csv(out.comparisons, index=False)
    game_tests = pu.game_tests(matrix, episodes)
    game_tests.to_csv(out.game_tests, index=False)
    agreement = pu.summary_vs_episodes(pu.fidelity_episodes(snakemake.params.fixtures), reps, seed)
    agreement.to_csv(out.agreement, index=False)
    Path(out.comparisons_tex).write_text(
        pu.comparison_table(clemscore_tests, game_tests), encoding="utf-8"
    )
    Path(out.configs_tex).write_text(pu.config_table(scores), encoding="utf-8")
    macros = m.Macros()
    pu.design_macros(macros, episodes, reps, seed)
    pu.claim_macros(macros, clemscore_tests, game_tests)
    pu.agreement_macros(macros, agreement)
    macros.write(out.macros)
    log.info(
        "%d configs, %d comparisons (%d significant after Holm), %d game tests",
        len(scores),
        len(clemscore_tests),
        int(clemscore_tests["significant"].sum()),
        len(game_tests),
    )
