from pathlib import Path

import pandas as pd

from clemgrid.analysis import figures, regression, size_statistics
from clemgrid.analysis.routes import default_route
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    matrix = pd.read_parquet(snakemake.input.matrix)
    scores = pd.read_parquet(snakemake.input.clemscore)
    joined = pd.read_parquet(snakemake.input.joined)
    out = snakemake.output
    defaults = default_route(scores).sort_values("clemscore", ascending=False, kind="stable")
    chosen = defaults.set_index("model").loc[snakemake.params.profile_models].reset_index()
    frame = size_statistics.bracket_frame(joined)
    parts = [out.all_profiles_1_pdf, out.all_profiles_2_pdf, out.all_profiles_3_pdf]
    built = {
        out.profiles_pdf: figures.profile_figure(matrix, chosen, ncols=3, panel=(2.3, 2.0)),
        out.size_pdf: figures.size_figure(frame, regression.size_frame(joined)),
        **dict(zip(parts, figures.profile_parts(matrix, defaults, len(parts)), strict=True)),
        out.brackets_pdf: figures.bracket_figure(frame),
        out.dynamics_pdf: figures.dynamics_figure(matrix, frame, width=7.0, panel_height=0.95),
    }
    for pdf, figure in built.items():
        figures.save_figure(figure, Path(pdf).with_suffix(""))
        log.info("wrote %s and .png", pdf)
    log.info("profiles of %d models (default route), size figure of %d", len(defaults), len(frame))
