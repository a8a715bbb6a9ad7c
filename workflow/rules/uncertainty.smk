# Bootstrap CIs of our runs' clemscores, and the simulation study that checks their coverage.


localrules:
    simulation_table,


rule clemscore_intervals:
    input:
        scores=grid_outputs(rules.score.output.scores),
    output:
        intervals="results/analysis/uncertainty/clemscore_ci.csv",
        comparisons="results/analysis/uncertainty/paired_tests.csv",
    log:
        "logs/clemscore_intervals/clemscore_intervals.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        bootstrap=config["bootstrap"],
    script:
        "../scripts/clemscore_intervals.py"


rule simulation_study:
    output:
        runs="results/analysis/simulation/runs.parquet",
        summary="results/analysis/simulation/summary.csv",
        table="results/analysis/simulation/summary.tex",
    log:
        "logs/simulation_study/simulation_study.log",
    benchmark:
        "benchmarks/simulation_study/simulation_study.tsv"
    conda:
        "../../envs/clemgrid.yaml"
    threads: workflow.cores
    params:
        # At the grid's own number of instances per experiment, and at the full sets.
        study={
            **config["simulation"],
            "per_experiment": config["instances"]["per_experiment"],
        },
        bootstrap=config["bootstrap"],
    script:
        "../scripts/simulation_study.py"


rule simulation_table:
    input:
        summary=rules.simulation_study.output.summary,
    output:
        tex="results/analysis/simulation/table.tex",
    log:
        "logs/simulation_table/simulation_table.log",
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/simulation_table.py"
