# Analyses of the published clembench v1.6 data (Bhavsar et al., 2024): the score file and model
# characteristics in resources/clembench_v1.6/, re-analysed as the paper does. No play job feeds
# these rules.


localrules:
    published_matrix,
    characteristics_join,
    paper_tables,
    regressions,
    size_statistics,
    published_figures,
    published_uncertainty,


rule published_matrix:
    input:
        # Files of the repository: found from any working directory.
        scores=workflow.source_path(
            "../../resources/clembench_v1.6/clembench_model_scores.csv"
        ),
    output:
        matrix="results/analysis/published/matrix.parquet",
        clemscore="results/analysis/published/clemscore.parquet",
        recomputed=report(
            "results/analysis/published/recomputed.csv",
            caption="../report/recomputed.rst",
            category="Published v1.6 data",
            subcategory="Import",
            labels={"table": "recomputed clemscores"},
        ),
    log:
        "logs/published_matrix/published_matrix.log",
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/published_matrix.py"


rule characteristics_join:
    input:
        clemscore=rules.published_matrix.output.clemscore,
        characteristics=workflow.source_path(
            "../../resources/clembench_v1.6/model_characteristics.csv"
        ),
        mapping=workflow.source_path("../../resources/mapping/model_names.csv"),
    output:
        joined="results/analysis/published/joined.parquet",
        dropped=report(
            "results/analysis/published/dropped.csv",
            caption="../report/dropped.rst",
            category="Published v1.6 data",
            subcategory="Import",
            labels={"table": "dropped by the join"},
        ),
    log:
        "logs/characteristics_join/characteristics_join.log",
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/characteristics_join.py"


rule paper_tables:
    input:
        clemscore=rules.published_matrix.output.clemscore,
        # Rows the score file lacks: the leaderboard's, and Table 4's tuning data.
        leaderboard=workflow.source_path("../../resources/clembench_v1.6/results.csv"),
        joined=rules.characteristics_join.output.joined,
    output:
        csv=report(
            "results/analysis/tables/table{number}.csv",
            caption="../report/paper_table.rst",
            category="Published v1.6 data",
            subcategory="Paper tables",
            labels={"table": "Table {number}"},
        ),
        tex="results/analysis/tables/table{number}.tex",
    log:
        "logs/paper_tables/table{number}.log",
    wildcard_constraints:
        number="[1-4]",
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/paper_tables.py"


rule regressions:
    input:
        joined=rules.characteristics_join.output.joined,
        matrix=rules.published_matrix.output.matrix,
    output:
        fits=report(
            "results/analysis/regression/fits.csv",
            caption="../report/regression.rst",
            category="Published v1.6 data",
            subcategory="Size regressions",
            labels={"table": "fits"},
        ),
        coefficients=report(
            "results/analysis/regression/coefficients.csv",
            caption="../report/regression.rst",
            category="Published v1.6 data",
            subcategory="Size regressions",
            labels={"table": "coefficients"},
        ),
        frame="results/analysis/regression/frame.csv",
        per_game=report(
            "results/analysis/regression/per_game.csv",
            caption="../report/per_game.rst",
            category="Published v1.6 data",
            subcategory="Size regressions",
            labels={"table": "per game"},
        ),
        tex="results/analysis/regression/regressions.tex",
        per_game_tex="results/analysis/regression/per_game.tex",
    log:
        "logs/regressions/regressions.log",
    conda:
        "../../envs/clemgrid.yaml"
    script:
        "../scripts/regressions.py"


rule size_statistics:
    input:
        joined=rules.characteristics_join.output.joined,
        matrix=rules.published_matrix.output.matrix,
    output:
        frame="results/analysis/size_statistics/frame.csv",
        brackets=report(
            "results/analysis/size_statistics/brackets.csv",
            caption="../report/size_statistics.rst",
            category="Published v1.6 data",
            subcategory="Size statistics",
            labels={"table": "size brackets"},
        ),
        anova="results/analysis/size_statistics/anova.csv",
        tukey=report(
            "results/analysis/size_statistics/tukey.csv",
            caption="../report/size_statistics.rst",
            category="Published v1.6 data",
            subcategory="Size statistics",
            labels={"table": "Tukey HSD"},
        ),
        models=report(
            "results/analysis/size_statistics/models.csv",
            caption="../report/size_statistics.rst",
            category="Published v1.6 data",
            subcategory="Size statistics",
            labels={"table": "mixed model, GAM, GAMM"},
        ),
        coefficients="results/analysis/size_statistics/coefficients.csv",
        curves="results/analysis/size_statistics/curves.csv",
        tsne="results/analysis/size_statistics/tsne.csv",
        brackets_tex="results/analysis/size_statistics/brackets.tex",
        tukey_tex="results/analysis/size_statistics/tukey.tex",
        models_tex="results/analysis/size_statistics/models.tex",
        tsne_pdf="results/analysis/figures/tsne.pdf",
        tsne_png=report(
            "results/analysis/figures/tsne.png",
            caption="../report/tsne.rst",
            category="Published v1.6 data",
            subcategory="Figures",
            labels={"figure": "t-SNE of score profiles"},
        ),
        smooth_pdf="results/analysis/figures/smooth.pdf",
        smooth_png=report(
            "results/analysis/figures/smooth.png",
            caption="../report/smooth.rst",
            category="Published v1.6 data",
            subcategory="Figures",
            labels={"figure": "GAM and GAMM"},
        ),
    log:
        "logs/size_statistics/size_statistics.log",
    benchmark:
        "benchmarks/size_statistics/size_statistics.tsv"
    conda:
        "../../envs/clemgrid.yaml"
    params:
        settings=config["published"]["size_statistics"],
    script:
        "../scripts/size_statistics.py"


rule published_figures:
    input:
        matrix=rules.published_matrix.output.matrix,
        clemscore=rules.published_matrix.output.clemscore,
        joined=rules.characteristics_join.output.joined,
    output:
        profiles_pdf="results/analysis/figures/profiles.pdf",
        profiles_png=report(
            "results/analysis/figures/profiles.png",
            caption="../report/profiles.rst",
            category="Published v1.6 data",
            subcategory="Figures",
            labels={"figure": "Figure 2: three profiles"},
        ),
        size_pdf="results/analysis/figures/size.pdf",
        size_png=report(
            "results/analysis/figures/size.png",
            caption="../report/size.rst",
            category="Published v1.6 data",
            subcategory="Figures",
            labels={"figure": "Figure 3: score vs size"},
        ),
        # Figure 4 in three parts (by clemscore), one page each in print.
        all_profiles_1_pdf="results/analysis/figures/all_profiles_1.pdf",
        all_profiles_1_png=report(
            "results/analysis/figures/all_profiles_1.png",
            caption="../report/all_profiles.rst",
            category="Published v1.6 data",
            subcategory="Figures",
            labels={"figure": "Figure 4: all profiles (1)"},
        ),
        all_profiles_2_pdf="results/analysis/figures/all_profiles_2.pdf",
        all_profiles_2_png=report(
            "results/analysis/figures/all_profiles_2.png",
            caption="../report/all_profiles.rst",
            category="Published v1.6 data",
            subcategory="Figures",
            labels={"figure": "Figure 4: all profiles (2)"},
        ),
        all_profiles_3_pdf="results/analysis/figures/all_profiles_3.pdf",
        all_profiles_3_png=report(
            "results/analysis/figures/all_profiles_3.png",
            caption="../report/all_profiles.rst",
            category="Published v1.6 data",
            subcategory="Figures",
            labels={"figure": "Figure 4: all profiles (3)"},
        ),
        brackets_pdf="results/analysis/figures/brackets.pdf",
        brackets_png=report(
            "results/analysis/figures/brackets.png",
            caption="../report/brackets.rst",
            category="Published v1.6 data",
            subcategory="Figures",
            labels={"figure": "Figure 5: size brackets"},
        ),
        dynamics_pdf="results/analysis/figures/dynamics.pdf",
        dynamics_png=report(
            "results/analysis/figures/dynamics.png",
            caption="../report/dynamics.rst",
            category="Published v1.6 data",
            subcategory="Figures",
            labels={"figure": "Figure 6: dynamics"},
        ),
    log:
        "logs/published_figures/published_figures.log",
    benchmark:
        "benchmarks/published_figures/published_figures.tsv"
    conda:
        "../../envs/clemgrid.yaml"
    params:
        profile_models=config["published"]["profile_models"],
    script:
        "../scripts/published_figures.py"


# Uncertainty of the published numbers (clemgrid.analysis.published_uncertainty): intervals
# from the summaries and episode counts, tests of the route and quantisation comparisons, and
# the check of the summary-based intervals against the episodes of the fidelity fixtures.
rule published_uncertainty:
    input:
        matrix=rules.published_matrix.output.matrix,
        # The fidelity fixtures' index file; the episodes are in the folder beside it.
        fixture_sources=workflow.source_path("../../tests/fidelity/sources.json"),
    output:
        games="results/analysis/published_uncertainty/games.csv",
        clemscores="results/analysis/published_uncertainty/clemscores.csv",
        comparisons=report(
            "results/analysis/published_uncertainty/comparisons.csv",
            caption="../report/published_uncertainty.rst",
            category="Published v1.6 data",
            subcategory="Uncertainty",
            labels={"table": "route and quantisation tests"},
        ),
        game_tests="results/analysis/published_uncertainty/game_tests.csv",
        agreement="results/analysis/published_uncertainty/agreement.csv",
        comparisons_tex="results/analysis/published_uncertainty/comparisons.tex",
        configs_tex="results/analysis/published_uncertainty/configs.tex",
        macros="results/analysis/published_uncertainty/macros.tex",
    log:
        "logs/published_uncertainty/published_uncertainty.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        bootstrap=config["bootstrap"],
        # The fixtures' folder in the repository (source_path copies files, not folders).
        fixtures=os.path.join(workflow.basedir, "tests", "fidelity", "fixtures"),
    script:
        "../scripts/published_uncertainty.py"


# The per-episode scores clembench-runs publishes for the route and quantisation runs
# (clemgrid.analysis.published_episodes): the import checked against the score file, paired
# tests where both configs of a comparison have episodes, and the summary-based intervals
# checked against the episode bootstrap of every such config.
rule published_episodes:
    input:
        scores=workflow.source_path(
            "../../resources/clembench_v1.6/clembench_model_scores.csv"
        ),
        episodes=[
            workflow.source_path(f"../../resources/clembench_v1.6/episodes/{run}.csv")
            for run in ("quantized", "backends")
        ],
        matrix=rules.published_matrix.output.matrix,
        routes_table=expand(rules.paper_tables.output.csv, number="2"),
    output:
        reconciled="results/analysis/published_episodes/reconciled.csv",
        paired=report(
            "results/analysis/published_episodes/paired.csv",
            caption="../report/published_episodes.rst",
            category="Published v1.6 data",
            subcategory="Uncertainty",
            labels={"table": "paired route and quantisation tests"},
        ),
        games="results/analysis/published_episodes/paired_games.csv",
        agreement="results/analysis/published_episodes/agreement.csv",
        table_tex="results/analysis/published_episodes/paired.tex",
        macros="results/analysis/published_episodes/macros.tex",
    log:
        "logs/published_episodes/published_episodes.log",
    conda:
        "../../envs/clemgrid.yaml"
    params:
        bootstrap=config["bootstrap"],
    script:
        "../scripts/published_episodes.py"


# Issue 16.2: how the size slope moves with the subset (rule variants, leave-one-out, estimated
# sizes, open weights, all models, top bracket) and tests beside the bracket ANOVA and the
# smooth curves (analysis.size_sensitivity).
rule size_sensitivity:
    input:
        joined=rules.characteristics_join.output.joined,
        mapping=workflow.source_path("../../resources/mapping/model_names.csv"),
    output:
        table=report(
            "results/analysis/size_sensitivity/sensitivity.csv",
            caption="../report/size_sensitivity.rst",
            category="Published v1.6 data",
            subcategory="Size statistics",
            labels={"table": "size slope sensitivity"},
        ),
        tests=report(
            "results/analysis/size_sensitivity/tests.csv",
            caption="../report/size_sensitivity.rst",
            category="Published v1.6 data",
            subcategory="Size statistics",
            labels={"table": "robustness tests"},
        ),
        table_tex="results/analysis/size_sensitivity/sensitivity.tex",
        tests_tex="results/analysis/size_sensitivity/tests.tex",
    log:
        "logs/size_sensitivity/size_sensitivity.log",
    localrule: True
    conda:
        "../../envs/clemgrid.yaml"
    params:
        settings=config["published"]["size_statistics"],
    script:
        "../scripts/size_sensitivity.py"


# Seed 003's factor programme (clemgrid.analysis.factor_analyses, factor_maps): tests by
# tuning, architecture family, commercial and multilingual flags, per-game analyses, the game x
# game correlations and t-SNE over several perplexities and seeds; the tests are replicated on
# clembench's results.csv.
localrules:
    factor_analyses,


rule factor_analyses:
    input:
        clemscore=rules.published_matrix.output.clemscore,
        matrix=rules.published_matrix.output.matrix,
        characteristics=workflow.source_path(
            "../../resources/clembench_v1.6/model_characteristics.csv"
        ),
        mapping=workflow.source_path("../../resources/mapping/model_names.csv"),
        results=workflow.source_path("../../resources/clembench_v1.6/results.csv"),
        results_mapping=workflow.source_path(
            "../../resources/mapping/results_names.csv"
        ),
    output:
        data="results/analysis/factors/data.csv",
        settings="results/analysis/factors/settings.csv",
        groups="results/analysis/factors/groups.csv",
        tests=report(
            "results/analysis/factors/tests.csv",
            caption="../report/factors.rst",
            category="Published v1.6 data",
            subcategory="Factors",
            labels={"table": "factor tests"},
        ),
        pairwise="results/analysis/factors/pairwise.csv",
        size="results/analysis/factors/size.csv",
        per_game_size="results/analysis/factors/per_game_size.csv",
        per_game_factors="results/analysis/factors/per_game_factors.csv",
        correlations="results/analysis/factors/correlations.csv",
        dropped="results/analysis/factors/dropped.csv",
        tsne="results/analysis/factors/tsne.csv",
        stability="results/analysis/factors/stability.csv",
        tests_tex="results/analysis/factors/tests.tex",
        groups_tex="results/analysis/factors/groups.tex",
        per_game_tex="results/analysis/factors/per_game.tex",
        stability_tex="results/analysis/factors/stability.tex",
        correlations_pdf="results/analysis/figures/correlations.pdf",
        correlations_png=report(
            "results/analysis/figures/correlations.png",
            caption="../report/factors.rst",
            category="Published v1.6 data",
            subcategory="Factors",
            labels={"figure": "game x game correlations"},
        ),
        tsne_pdf="results/analysis/figures/tsne_grid.pdf",
        tsne_png=report(
            "results/analysis/figures/tsne_grid.png",
            caption="../report/factors.rst",
            category="Published v1.6 data",
            subcategory="Factors",
            labels={"figure": "t-SNE grid"},
        ),
    log:
        "logs/factor_analyses/factor_analyses.log",
    benchmark:
        "benchmarks/factor_analyses/factor_analyses.tsv"
    conda:
        "../../envs/clemgrid.yaml"
    params:
        settings=config["published"]["factors"],
    script:
        "../scripts/factor_analyses.py"
