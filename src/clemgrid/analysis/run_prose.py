"""Sentences of the own-runs section that state a result, written from the numbers.

A sentence typed into the paper ("0 of 21 tests reject", "coverage is close to nominal") stays
true only for the data it was written for. Each function here returns one LaTeX sentence (or
"") whose wording follows the numbers and their condition: whether a test can reach alpha at
its sample size at all, whether a rate differs from its target by more than its Monte Carlo
error, whether a config sits at the floor of the scale. :func:`macros.runs_macros` and
:func:`macros.simulation_macros` put them into macros, and a test feeds altered data.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from clemgrid.analysis import latex, settings

SYNTHETIC = "synthetic"
TESTS = ("permutation", "mcnemar")
NAMES = {"permutation": "permutation", "mcnemar": "McNemar"}


def _alpha() -> str:
    return f"$\\alpha = {settings.ALPHA:g}$"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def absent_experiments(ran: dict[str, bool]) -> str:
    """The experiments of ``config/experiments.yaml`` this build did not run, named once (their
    subsections are left out rather than shown empty); "" where all ran."""
    absent = [name for name, done in ran.items() if not done]
    if not absent:
        return ""
    return (
        f"This build did not run {latex.series(absent)} (\\texttt{{make experiments}}, "
        "\\texttt{config/experiments.yaml}); "
        f"{'its subsection is' if len(absent) == 1 else 'their subsections are'} left out."
    )


def common_games(configs: pd.DataFrame, games: Iterable[str]) -> str:
    """Which games the clemscores average, and which configs miss some of them."""
    games = sorted(games)
    text = (
        f"Clemscores are compared over one game set only, the {_count(len(games), 'zero-shot game')}"
        f" of this grid ({latex.escape(', '.join(games))}); a configuration's few-shot variants"
        " get a clemscore of their own (column $k$-shot), since averaging them in would compare"
        " configurations over different games."
    )
    incomplete = configs[~configs["complete"].astype(bool)]
    if len(incomplete):
        verb = "is" if len(incomplete) == 1 else "are"
        text += (
            f" {_count(len(incomplete), 'configuration')} played only some of these games"
            f" (marked $^\\dagger$) and {verb} not ranked."
        )
    return text


def floor(configs: pd.DataFrame, games: pd.DataFrame) -> str:
    """Floor effects among the language-model configurations: a clemscore of 0 cannot rank."""
    models = configs[(configs["player"] != SYNTHETIC) & configs["complete"].astype(bool)]
    if models.empty:
        return ""
    zero = models[models["clemscore"] == 0]
    cells = games[games["player"] != SYNTHETIC]
    unplayed = int((cells["pct_played"] == 0).sum())
    played = (
        f" In {unplayed} of their {len(cells)} game runs no episode was played to the end."
        if unplayed
        else ""
    )
    if len(zero) == 0:
        low = models["clemscore"].min()
        return (
            "No language-model configuration sits at the floor of the scale; the lowest "
            f"clemscore is {latex.number(low)}." + played
        )
    who = (
        f"All {_count(len(models), 'language-model configuration')}"
        if len(zero) == len(models)
        else f"{len(zero)} of the {_count(len(models), 'language-model configuration')}"
    )
    return (
        f"{who} score 0, the floor of the scale (a floor effect): there the clemscore cannot"
        " rank configurations, and an interval that cannot go below 0 says little about how"
        " uncertain the score is." + played
    )


def top(configs: pd.DataFrame) -> str:
    """The best ranked language-model configuration and whether its interval separates it from
    the runner-up; nothing where every one scores 0."""
    models = configs[(configs["player"] != SYNTHETIC) & configs["complete"].astype(bool)]
    models = models.sort_values("clemscore", ascending=False, kind="stable")
    if models.empty or (models["clemscore"] == 0).all():
        return ""  # nothing to rank: the floor sentence says so
    best = models.iloc[0]
    text = (
        f"The best ranked language-model configuration, {latex.escape(best['label'])}, reaches a"
        f" clemscore of {latex.number(best['clemscore'])} ({settings.percent()}\\,\\% CI"
        f" {latex.number(best['ci_low'])} to {latex.number(best['ci_high'])})"
    )
    if len(models) == 1:
        return text + "; it is the only one."
    second = models.iloc[1]
    if best["clemscore"] == second["clemscore"]:
        return text + f", tied with {latex.escape(second['label'])}."
    apart = best["ci_low"] > second["ci_high"]
    return text + (
        f"; its interval lies above that of the runner-up, {latex.escape(second['label'])}."
        if apart
        else f"; its interval overlaps that of the runner-up, {latex.escape(second['label'])}"
        f" ({latex.number(second['clemscore'])}), so the order of the two is not established."
    )


def tests(table: pd.DataFrame, what: str) -> str:
    """Testable and rejecting tests of a table of paired comparisons; where none is testable,
    why (the largest sample and the smallest p-value any of them could reach)."""
    n = len(table)
    if n == 0:
        return ""
    testable = {t: int(table[f"{t}_testable"].astype(bool).sum()) for t in TESTS}
    if not any(testable.values()):
        reach = {t: latex.number(table[f"{t}_min_p"].min(), 3) for t in TESTS}
        return (
            f"None of the {_count(n, what)} is testable at its sample size: with at most"
            f" {_count(int(table['n_pairs'].max()), 'instance pair')}, the smallest p-value the"
            f" permutation test can reach is {reach['permutation']} and McNemar's test's"
            f" {reach['mcnemar']}, not below {_alpha()}, so no data could make them reject and"
            " we make no test decision."
        )
    rejected = {
        t: int((table[f"{t}_testable"].astype(bool) & (table[f"{t}_p"] < settings.ALPHA)).sum())
        for t in TESTS
    }
    parts = [
        f"{testable[t]} {NAMES[t]} tests are testable at their sample size (their smallest"
        f" attainable p-value is below {_alpha()}), and {rejected[t]} of them reject equality"
        if t == "permutation"
        else f"{testable[t]} {NAMES[t]} tests are testable, and {rejected[t]} of them reject"
        for t in TESTS
    ]
    return (
        f"Of the {_count(n, what)}, {parts[0]}; {parts[1]}. The others could not reject at any"
        " data and are marked n.t."
    )


def shots(table: pd.DataFrame) -> str:
    """What the few-shot prompt did for language models, with its tests, and what the
    synthetic players' rows are: A/A checks."""
    if table.empty:
        return ""
    models = table[table["player"] != SYNTHETIC]
    checks = table[table["player"] == SYNTHETIC]
    out = []
    if len(models):
        delta = (models["pct_played_variant"] - models["pct_played_base"]).mean()
        change = (
            "leaves \\% played unchanged on average"
            if delta == 0
            else f"{'raises' if delta > 0 else 'lowers'} \\% played by"
            f" {latex.number(abs(delta), 1)} points on average"
        )
        out.append(
            f"Over the {_count(len(models), 'comparison')} of language-model configurations,"
            f" the few-shot prompt {change}. " + tests(models, "few-shot comparison")
        )
    if len(checks):
        out.append(
            f"The {_count(len(checks), 'row')} of synthetic players are A/A checks, not"
            " few-shot effects: a synthetic player's skill does not depend on the prompt, so"
            " its few-shot variant is the same player and a rejection would be a false"
            " positive. " + tests(checks, "A/A check")
        )
    return " ".join(out)


def _versus(value: float, target: float, runs: int) -> str:
    """How a simulated rate (percent over ``runs`` independent runs) compares with its target:
    within two Monte Carlo SEs of the target rate, sqrt(t (1 - t) / runs), or not. The SE at
    the target, not the estimated one, which is 0 for a rate of 0 or 100 % in few runs."""
    t = target / 100
    if abs(value - target) <= 2 * 100 * (t * (1 - t) / runs) ** 0.5:
        return "within two Monte Carlo standard errors of"
    return "above" if value > target else "below"


def simulation(summary: pd.DataFrame, episodes: int, gap: float) -> str:
    """The study at one size (``episodes`` per player and run): coverage against the nominal
    level, the false-positive rate against alpha, and the power, or that the tests cannot
    reject at this size at all."""
    rows = summary[summary["episodes"] == episodes]
    null = rows[rows["true_gap"] == 0]
    diff = rows[rows["true_gap"] != 0]
    if null.empty or diff.empty:
        return ""
    null, diff = null.iloc[0], diff.iloc[0]
    nominal = 100 * settings.LEVEL

    def pct(row: pd.Series, name: str) -> str:
        return f"{latex.number(row[name], 1)}\\,\\% (SE {latex.number(row[f'{name}_se'], 1)})"

    text = (
        f"With {_count(episodes, 'episode')} per player, the intervals cover the true clemscore"
        f" in {pct(null, 'ci_coverage')} of the runs with equal players, "
        f"{_versus(null['ci_coverage'], nominal, 2 * int(null['repetitions']))} the nominal"
        f" {settings.percent()}\\,\\%."
    )
    testable = [t for t in TESTS if null[f"{t}_testable"] > 0 or diff[f"{t}_testable"] > 0]
    if not testable:
        return text + (
            f" Neither paired test can reach {_alpha()} at this size in any run, so both never"
            f" reject, with or without a {latex.number(gap, 0)}-point gap: at this number of"
            " episodes the grid's tests cannot detect a difference."
        )
    for t in testable:
        alpha = 100 * settings.ALPHA
        keeps = _versus(null[f"{t}_rejects"], alpha, int(null["repetitions"]))
        text += (
            f" The {NAMES[t]} test rejects equal players in {pct(null, f'{t}_rejects')},"
            f" {keeps} its nominal {latex.number(alpha, 0)}\\,\\%, and detects the"
            f" {latex.number(gap, 0)}-point gap in {pct(diff, f'{t}_rejects')} of the runs."
        )
    return text
