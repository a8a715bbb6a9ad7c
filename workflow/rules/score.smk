rule score:
    input:
        transcripts=rules.play.output.transcripts,
        instances=base_instances,
    output:
        scores="results/scores/{model}/{backend}/{quant}/{game}.parquet",
    log:
        "logs/score/{model}/{backend}/{quant}/{game}.log",
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/score.py"
