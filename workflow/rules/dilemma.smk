# Seed 004's dilemma game: C-rates of the played configs, sampled and exact (README, "Dilemma").
# Its quality is a disposition, not skill: it is kept out of the clemscore (grid_outputs).


localrules:
    dilemma_counts,
    dilemma_summary,
    transfer_figures,


rule dilemma_exact:
    input:
        instances=base_instances,
        weights=play_weights,
    output:
        exact="results/exact/{model}/{backend}/{quant}/{game}.parquet",
    log:
        "logs/dilemma_exact/{model}/{backend}/{quant}/{game}.log",
    benchmark:
        "benchmarks/dilemma_exact/{model}/{backend}/{quant}/{game}.tsv"
    conda:
        "../../envs/clemgrid.yaml"
    threads: play_threads
    resources:
        **slurm(play_resources),
        model_slot=1,
    params:
        identity=play_identity,
    script:
        "../scripts/dilemma_exact.py"


rule dilemma_counts:
    input:
        scores=grid_outputs(rules.score.output.scores, skill=False),
    output:
        counts="results/analysis/dilemma/counts.csv",
    log:
        "logs/dilemma/counts.log",
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/dilemma_counts.py"


rule dilemma_summary:
    input:
        scores=grid_outputs(rules.score.output.scores, skill=False),
        exact=dilemma_exact_outputs,
        teacher_counts=dilemma_teacher_counts,
    output:
        scenarios="results/analysis/dilemma/scenarios.csv",
        transfer="results/analysis/dilemma/transfer.csv",
        figure="results/analysis/dilemma/transfer.pdf",
        rates="results/analysis/dilemma/transfer_rates.csv",
        pgg="results/analysis/dilemma/transfer_pgg.csv",
        summary="results/analysis/dilemma/summary.txt",
    log:
        "logs/dilemma/summary.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        transfer=dilemma_transfer,
    script:
        "../scripts/dilemma_summary.py"


rule transfer_figures:
    # The paper's Figs. 2-5 for the first LoRA student: C-rates per scenario, improvement per
    # scenario and split (flagged ones marked), public-goods answers per role.
    input:
        transfer=rules.dilemma_summary.output.transfer,
        rates=rules.dilemma_summary.output.rates,
        pgg=rules.dilemma_summary.output.pgg,
    output:
        rates="results/analysis/figures/transfer_rates.pdf",
        improvement="results/analysis/figures/transfer_improvement.pdf",
        pgg="results/analysis/figures/transfer_pgg.pdf",
    log:
        "logs/dilemma/transfer_figures.log",
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/transfer_figures.py"
