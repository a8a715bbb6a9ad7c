from pathlib import Path

import pandas as pd

from clemgrid.analysis import figures, latex, size_statistics
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    joined = pd.read_parquet(snakemake.input.joined)
    matrix = pd.read_parquet(snakemake.input.matrix)
    settings = snakemake.params.settings
    out = snakemake.output
    frame = size_statistics.bracket_frame(joined)
    summary = size_statistics.bracket_summary(frame)
    anova = size_statistics.anova_brackets(frame)
    tukey = size_statistics.tukey_brackets(frame)
    mixed = size_statistics.mixed_model(frame)
    gam = size_statistics.gam(frame, df=settings["gam_df"])
    gamm = size_statistics.mixed_spline(frame, df=settings["gamm_df"])
    models = size_statistics.size_models(frame, mixed, gam, gamm)
    tsne = size_statistics.tsne_map(
        matrix, frame, perplexity=settings["tsne_perplexity"], seed=settings["seed"]
    )
    frame[
        ["model", "backend", "quant", "family", "params_b", "log10_params", "bracket", "clemscore"]
    ].to_csv(out.frame, index=False)
    summary.to_csv(out.brackets, index=False)
    anova.to_csv(out.anova, index=False)
    tukey.to_csv(out.tukey, index=False)
    models.to_csv(out.models, index=False)
    pd.concat(
        [
            mixed["coefficients"].assign(model="mixed", formula=mixed["formula"]),
            gamm["coefficients"].assign(model="gamm", formula=gamm["formula"]),
        ],
        ignore_index=True,
    ).to_csv(out.coefficients, index=False)
    pd.concat(
        [gam["curve"].assign(model="gam"), gamm["curve"].assign(model="gamm")], ignore_index=True
    ).to_csv(out.curves, index=False)
    tsne.to_csv(out.tsne, index=False)
    Path(out.brackets_tex).write_text(latex.bracket_table(summary, anova))
    Path(out.tukey_tex).write_text(latex.tukey_table(tukey))
    Path(out.models_tex).write_text(latex.models_table(models))
    figures.save_figure(figures.tsne_figure(tsne), Path(out.tsne_pdf).with_suffix(""))
    figures.save_figure(
        figures.smooth_figure(frame, gam["curve"], gamm["curve"]),
        Path(out.smooth_pdf).with_suffix(""),
    )
    log.info("%d models in %d brackets", len(frame), len(summary))
    log.info("ANOVA:\n%s", anova.to_string(index=False))
    log.info("Tukey HSD:\n%s", tukey.to_string(index=False))
    log.info("size models:\n%s", models.to_string(index=False))
