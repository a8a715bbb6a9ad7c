localrules:
    transcripts_html,


rule transcripts_html:
    input:
        transcripts=grid_outputs(rules.play.output.transcripts),
        scores=grid_outputs(rules.score.output.scores),
        matrix=rules.aggregate.output.matrix,
        # Every PNG the summary page shows: declared, so the page does not depend on which
        # analysis jobs happened to run first.
        figures=[
            path
            for outputs in (
                rules.size_statistics.output,
                rules.published_figures.output,
                rules.run_figures.output,
            )
            for path in outputs
            if path.endswith(".png")
        ],
    output:
        site=directory("results/transcripts_html"),
    log:
        "logs/transcripts_html/transcripts_html.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        # The figures' folder: the summary names each figure by its path under it.
        figures=lambda wildcards, input: os.path.commonpath(
            [os.path.dirname(path) for path in input.figures]
        ),
    script:
        "../scripts/transcripts_html.py"
