# Analyses of our own runs: tables and figures of the grid's scores with their bootstrap CIs
# (workflow/rules/uncertainty.smk) and the zero- vs few-shot comparison.


localrules:
    run_tables,
    run_figures,


rule run_tables:
    input:
        matrix=rules.aggregate.output.matrix,
        intervals=rules.clemscore_intervals.output.intervals,
        comparisons=rules.clemscore_intervals.output.comparisons,
        scores=grid_outputs(rules.score.output.scores),
    output:
        configs=report(
            "results/analysis/runs/configs.csv",
            caption="../report/run_configs.rst",
            category="Our runs",
            subcategory="Tables",
            labels={"table": "configs with bootstrap CIs"},
        ),
        games=report(
            "results/analysis/runs/games.csv",
            caption="../report/run_games.rst",
            category="Our runs",
            subcategory="Tables",
            labels={"table": "per game"},
        ),
        shots=report(
            "results/analysis/runs/shots.csv",
            caption="../report/run_shots.rst",
            category="Our runs",
            subcategory="Tables",
            labels={"table": "zero- vs few-shot"},
        ),
        paired="results/analysis/runs/paired.csv",
        configs_tex="results/analysis/runs/configs.tex",
        games_tex="results/analysis/runs/games.tex",
        shots_tex="results/analysis/runs/shots.tex",
        shots_md="results/analysis/runs/shots.md",
        paired_tex="results/analysis/runs/paired.tex",
    log:
        "logs/run_tables/run_tables.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        quant_labels=quant_labels(),
        # Models whose facts declare them synthetic: labelled so in every table and figure.
        synthetic=sorted(
            {
                c.model
                for c in GRID.configs
                if (GRID.models[c.model].get("facts") or {}).get("synthetic")
            }
        ),
        # Deliberately misconfigured registry entries (facts.misconfigured): labelled so.
        misconfigured=sorted(
            {
                c.model
                for c in GRID.configs
                if (GRID.models[c.model].get("facts") or {}).get("misconfigured")
            }
        ),
        seed=config["bootstrap"]["seed"],
    script:
        "../scripts/run_tables.py"


rule run_figures:
    input:
        configs=rules.run_tables.output.configs,
        matrix=rules.aggregate.output.matrix,
    output:
        profiles_pdf="results/analysis/figures/runs_profiles.pdf",
        profiles_png=report(
            "results/analysis/figures/runs_profiles.png",
            caption="../report/run_profiles.rst",
            category="Our runs",
            subcategory="Figures",
            labels={"figure": "profiles"},
        ),
        intervals_pdf="results/analysis/figures/runs_intervals.pdf",
        intervals_png=report(
            "results/analysis/figures/runs_intervals.png",
            caption="../report/run_intervals.rst",
            category="Our runs",
            subcategory="Figures",
            labels={"figure": "clemscores with CIs"},
        ),
    log:
        "logs/run_figures/run_figures.log",
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/run_figures.py"
