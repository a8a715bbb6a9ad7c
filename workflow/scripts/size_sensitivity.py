import warnings
from pathlib import Path

import pandas as pd

from clemgrid.analysis import size_sensitivity, size_statistics
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    joined = pd.read_parquet(snakemake.input.joined)
    estimated = size_sensitivity.estimated_sizes(pd.read_csv(snakemake.input.mapping))
    settings = snakemake.params.settings
    out = snakemake.output
    table = size_sensitivity.sensitivity(joined, estimated)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tests = size_sensitivity.tests(
            size_statistics.bracket_frame(joined), settings["gam_df"], settings["gamm_knots"]
        )
    for warning in caught:  # the optimiser's steps along the variance boundary
        log.info("warning while fitting: %s", warning.message)
    table.to_csv(out.table, index=False)
    tests.to_csv(out.tests, index=False)
    Path(out.table_tex).write_text(size_sensitivity.sensitivity_latex(table))
    Path(out.tests_tex).write_text(size_sensitivity.tests_latex(tests))
    log.info("%d models of estimated size: %s", len(estimated), ", ".join(sorted(estimated)))
    log.info("size slope sensitivity:\n%s", table.drop(columns="formula").to_string(index=False))
    log.info("tests:\n%s", tests.to_string(index=False))
