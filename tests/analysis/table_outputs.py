"""Every table writer of the pipeline run on realistic frames, as {file name: text}.

The texts under ``fixtures/tables/`` were written by this module with the writers as they were
before the renderer (``clemgrid.analysis.render``) replaced them; ``test_table_outputs`` keeps
the outputs byte-identical. Regenerate (only for an intended change of an output) with
``python tests/analysis/table_outputs.py tests/analysis/fixtures/tables``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clemgrid.analysis import (
    agreement,
    latex,
    regression,
    runs,
    simulation,
    tables,
    turn_taking,
)
from clemgrid.analysis.agreement import ConfigKey, Pair
from clemgrid.analysis.characteristics import join_characteristics
from clemgrid.analysis.published import published_matrix
from clemgrid.pipeline import format_table
from clemgrid.scoring import clemscores

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "fixtures" / "tables"
NAN = float("nan")


def _turn(step: int, response: str, instance_id: str = "0", **kwargs: Any) -> dict[str, Any]:
    row = {
        "model": "m",
        "backend": "x",
        "quant": "q",
        "game": "taboo",
        "experiment": "e",
        "instance_id": instance_id,
        "episode_id": int(instance_id),
        "step": step,
        "player": f"player_{step % 2 + 1}",
        "messages": f"messages {step}",
        "rendered_prompt": None,
        "response": response,
        "stop_reason": "end_of_turn",
        "completion_tokens": len(response.split()),
    }
    return {**row, **kwargs}


def _scores(rows: list[tuple[str, int, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"game": "taboo", "experiment": "e", "instance_id": i, "played": p, "quality": q}
            for i, p, q in rows
        ]
    )


def score_table() -> dict[str, str]:
    """``results/scores/clemscore.md``: one config misses a game, one quant has a label."""
    matrix = pd.DataFrame(
        {
            "model": ["llm", "llm", "llm", "bot", "bot"],
            "backend": ["llama_cpp", "llama_cpp", "transformers", "scripted", "scripted"],
            "quant": ["F16", "F16", "Q4_1", "none", "none"],
            "game": ["taboo", "wordle", "taboo", "taboo", "wordle"],
            "pct_played": [50.0, 0.0, 100.0, 100.0, 100.0],
            "quality": [33.333, NAN, 12.5, 100.0, 66.6666],
        }
    )
    scores = pd.DataFrame(
        {
            "model": ["llm", "llm", "bot"],
            "backend": ["llama_cpp", "transformers", "scripted"],
            "quant": ["F16", "Q4_1", "none"],
            "clemscore": [8.333, 12.5, 83.3333],
            "avg_pct_played": [25.0, 100.0, 100.0],
            "avg_quality": [33.333, 12.5, 83.3333],
        }
    )
    labels = {"llm": {"F16": "F16 (from Q4_1)"}}
    return {"clemscore.md": format_table(matrix, scores, labels)}


def agreement_tables() -> dict[str, str]:
    pair = Pair(ConfigKey("m", "x", "q"), ConfigKey("m", "y", "q"))
    a = [
        _turn(0, "CLUE: a red | fruit", rendered_prompt="<|im_start|>system\nhi"),
        _turn(1, "GUESS: apple"),
        _turn(2, "CLUE: sweet"),
        _turn(0, "x", instance_id="1"),
        _turn(1, "y", instance_id="1"),
    ]
    b = [
        _turn(0, "CLUE: a green fruit", rendered_prompt="<|im_start|>user\nhi"),
        _turn(1, "GUESS: pear", messages="other"),
        _turn(2, "CLUE: sweet"),
        _turn(0, "x", instance_id="1"),
    ]
    report = agreement.compare(
        pair,
        pd.DataFrame(a),
        pd.DataFrame(b),
        _scores([("0", 1, 100.0), ("1", 1, 50.0)]),
        _scores([("0", 0, None), ("1", 1, 25.0)]),
        n_resamples=99,
    )
    same = agreement.compare(
        Pair(ConfigKey("m", "x", "q"), ConfigKey("n", "z", "q")),
        pd.DataFrame(a[:1]),
        pd.DataFrame(a[:1]),
        _scores([("0", 1, 100.0)]),
        _scores([("0", 1, 100.0)]),
        n_resamples=99,
    )
    summary = pd.DataFrame([report.summary, same.summary])
    games = pd.concat([report.games, same.games], ignore_index=True)
    return {
        "agreement_differences.md": agreement.differences_markdown(report),
        "agreement_differences_none.md": agreement.differences_markdown(same),
        "agreement_summary.md": agreement.summary_markdown(summary, games),
        "agreement_summary_empty.md": agreement.summary_markdown(summary.iloc[:0], games.iloc[:0]),
        "agreement.tex": agreement.latex_table(summary),
        "agreement_empty.tex": agreement.latex_table(summary.iloc[:0]),
    }


def turn_taking_tables() -> dict[str, str]:
    experiment = turn_taking.Experiment(
        ConfigKey("m", "x", "q"), ConfigKey("m-wrong", "x", "q"), "eot wrong", ("<e>",), ("<t>",)
    )
    right = pd.DataFrame([_turn(0, "CLUE: red"), _turn(1, "GUESS: apple")])
    wrong = pd.DataFrame(
        [_turn(0, "CLUE: red<e>\nuser: GUESS: apple and more text", stop_reason="length")]
    )
    summary = turn_taking.compare(
        experiment, right, wrong, _scores([("0", 1, 100.0)]), _scores([("0", 0, None)])
    )
    other = turn_taking.Experiment(
        ConfigKey("a", "x", "q"), ConfigKey("a-wrong", "x", "q"), "eot wrong", ("<e>",), ("<t>",)
    )
    second = turn_taking.compare(
        other, right, wrong, _scores([("0", 1, 100.0)]), _scores([("0", 1, 50.0)])
    )
    two = pd.concat([summary, second], ignore_index=True)
    return {
        "turn_taking_two.md": turn_taking.summary_markdown(two, []),
        "turn_taking_two.tex": turn_taking.latex_table(two),
        "turn_taking.md": turn_taking.summary_markdown(summary, ["a note"]),
        "turn_taking_empty.md": turn_taking.summary_markdown(turn_taking.empty(), []),
        "turn_taking.tex": turn_taking.latex_table(summary),
    }


def _episodes(model: str, game: str, played: list[int], quality: list[float]) -> pd.DataFrame:
    n = len(played)
    return pd.DataFrame(
        {
            "model": model,
            "backend": "b",
            "quant": "none",
            "game": game,
            "experiment": "e",
            "instance_id": [str(i) for i in range(n)],
            "played": played,
            "quality": quality,
        }
    )


def run_tables() -> dict[str, str]:
    clemscore = pd.DataFrame(
        {
            "model": ["bot", "llm", "llm-wrong"],
            "backend": "b",
            "quant": "none",
            "source": "clemgrid",
            "n_games": 1,
            "avg_pct_played": [100.0, 50.0, 0.0],
            "avg_quality": [100.0, 40.0, NAN],
            "clemscore": [100.0, 20.0, 0.0],
        }
    )
    intervals = clemscore[["model", "backend", "quant", "clemscore"]].assign(
        ci_low=[100.0, 10.0, NAN], ci_high=[100.0, 30.0, NAN], n_boot=200
    )
    scores = clemscore[["model", "backend", "quant", "source"]].assign(
        game="taboo", pct_played=[100.0, 50.0, 0.0], quality=[100.0, 40.0, NAN]
    )
    configs = runs.config_table(scores, intervals, ["bot"], ["llm-wrong"])
    matrix = clemscore[["model", "backend", "quant"]].assign(
        game="taboo",
        n_episodes=4,
        pct_played=[100.0, 50.0, 0.0],
        quality=[100.0, 40.0, NAN],
        quality_std=[0.0, -1.25, NAN],
    )
    games = runs.game_table(matrix, ["bot"], ["llm-wrong"])
    episodes = pd.concat(
        [
            _episodes("llm", "taboo", [1, 1, 0, 1], [100.0, 50.0, np.nan, 0.0]),
            _episodes("llm", "taboo+1shot", [1, 1, 1, 0], [100.0, 100.0, 50.0, np.nan]),
            _episodes("bot", "taboo", [1, 1, 1, 1], [100.0] * 4),
            _episodes("bot", "taboo+1shot", [1, 1, 1, 1], [100.0, 90.0, 100.0, 100.0]),
            _episodes("llm", "wordle", [0, 0], [np.nan, np.nan]),
            _episodes("llm", "wordle+1shot", [1, 0], [50.0, np.nan]),
        ]
    )
    base = {"taboo": "taboo", "taboo+1shot": "taboo", "wordle+1shot": "wordle"}
    shots = runs.shot_comparisons(episodes, base, ["bot"], n_resamples=99)
    comparisons = pd.DataFrame(
        {
            "model": ["llm", "bot"],
            "game": "taboo",
            "config_a": ["llm / b / none", "bot / b / none"],
            "config_b": ["llm / c / Q8_0", "bot / c / none"],
            **{f: [1, 2] for f in runs.PAIRED_FIELDS},
        }
    ).assign(
        mean_quality_diff=[-2.5, NAN],
        permutation_p=[0.0004, NAN],
        mcnemar_p=[0.5, 1.0],
        permutation_min_p=[0.0001, 1.0],
        mcnemar_min_p=[0.03125, 1.0],
    )
    paired = runs.paired_table(comparisons, ["bot"])
    no_shots = runs.shot_comparisons(_episodes("bot", "taboo", [1], [100.0]), {}, ["bot"])
    nan_p = shots.assign(permutation_p=[NAN, 0.0004, 1.0], mcnemar_p=[1.0, NAN, 0.5])
    return {
        "runs_shots_nan_p.md": runs.shots_markdown(nan_p),
        "runs_configs.tex": latex.runs_config_table(configs),
        "runs_games.tex": latex.runs_game_table(games),
        "runs_shots.tex": latex.runs_shot_table(shots),
        "runs_shots_empty.tex": latex.runs_shot_table(no_shots),
        "runs_paired.tex": latex.runs_paired_table(paired),
        "runs_shots.md": runs.shots_markdown(shots),
        "runs_shots_empty.md": runs.shots_markdown(no_shots),
    }


def analysis_tables() -> dict[str, str]:
    fits = pd.DataFrame(
        {
            "formula": ["clemscore ~ np.log10(params_b)", "clemscore ~ x_1"],
            "n": [24, 10],
            "F": [12.345, 0.5],
            "df_model": [1, 1],
            "df_resid": [22, 8],
            "F_p": [0.00019, 0.4],
            "R2": [0.36, 0.05],
            "paper_F": [11.9, NAN],
            "paper_R2": [0.35, NAN],
        }
    )
    coefficients = pd.DataFrame(
        {
            "formula": [fits.formula[0]] * 2 + [fits.formula[1]],
            "term": ["Intercept", "np.log10(params_b)", "x_1"],
            "estimate": [-12.5, 20.25, 0.0001],
            "ci_low": [-30.0, 8.1, -0.5],
            "ci_high": [5.0, 32.4, NAN],
            "p": [0.2, 0.0002, 0.9],
        }
    )
    per_game = pd.DataFrame(
        {
            "game": ["taboo", "taboo", "wordle_withclue"],
            "metric": ["pct_played", "quality", "quality"],
            "n": [24, 20, 18],
            "slope": [10.0, -3.333, NAN],
            "slope_ci_low": [1.0, -9.0, NAN],
            "slope_ci_high": [19.0, 2.0, NAN],
            "slope_p": [0.03, 0.2, NAN],
            "r2": [0.2, 0.05, NAN],
        }
    )
    brackets = pd.DataFrame(
        {
            "bracket": ["<10B", "10-100B", ">100B"],
            "n": [10, 8, 3],
            "mean": [10.5, 25.25, 50.0],
            "std": [5.0, 10.0, NAN],
            "min": [1.0, 10.0, 40.0],
            "max": [20.0, 40.0, 60.0],
        }
    )
    anova = pd.DataFrame(
        {"term": ["C(bracket)", "Residual"], "df": [2.0, 18.0], "F": [8.5, NAN], "p": [0.0025, NAN]}
    )
    tukey = pd.DataFrame(
        {
            "group1": ["10-100B", "10-100B"],
            "group2": ["<10B", ">100B"],
            "meandiff": [-14.75, 24.75],
            "lower": [-25.0, 5.5],
            "upper": [-4.5, 44.0],
            "p_adj": [0.004, 0.0001],
            "reject": [True, False],
        }
    )
    models = pd.DataFrame(
        {
            "model": ["OLS", "mixed", "GAM"],
            "n": [21, 21, 21],
            "n_groups": [NAN, 9, NAN],
            "slope": [20.0, 15.5, NAN],
            "slope_ci_low": [8.0, 2.0, NAN],
            "slope_ci_high": [32.0, 29.0, NAN],
            "icc": [NAN, 0.45, NAN],
            "edf": [2.0, NAN, 3.7],
            "fit_measure": ["R2", "REML log-likelihood", "deviance explained"],
            "fit_value": [0.36, -80.25, 0.5],
        }
    )
    sim_summary = pd.DataFrame(
        {
            "scenario": ["equal skill", "10-point gap"],
            "repetitions": [200.0, 200.0],
            "true_clemscore_a": [42.0, 42.0],
            "true_clemscore_b": [42.0, 32.0],
            "true_gap": [0.0, 10.0],
            "mean_estimate_a": [41.95, 42.1],
            "mean_estimate_b": [42.05, 31.875],
            "ci_coverage": [94.25, NAN],
            "permutation_rejects": [5.5, 80.0],
            "mcnemar_rejects": [4.0, 60.5],
        }
    )
    # Since the study has Monte Carlo SEs, sizes and testable shares (simulation_table only;
    # simulation_summary.tex keeps the old frame's bytes).
    sim_table = sim_summary.assign(
        episodes=[3, 60],
        ci_coverage_se=[1.16, NAN],
        permutation_testable=[0.0, 100.0],
        permutation_rejects_se=[1.61, 2.83],
        mcnemar_testable=[0.0, 100.0],
        mcnemar_rejects_se=[1.39, 3.46],
    )
    return {
        "regression.tex": latex.regression_table(fits, coefficients),
        "per_game.tex": latex.per_game_table(per_game),
        "brackets.tex": latex.bracket_table(brackets, anova),
        "tukey.tex": latex.tukey_table(tukey),
        "models.tex": latex.models_table(models),
        "simulation_table.tex": latex.simulation_table(sim_table),
        "simulation_summary.tex": _simulation_summary(sim_summary),
    }


def _simulation_summary(summary: pd.DataFrame) -> str:
    """``summary.tex`` of ``simulation.run_study``, which wrote it with ``DataFrame.to_latex``
    before ``summary_latex`` existed (how the golden file was made)."""
    write = getattr(simulation, "summary_latex", None)
    if write is None:
        return summary.to_latex(index=False, float_format="%.2f", escape=True)
    return write(summary)


def published_tables() -> dict[str, str]:
    """Paper Tables 1-4 and the size regressions on the published v1.6 data."""
    resources = ROOT / "resources"
    matrix = published_matrix(resources / "clembench_v1.6/clembench_model_scores.csv")
    scores = clemscores(matrix)
    joined, _ = join_characteristics(
        scores,
        resources / "clembench_v1.6/model_characteristics.csv",
        resources / "mapping/model_names.csv",
    )
    results = regression.size_regressions(joined)
    fits = regression.summary(results)
    coefficients = pd.concat(
        [r.coefficients.assign(formula=f, n=r.n) for f, r in results.items()], ignore_index=True
    )
    per_game = regression.per_game_regressions(matrix, results[regression.PARAMS].frame)
    out = {
        "published_regression.tex": latex.regression_table(fits, coefficients),
        "published_per_game.tex": latex.per_game_table(per_game),
    }
    for number in tables.SPECS:
        built = tables.build(scores, number)
        out[f"paper_table{number}.tex"] = tables.latex(built, floating=False)
        out[f"paper_table{number}_float.tex"] = tables.latex(
            built, caption=f"Table {number} & more", label=f"tab:t{number}"
        )
    return out


def render_all() -> dict[str, str]:
    return {
        **score_table(),
        **agreement_tables(),
        **turn_taking_tables(),
        **run_tables(),
        **analysis_tables(),
        **published_tables(),
    }


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, text in render_all().items():
        (out / name).write_bytes(text.encode("utf-8"))
