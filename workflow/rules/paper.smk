# The paper: every number its text uses (macros), then the PDF from its sources and the tables
# and figures of workflow/rules/published.smk, runs.smk, uncertainty.smk and agreement.smk.


localrules:
    macros,
    paper,


rule macros:
    input:
        recomputed=rules.published_matrix.output.recomputed,
        matrix=rules.published_matrix.output.matrix,
        joined=rules.characteristics_join.output.joined,
        dropped=rules.characteristics_join.output.dropped,
        tables=expand(rules.paper_tables.output.csv, number=["1", "2", "3", "4"]),
        fits=rules.regressions.output.fits,
        coefficients=rules.regressions.output.coefficients,
        frame=rules.regressions.output.frame,
        per_game=rules.regressions.output.per_game,
        brackets=rules.size_statistics.output.brackets,
        anova=rules.size_statistics.output.anova,
        tukey=rules.size_statistics.output.tukey,
        models=rules.size_statistics.output.models,
        tsne=rules.size_statistics.output.tsne,
        curves=rules.size_statistics.output.curves,
        comparisons=rules.published_uncertainty.output.comparisons,
        episode_comparisons=rules.published_episodes.output.paired,
        sensitivity=rules.size_sensitivity.output.table,
        robust=rules.size_sensitivity.output.tests,
        configs=rules.run_tables.output.configs,
        games=rules.run_tables.output.games,
        shots=rules.run_tables.output.shots,
        paired=rules.run_tables.output.paired,
        simulation=rules.simulation_study.output.summary,
        agreement=rules.agreement.output.summary,
        agreement_games=rules.agreement.output.games,
        turn_taking=rules.turn_taking.output.summary,
        transfer=dilemma_transfer_table,
        factors=[
            rules.factor_analyses.output[key]
            for key in ("data", "settings", "groups", "tests", "pairwise", "size")
            + ("per_game_size", "per_game_factors", "correlations", "stability")
            + ("tsne",)
        ],
    output:
        macros="results/analysis/macros.tex",
    log:
        "logs/macros/macros.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        stats=rules.size_statistics.params.settings,
        bootstrap=config["bootstrap"],
        simulation=rules.simulation_study.params.study,
        turn_taking_notes=rules.turn_taking.params.notes,
    script:
        "../scripts/write_macros.py"


rule paper:
    input:
        # The paper's sources in the repository, found from any working directory.
        main=workflow.source_path("../../paper/main.tex"),
        sections=[
            workflow.source_path(f"../../paper/sections/{section}.tex")
            for section in (
                "abstract",
                "introduction",
                "method",
                "published",
                "published_uncertainty",
                "size_robustness",
                "factors",
                "runs",
                "transfer",
                "discussion",
                "conclusion",
                "limitations",
                "appendix",
            )
        ],
        bib=workflow.source_path("../../paper/references.bib"),
        macros=rules.macros.output.macros,
        tables=expand(rules.paper_tables.output.tex, number=["1", "2", "3", "4"]),
        regression=rules.regressions.output.tex,
        per_game=rules.regressions.output.per_game_tex,
        brackets=rules.size_statistics.output.brackets_tex,
        tukey=rules.size_statistics.output.tukey_tex,
        models=rules.size_statistics.output.models_tex,
        tsne=rules.size_statistics.output.tsne_pdf,
        smooth=rules.size_statistics.output.smooth_pdf,
        sensitivity=rules.size_sensitivity.output.table_tex,
        robust=rules.size_sensitivity.output.tests_tex,
        profiles=rules.published_figures.output.profiles_pdf,
        size_figure=rules.published_figures.output.size_pdf,
        all_profiles_1=rules.published_figures.output.all_profiles_1_pdf,
        all_profiles_2=rules.published_figures.output.all_profiles_2_pdf,
        all_profiles_3=rules.published_figures.output.all_profiles_3_pdf,
        brackets_figure=rules.published_figures.output.brackets_pdf,
        dynamics=rules.published_figures.output.dynamics_pdf,
        run_configs=rules.run_tables.output.configs_tex,
        run_games=rules.run_tables.output.games_tex,
        run_shots=rules.run_tables.output.shots_tex,
        run_paired=rules.run_tables.output.paired_tex,
        run_profiles=rules.run_figures.output.profiles_pdf,
        run_intervals=rules.run_figures.output.intervals_pdf,
        transfer_figures=dilemma_transfer_figures,
        simulation=rules.simulation_table.output.tex,
        agreement=rules.agreement.output.tex,
        turn_taking=rules.turn_taking.output.tex,
        published_uncertainty=rules.published_uncertainty.output.macros,
        published_tests=rules.published_uncertainty.output.comparisons_tex,
        published_intervals=rules.published_uncertainty.output.configs_tex,
        published_episodes=rules.published_episodes.output.macros,
        published_paired=rules.published_episodes.output.table_tex,
        factors=[
            rules.factor_analyses.output[key]
            for key in ("tests_tex", "groups_tex", "per_game_tex", "stability_tex")
            + ("correlations_pdf", "tsne_pdf")
        ],
    output:
        pdf=report(
            "results/paper/paper.pdf",
            caption="../report/paper.rst",
            category="Paper",
            labels={"document": "paper"},
        ),
    log:
        latexmk="logs/paper/latexmk.log",
        latex="logs/paper/main.log",
    # TeX Live with latexmk comes from the system (scripts/system-deps.sh), also under conda.
    conda:
        "../../envs/clemgrid.yaml"
    params:
        # \input and \includegraphics paths in the paper are relative to the folder of the
        # macros file, results/analysis.
        analysis=lambda wildcards, input: os.path.dirname(input.macros),
        build=lambda wildcards, output: os.path.join(
            os.path.dirname(output.pdf), "build"
        ),
    script:
        "../scripts/paper.py"
