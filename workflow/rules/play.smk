rule play:
    input:
        instances=base_instances,
    output:
        transcripts="results/transcripts/{model}/{backend}/{quant}/{game}.parquet",
        timing="results/timing/{model}/{backend}/{quant}/{game}.parquet",
    log:
        "logs/play/{model}/{backend}/{quant}/{game}.log",
    benchmark:
        "benchmarks/play/{model}/{backend}/{quant}/{game}.tsv"
    conda:
        "../../envs/clemgrid.yaml"
    threads: play_threads
    params:
        identity=play_identity,
    script:
        "../scripts/play.py"
