"""Checks of the uncertainty methods by simulation with synthetic taboo players of known skill.

A synthetic player (clemgrid.backends.scripted) answers each request independently: a format
violation with probability f, else a good move with probability g, else a useless valid move.
In taboo a turn then succeeds with s = ((1-f) g)^2 (both moves good), continues with
c = (1-f)^2 (1 - g^2) and aborts otherwise, over at most 3 turns, and quality is 100 / turn of
success. So the expected clemscore is known exactly: 100 s (1 + c/2 + c^2/3). Repeated runs
with fresh seeds show how often the bootstrap CI covers it and how often the paired tests reject.

The study runs at two sizes: the grid's own (the first ``per_experiment`` instances of each
experiment, as the pipeline plays them) and clembench's full instance set, because a method that
works at 60 episodes need not at 3. Every rate comes with its Monte Carlo standard error,
sqrt(r (1 - r) / R) over R independent repetitions, so that "95 % coverage" can be told from
noise; and each test's share of repetitions in which it could reach alpha at all is reported.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import pandas as pd

from clemgrid.analysis import render, settings
from clemgrid.analysis.render import Column, escape
from clemgrid.analysis.uncertainty import bootstrap_clemscore, paired_tests
from clemgrid.backends.base import GenerationParams
from clemgrid.backends.scripted import ScriptedBackend
from clemgrid.engine import play
from clemgrid.games.base import Instance
from clemgrid.games.registry import GAMES

TABOO = GAMES["taboo"]


def true_taboo_clemscore(format_error_rate: float, good_move_rate: float) -> float:
    f, g = format_error_rate, good_move_rate
    s = ((1 - f) * g) ** 2
    c = (1 - f) ** 2 * (1 - g**2)
    return 100 * s * (1 + c / 2 + c**2 / 3)


def good_rate_for(target: float, format_error_rate: float) -> float:
    """The good-move rate whose expected taboo clemscore is `target` (bisection; it is monotone)."""
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (
            (mid, high) if true_taboo_clemscore(format_error_rate, mid) < target else (low, mid)
        )
    return (low + high) / 2


def play_synthetic(skill: dict[str, float], instances: Sequence[Instance]) -> pd.DataFrame:
    """One run: every instance played once; returns one row per episode."""
    backend = ScriptedBackend(TABOO, {"synthetic": skill})
    keys = {"model": "synthetic", "backend": "scripted", "quant": "none"}
    turns = pd.DataFrame(play(TABOO, instances, backend, GenerationParams(), keys).turns)
    by_id = {(i.experiment, i.instance_id): i for i in instances}
    rows = []
    for (experiment, instance_id), episode in turns.groupby(
        ["experiment", "instance_id"], sort=False
    ):
        score = TABOO.score(by_id[(experiment, instance_id)], episode.to_dict("records"))
        rows.append(
            {
                "game": TABOO.name,
                "experiment": experiment,
                "instance_id": instance_id,
                "played": score.played,
                "quality": score.quality,
            }
        )
    return pd.DataFrame(rows)


@cache
def _taboo_instances(per_experiment: int | None = None) -> list[Instance]:
    """Taboo's instances, or the first ``per_experiment`` of each experiment (the pipeline's
    choice, :func:`clemgrid.pipeline.read_instances`)."""
    taken: dict[str, int] = {}
    chosen = []
    for instance in TABOO.load_instances():
        if per_experiment is not None and taken.get(instance.experiment, 0) >= per_experiment:
            continue
        taken[instance.experiment] = taken.get(instance.experiment, 0) + 1
        chosen.append(instance)
    return chosen


Task = tuple[str, dict[str, float], dict[str, float], int, int, int, int | None]


def _repetition(task: Task) -> dict[str, object]:
    """One repetition of a scenario: both players on every instance, CIs and paired tests.
    Seeded by the repetition number alone, so that it is the same in any worker process."""
    name, skill_a, skill_b, rep, n_boot, n_resamples, per_experiment = task
    instances = _taboo_instances(per_experiment)
    truth = {
        side: true_taboo_clemscore(s["format_error_rate"], s["good_move_rate"])
        for side, s in (("a", skill_a), ("b", skill_b))
    }
    a = play_synthetic({**skill_a, "seed": 2 * rep}, instances)
    b = play_synthetic({**skill_b, "seed": 2 * rep + 1}, instances)
    ci = {
        side: bootstrap_clemscore(frame, n_boot=n_boot, seed=rep)
        for side, frame in (("a", a), ("b", b))
    }
    test = paired_tests(a, b, n_resamples=n_resamples, seed=rep)
    return {
        "scenario": name,
        "episodes": len(instances),
        "repetition": rep,
        **{f"true_{side}": truth[side] for side in "ab"},
        **{f"clemscore_{side}": ci[side]["clemscore"] for side in "ab"},
        **{
            f"covered_{side}": ci[side]["ci_low"] <= truth[side] <= ci[side]["ci_high"]
            for side in "ab"
        },
        "permutation_p": test.permutation_p,
        "permutation_min_p": test.permutation_min_p,
        "mcnemar_p": test.mcnemar_p,
        "mcnemar_min_p": test.mcnemar_min_p,
    }


def rate(hits: pd.Series) -> tuple[float, float]:
    """A share of independent repetitions in percent, with its Monte Carlo standard error."""
    r, n = float(hits.mean()), len(hits)
    return 100 * r, 100 * (r * (1 - r) / n) ** 0.5


def _summarise(r: pd.DataFrame, alpha: float) -> pd.Series:
    """One scenario at one size: truths, mean estimates, and every rate with its MC SE
    (coverage pools both players, which are independent)."""
    out: dict[str, float] = {
        "repetitions": len(r),
        "true_clemscore_a": r["true_a"].iloc[0],
        "true_clemscore_b": r["true_b"].iloc[0],
        "true_gap": r["true_a"].iloc[0] - r["true_b"].iloc[0],
        "mean_estimate_a": r["clemscore_a"].mean(),
        "mean_estimate_b": r["clemscore_b"].mean(),
    }
    out["ci_coverage"], out["ci_coverage_se"] = rate(pd.concat([r["covered_a"], r["covered_b"]]))
    for test in ("permutation", "mcnemar"):
        out[f"{test}_testable"], _ = rate(r[f"{test}_min_p"] < alpha)
        out[f"{test}_rejects"], out[f"{test}_rejects_se"] = rate(r[f"{test}_p"] < alpha)
    return pd.Series(out)


def simulate(
    scenarios: dict[str, tuple[dict[str, float], dict[str, float]]],
    repetitions: int,
    n_boot: int = 1000,
    n_resamples: int = 2000,
    alpha: float | None = None,
    workers: int = 1,
    sizes: Sequence[int | None] = (None,),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-repetition results, summary table). Each scenario is a pair of skills (f, g) without
    seeds, played at every size of ``sizes`` (instances per experiment, None: all). Repetitions
    are independent, so `workers` processes share them; the results are the same for any
    number of workers (tested). Tests reject at ``alpha`` (default :data:`settings.ALPHA`)."""
    alpha = settings.ALPHA if alpha is None else alpha
    tasks = [
        (name, skill_a, skill_b, rep, n_boot, n_resamples, size)
        for size in sizes
        for name, (skill_a, skill_b) in scenarios.items()
        for rep in range(repetitions)
    ]
    workers = min(workers, len(os.sched_getaffinity(0)))  # the CPUs this job may use
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            runs = list(pool.map(_repetition, tasks, chunksize=max(1, len(tasks) // (4 * workers))))
    else:
        runs = [_repetition(task) for task in tasks]
    runs = pd.DataFrame(runs)
    summary = (
        runs.groupby(["episodes", "scenario"], sort=False)
        .apply(lambda r: _summarise(r, alpha), include_groups=False)
        .reset_index()
    )
    summary["repetitions"] = summary["repetitions"].astype(int)
    return runs, summary[["scenario", *summary.columns.drop("scenario")]]


def run_study(
    study: dict,
    bootstrap: dict,
    runs_out: str | Path,
    summary_out: str | Path,
    table_out: str | Path,
    workers: int = 1,
) -> pd.DataFrame:
    """The pipeline's study: equal players (false positives) and a `gap`-point gap (power),
    at the grid's size (``study["per_experiment"]``, the grid's instances per experiment) and
    at the full instance set (once only where the grid plays the full set)."""
    from clemgrid import records

    f, g = study["format_error_rate"], study["good_move_rate"]
    strong = {"format_error_rate": f, "good_move_rate": g}
    target = true_taboo_clemscore(f, g) - study["gap"]
    weaker = {"format_error_rate": f, "good_move_rate": good_rate_for(target, f)}
    runs, summary = simulate(
        {"equal skill": (strong, strong), f"{study['gap']:g}-point gap": (strong, weaker)},
        repetitions=study["repetitions"],
        n_boot=bootstrap["resamples"],
        workers=workers,
        sizes=list(dict.fromkeys([study.get("per_experiment"), None])),
    )
    records.write_frame(runs, runs_out, study=study, bootstrap=bootstrap)
    summary.to_csv(summary_out, index=False, float_format="%.4f")
    Path(table_out).write_text(summary_latex(summary))
    return summary


def summary_latex(summary: pd.DataFrame) -> str:
    """The summary as it is, every column under its escaped name: numbers to two decimals,
    a missing one as ``NaN`` (the spelling of ``DataFrame.to_latex``, which wrote this file)."""

    def number(value: object) -> str:
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    columns = [
        Column(c, header=escape(c), format=number, align="r", missing="NaN")
        if pd.api.types.is_numeric_dtype(summary[c])
        else Column(c, header=escape(c))
        for c in summary.columns
    ]
    return render.latex(summary, columns, empty=None)
