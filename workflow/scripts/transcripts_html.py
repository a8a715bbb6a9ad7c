from clemgrid.viewer.site import render_site
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    pages = render_site(
        snakemake.input.transcripts,
        snakemake.input.scores,
        snakemake.output.site,
        matrix=snakemake.input.matrix,
        figures_dir=snakemake.params.figures,
        figure_files=snakemake.input.figures,
    )
    log.info("wrote %d pages", len(pages))
