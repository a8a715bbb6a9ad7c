# Two analyses of the transcripts themselves, driven by the grid (README, "What is measured"):
# - agreement_pair / agreement: the same instances played by two configs (by default every two
#   configs of one model and quant on different backends; or config.yaml's `agreement:` pairs),
#   compared response by response (clemgrid.analysis.agreement);
# - turn_taking: a deliberately misconfigured registry entry (facts.misconfigured) against its
#   correct entry on the same backend and quant (clemgrid.analysis.turn_taking).
# Which configs both compare, over the games both play: COMPARISONS (common.smk), planned by
# clemgrid.analysis.comparisons.


localrules:
    agreement_pair,
    agreement,
    turn_taking,


rule agreement_pair:
    input:
        transcripts_a=pair_files(rules.play.output.transcripts, "a"),
        transcripts_b=pair_files(rules.play.output.transcripts, "b"),
        scores_a=pair_files(rules.score.output.scores, "a"),
        scores_b=pair_files(rules.score.output.scores, "b"),
    output:
        games="results/analysis/agreement/pairs/{pair}/games.csv",
        summary="results/analysis/agreement/pairs/{pair}/summary.csv",
        episodes="results/analysis/agreement/pairs/{pair}/episodes.csv",
        turns="results/analysis/agreement/pairs/{pair}/turns.parquet",
        differences="results/analysis/agreement/pairs/{pair}/differences.md",
    log:
        "logs/agreement_pair/{pair}.log",
    benchmark:
        "benchmarks/agreement_pair/{pair}.tsv"
    wildcard_constraints:
        pair=COMPARISONS.pair_pattern,
    conda:
        "../../envs/clemgrid.yaml"
    params:
        pair=lambda wildcards: COMPARISONS.pairs[wildcards.pair].to_dict(),
        # Where the model's tokenizer comes from: a local GGUF of either config's weights.
        weights=lambda wildcards: COMPARISONS.pair_weights(wildcards.pair),
        seed=config["bootstrap"]["seed"],
    script:
        "../scripts/agreement_pair.py"


rule agreement:
    input:
        summaries=expand(rules.agreement_pair.output.summary, pair=COMPARISONS.pairs),
        games=expand(rules.agreement_pair.output.games, pair=COMPARISONS.pairs),
    output:
        summary=report(
            "results/analysis/agreement/summary.csv",
            caption="../report/agreement.rst",
            category="Our runs",
            subcategory="Agreement and turn-taking",
            labels={"table": "agreement of configs"},
        ),
        games="results/analysis/agreement/games.csv",
        markdown="results/analysis/agreement/summary.md",
        tex="results/analysis/agreement/summary.tex",
    log:
        "logs/agreement/agreement.log",
    benchmark:
        "benchmarks/agreement/agreement.tsv"
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/agreement.py"


rule turn_taking:
    input:
        transcripts=COMPARISONS.turn_taking_files(rules.play.output.transcripts),
        scores=COMPARISONS.turn_taking_files(rules.score.output.scores),
    output:
        summary=report(
            "results/analysis/turn_taking/summary.csv",
            caption="../report/turn_taking.rst",
            category="Our runs",
            subcategory="Agreement and turn-taking",
            labels={"table": "wrong end-of-turn token"},
        ),
        markdown="results/analysis/turn_taking/summary.md",
        tex="results/analysis/turn_taking/summary.tex",
    log:
        "logs/turn_taking/turn_taking.log",
    benchmark:
        "benchmarks/turn_taking/turn_taking.tsv"
    conda:
        "../../envs/clemgrid.yaml"
    params:
        experiments=[e.to_dict() for e in COMPARISONS.turn_taking],
        # A misconfigured registry entry whose comparison the grid does not allow: said, not failed.
        notes=COMPARISONS.turn_taking_notes(),
    script:
        "../scripts/turn_taking.py"
