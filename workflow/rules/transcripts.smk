localrules:
    transcripts_html,


rule transcripts_html:
    input:
        transcripts=grid_outputs(rules.play.output.transcripts),
        scores=grid_outputs(rules.score.output.scores),
        matrix=rules.aggregate.output.matrix,
    output:
        site=directory("results/transcripts_html"),
    log:
        "logs/transcripts_html/transcripts_html.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        figures="results/analysis/figures",
    script:
        "../scripts/transcripts_html.py"
