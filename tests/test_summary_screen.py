"""`clemgrid summary`: the screen fits 100 columns, compares configs over common games, and
copes with a run's optional outputs being absent."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clemgrid import cli, summary_screen
from clemgrid.analysis import runs
from clemgrid.analysis.uncertainty import bootstrap_clemscore, clemscore_intervals
from clemgrid.scoring import clemscores, game_scores

LLM = "SmolLM2-135M-Instruct"
ZERO = ["imagegame", "referencegame", "taboo"]


def episodes_of(model, backend, quant, game, n=6, seed=0):
    """`n` episodes (two experiments) of one config and game with seeded outcomes."""
    rng = np.random.default_rng([seed, len(model), len(game), len(backend)])
    played = rng.random(n) < 0.8
    quality = np.where(played, rng.choice([0.0, 50.0, 100.0], n), np.nan)
    return pd.DataFrame(
        {
            "model": model,
            "backend": backend,
            "quant": quant,
            "game": game,
            "experiment": [f"e{i % 2}" for i in range(n)],
            "instance_id": [str(i) for i in range(n)],
            "episode_id": range(n),
            "played": played.astype(int),
            "quality": quality,
        }
    )


def write_run(root: Path, plays: dict[tuple[str, str, str], list[str]], optional=True) -> Path:
    """A results tree as the pipeline writes it: episode scores and the matrix, and with
    `optional` the bootstrap intervals and the run tables (configs, shots)."""
    results = root / "results"
    frames = []
    for (model, backend, quant), games in plays.items():
        for game in games:
            frame = episodes_of(model, backend, quant, game)
            path = results / "scores" / model / backend / quant / f"{game}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.to_parquet(path)
            frames.append(frame)
    episodes = pd.concat(frames, ignore_index=True)
    matrix = game_scores(episodes)
    matrix.to_parquet(results / "scores" / "matrix.parquet")
    clemscores(matrix).to_parquet(results / "scores" / "clemscore.parquet")
    if optional:
        synthetic = sorted({m for m in episodes.model if m.startswith("synthetic")})
        (results / "analysis" / "runs").mkdir(parents=True)
        base = {g: g.split("+")[0] for g in episodes.game.unique()}
        # As the pipeline: intervals over the common zero-shot games, the configs table over
        # the same (workflow/scripts/clemscore_intervals.py, run_tables.py).
        common = runs.zero_shot(episodes.game.unique(), base)
        intervals = clemscore_intervals(episodes[episodes.game.isin(common)], n_boot=200)
        configs = runs.config_table(matrix, intervals.assign(n_boot=200), synthetic, (), base)
        configs.to_csv(results / summary_screen.CONFIGS, index=False)
        shots = runs.shot_comparisons(episodes, base, synthetic, n_resamples=99)
        shots.to_csv(results / summary_screen.SHOTS, index=False)
    return results


DEFAULT_GRID = {
    (LLM, "llama_cpp", "Q4_1"): [*ZERO, "taboo+1shot", "imagegame+1shot"],
    (LLM, "transformers", "Q4_1"): ZERO,
    ("synthetic-strong", "scripted", "none"): [*ZERO, "taboo+1shot"],
    (LLM, "transformers", "Q8_0"): ["referencegame", "taboo"],
}


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def test_screen_fits_100_columns_whatever_the_names(tmp_path):
    long = "a-model-name-" + "x" * 90
    plays = {
        **DEFAULT_GRID,
        (long, "a-backend-with-a-very-long-name-indeed", "Q4_K_M-imatrix-long"): ZERO,
    }
    text = summary_screen.render(summary_screen.load(write_run(tmp_path, plays)))
    assert max(map(len, lines_of(text))) <= summary_screen.WIDTH
    assert "a-model-name-xxx" in text and "SmolLM2-135M-Instruct " in text and "…" in text
    assert "name cut to fit 100 columns" in text


def test_configs_compared_over_their_zero_shot_games(tmp_path):
    run = summary_screen.load(write_run(tmp_path, DEFAULT_GRID))
    rows = {row.config: row for row in summary_screen.config_rows(run, n_boot=200)}
    llama = rows[(LLM, "llama_cpp", "Q4_1")]
    assert llama.games == tuple(ZERO)  # the few-shot variants are left out
    zero = run.matrix[(run.matrix.backend == "llama_cpp") & run.matrix.game.isin(ZERO)]
    assert llama.clemscore == pytest.approx(clemscores(zero).clemscore.iloc[0])
    # Every config's row is the pipeline's (configs.csv: over its zero-shot games, the
    # interval bootstrapped over the same), also where it played few-shot variants too.
    assert run.configs is not None
    for config, row in rows.items():
        pipeline = summary_screen.rows_of(run.configs, config).iloc[0]
        assert row.clemscore == pipeline.clemscore
        assert row.ci == (pipeline.ci_low, pipeline.ci_high)
        assert row.pct_played == pipeline.avg_pct_played

    groups = summary_screen.group_rows(rows.values(), run.synthetic)
    assert [g[0].games for g in groups] == [tuple(ZERO), ("referencegame", "taboo")]
    assert [r.config[0] for r in groups[0]] == [LLM, LLM, "synthetic-strong"]  # LLMs first
    refs = summary_screen.reference_rows(run, groups, n_boot=200)
    assert refs[0] == []
    # The first set's language models, rescored over the smaller set's two games.
    assert {r.config for r in refs[1]} == {
        (LLM, "llama_cpp", "Q4_1"),
        (LLM, "transformers", "Q4_1"),
    }
    assert all(r.games == ("referencegame", "taboo") for r in refs[1])
    # No pipeline row over that set: scored here, with the pipeline's resamples.
    llama_two = next(r for r in refs[1] if r.config == (LLM, "llama_cpp", "Q4_1"))
    episodes = run.episodes[
        (run.episodes.backend == "llama_cpp") & run.episodes.game.isin(["referencegame", "taboo"])
    ]
    boot = bootstrap_clemscore(episodes, n_boot=200)
    assert llama_two.ci == (boot["ci_low"], boot["ci_high"])

    text = summary_screen.render(run, n_boot=200)
    assert "over 3 zero-shot games: imagegame, referencegame, taboo" in text
    assert "over 2 zero-shot games: referencegame, taboo" in text
    assert "compare rows within one game set only" in text
    assert "synthetic-strong*" in text and "* synthetic player" in text
    assert "#1 +1shot on 2 games" in text and "; paired tests: 4 not testable" in text
    assert "#3 +1shot on 1 game" in text and "; A/A tests: 2 not testable" in text  # synthetic
    assert "A/A = synthetic player vs itself" in text and "not testable = cannot reach" in text
    assert "clemgrid run: 4 configs x 3 games (+ 2 few-shot variants), 3 instances" in text


def test_a_configs_table_over_other_games_is_not_shown_as_the_zero_shot_score(tmp_path):
    """A configs.csv written before config_table scored the zero-shot games only (its
    n_games counts the variants too): the screen scores the config itself."""
    results = write_run(tmp_path, DEFAULT_GRID)
    configs = pd.read_csv(results / summary_screen.CONFIGS)
    llama = (configs.backend == "llama_cpp").to_numpy()
    configs.loc[llama, ["n_games", "clemscore"]] = [5, 99.0]
    configs.to_csv(results / summary_screen.CONFIGS, index=False)
    run = summary_screen.load(results)
    row = summary_screen.score_over(run, (LLM, "llama_cpp", "Q4_1"), ZERO, n_boot=200)
    zero = run.matrix[(run.matrix.backend == "llama_cpp") & run.matrix.game.isin(ZERO)]
    assert row.clemscore == pytest.approx(clemscores(zero).clemscore.iloc[0]) != 99.0


def test_missing_optional_files(tmp_path, monkeypatch):
    plays = {(LLM, "llama_cpp", "Q4_1"): ZERO, ("synthetic-weak", "scripted", "none"): ZERO}
    results = write_run(tmp_path, plays, optional=False)
    for path in (results / "scores").glob("*/*/*/*.parquet"):
        path.unlink()  # not even the episode scores
    monkeypatch.chdir(tmp_path)
    text = summary_screen.render(summary_screen.load("results"))
    assert "No CI where" in text
    assert "few-shot" not in text.lower()  # the grid has no variants: no such block
    assert "results/paper/paper.pdf  (not built yet)" in text
    assert max(map(len, lines_of(text))) <= summary_screen.WIDTH


def test_synthetic_players_from_the_registry_without_run_tables(tmp_path):
    plays = {(LLM, "llama_cpp", "Q4_1"): ZERO, ("bot", "scripted", "none"): ZERO}
    results = write_run(tmp_path, plays, optional=False)
    models = tmp_path / "models.yaml"
    models.write_text("bot:\n  facts: {synthetic: true}\nSmolLM2-135M-Instruct:\n  facts: {}\n")
    run = summary_screen.load(results, models=models)
    assert run.synthetic == {"bot"}
    assert "bot*" in summary_screen.render(run)


def test_more_configs_than_the_per_game_block_fits(tmp_path, monkeypatch):
    plays = {(f"model-{i:02d}", "scripted", "none"): ZERO for i in range(12)}
    write_run(tmp_path, plays, optional=False)
    monkeypatch.chdir(tmp_path)
    text = summary_screen.render(summary_screen.load("results"))
    assert "Not shown: #10-#12 in results/analysis/runs/games.csv" in text
    assert max(map(len, lines_of(text))) <= summary_screen.WIDTH


def test_missing_required_output_is_named(tmp_path, capsys):
    assert cli.main(["summary", "--results", str(tmp_path / "results")]) == 2
    error = capsys.readouterr().err
    assert f"{tmp_path}/results/scores/matrix.parquet not found" in error
    assert "make run" in error
    with pytest.raises(summary_screen.MissingOutput):
        summary_screen.load(tmp_path)


def test_cli_prints_the_screen(tmp_path, capsys):
    results = write_run(tmp_path, DEFAULT_GRID)
    assert cli.main(["summary", "--results", str(results)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("clemgrid run:") and "Next:" in out


def test_a_config_that_played_only_variants_is_scored_over_them(tmp_path):
    plays = {(LLM, "llama_cpp", "Q4_1"): ZERO, ("bot", "scripted", "none"): ["taboo+1shot"]}
    text = summary_screen.render(summary_screen.load(write_run(tmp_path, plays)))
    assert "over 1 game: taboo+1shot" in text
    assert max(map(len, lines_of(text))) <= summary_screen.WIDTH


def test_built_quants_are_named_by_their_registry_label(tmp_path):
    plays = {(LLM, "llama_cpp", "Q4_1"): ZERO, (LLM, "llama_cpp", "F16"): ZERO}
    results = write_run(tmp_path, plays)
    models = tmp_path / "models.yaml"
    models.write_text(
        f"{LLM}:\n  weights:\n    Q4_1: {{package_file: x.gguf}}\n"
        "    F16: {derive: {from: Q4_1, type: F16}}\n"
    )
    run = summary_screen.load(results, models=models)
    assert run.quant_labels == {(LLM, "F16"): "F16 derived from Q4_1"}
    assert f"F16 of {LLM}: F16 derived from Q4_1" in summary_screen.render(run)


def test_few_shot_tests_condensed_with_testability_and_aa():
    def tests(p, min_p, comparison=runs.FEW_SHOT):
        frame = pd.DataFrame(
            {
                "comparison": comparison,
                "permutation_p": p,
                "permutation_min_p": min_p,
                "mcnemar_p": p,
                "mcnemar_min_p": min_p,
            }
        )
        return runs.with_testability(frame)

    both = tests([0.01, 0.5], [0.001, 0.001])
    assert summary_screen._tests_text(both) == "; paired tests: 2 of 4 p < 0.05"
    some = tests([0.01, 1.0], [0.001, 0.25])
    assert summary_screen._tests_text(some) == "; paired tests: 2 of 2 p < 0.05, 2 not testable"
    aa = tests([0.01], [0.001], runs.AA_CHECK)
    assert summary_screen._tests_text(aa) == "; A/A tests: 2 of 2 p < 0.05"
    assert summary_screen._tests_text(aa.iloc[:0]) == ""
