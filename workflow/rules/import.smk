localrules:
    import_clembench,


rule import_clembench:
    input:
        runs=lambda wildcards: config["clembench_runs"]
        or "config key clembench_runs is not set",
    output:
        imported=directory("results/imported/clembench"),
    log:
        "logs/import_clembench/import_clembench.log",
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/import_clembench.py"
