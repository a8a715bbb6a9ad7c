localrules:
    instances,
    score,
    aggregate,
    clemscore_intervals,


rule aggregate:
    input:
        scores=grid_outputs(rules.score.output.scores),
    output:
        matrix="results/scores/matrix.parquet",
        clemscore="results/scores/clemscore.parquet",
        table="results/scores/clemscore.md",
    log:
        "logs/aggregate/aggregate.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        quant_labels=quant_labels(),
    script:
        "../scripts/aggregate.py"
