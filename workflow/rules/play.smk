rule play:
    input:
        instances=base_instances,
        weights=play_weights,  # built weights (rules/quantize.smk); none for other sources
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
    resources:
        # SLURM (profiles/slurm, docs/cluster.md): A100s for local GPU backends, none for
        # APIs; memory and wall time from the model size, growing with every retry.
        **slurm(play_resources),
        # Group jobs (profiles/slurm) run one play job at a time: see model_slot there.
        model_slot=1,
    params:
        identity=play_identity,
    script:
        "../scripts/play.py"
