localrules:
    paper,


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
                "runs",
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
        profiles=rules.figures.output.profiles_pdf,
        size_figure=rules.figures.output.size_pdf,
        all_profiles_1=rules.figures.output.all_profiles_1_pdf,
        all_profiles_2=rules.figures.output.all_profiles_2_pdf,
        all_profiles_3=rules.figures.output.all_profiles_3_pdf,
        brackets_figure=rules.figures.output.brackets_pdf,
        dynamics=rules.figures.output.dynamics_pdf,
        run_configs=rules.run_tables.output.configs_tex,
        run_games=rules.run_tables.output.games_tex,
        run_shots=rules.run_tables.output.shots_tex,
        run_paired=rules.run_tables.output.paired_tex,
        run_profiles=rules.run_figures.output.profiles_pdf,
        run_intervals=rules.run_figures.output.intervals_pdf,
        simulation=rules.simulation_table.output.tex,
        agreement=rules.agreement.output.tex,
        turn_taking=rules.turn_taking.output.tex,
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
