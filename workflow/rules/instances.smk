rule instances:
    output:
        instances="results/instances/{game}.parquet",
    log:
        "logs/instances/{game}.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        game_version=lambda wildcards: GAMES[wildcards.game].version,
        seed=config["instances"]["seed"],
    script:
        "../scripts/instances.py"
