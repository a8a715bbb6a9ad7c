"""LaTeX cell formats (numbers, p-values, intervals) and the column specs of the analysis
tables, rendered by :mod:`clemgrid.analysis.render` as bare booktabs tabulars (no float).

The paper wraps each table in its own ``table`` float with caption and label, so these
functions return the bare ``tabular``; what a reader needs to interpret a number (n, the
subset, the interval level) is in the table itself or in the paper's caption. Every string
from the data is escaped; missing numbers print as ``--``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Literal

import pandas as pd

from clemgrid.analysis import render, settings
from clemgrid.analysis.render import Column
from clemgrid.analysis.render import escape as escape  # re-exported: callers say latex.escape
from clemgrid.analysis.render import tabular as tabular  # the booktabs shape, re-exported

MISSING = render.MISSING["latex"]
_missing = render.is_missing


def number(value: Any, digits: int = 2) -> str:
    """Fixed-point number with a typographic minus; ``--`` when missing."""
    if _missing(value):
        return MISSING
    text = f"{float(value):.{digits}f}"
    if text.startswith("-") and float(text) != 0:
        return "$-$" + text[1:]
    return text.lstrip("-")


def series(items: Iterable[str], word: str = "and") -> str:
    """``a, b and c`` (``word`` before the last item); ``none`` for no items."""
    items = list(items)
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def breakable(text: object) -> str:
    """``text`` escaped, with a permitted line break after each slash, hyphen and underscore:
    config labels and file names have no spaces, and a typewriter font does not hyphenate."""
    return re.sub(r"(/|-|\\_)", r"\1\\allowbreak{}", escape(text))


def integer(value: Any) -> str:
    return MISSING if _missing(value) else str(int(value))


def p_value(p: Any) -> str:
    """A p-value to three decimals, ``<0.001`` below that."""
    if _missing(p):
        return MISSING
    return "$<$0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def p_relation(p: Any) -> str:
    """A p-value with its relation, in math: ``$p = 0.012$`` or ``$p < 0.001$``."""
    if _missing(p):
        return MISSING
    return "$p < 0.001$" if float(p) < 0.001 else f"$p = {float(p):.3f}$"


def ci_header() -> str:
    """The header of an interval column: its level (:data:`settings.LEVEL`) in percent."""
    return f"{settings.percent()}\\,\\% CI"


def interval(low: object, high: object, digits: int = 2) -> str:
    if _missing(low) or _missing(high):
        return MISSING
    return f"[{number(low, digits)}, {number(high, digits)}]"


# --- size regressions ---------------------------------------------------------------------

TERMS = {
    "Intercept": "intercept",
    "np.log10(params_b)": r"$\log_{10}$ parameters (B)",
    "np.log10(tokens_t)": r"$\log_{10}$ training tokens (T)",
    "log10_params": r"$\log_{10}$ parameters (B)",
}


def term(name: str) -> str:
    return TERMS.get(name, escape(name))


def _text(key: str | Callable[[Any], Any], header: str) -> Column:
    return Column(key, header=header, format=escape)


def _number(key: str, header: str, digits: int = 2) -> Column:
    return Column(key, header=header, format=lambda v: number(v, digits), align="r")


def _integer(key: str, header: str) -> Column:
    return Column(key, header=header, format=integer, align="r")


def _p(key: str, header: str = "$p$") -> Column:
    return Column(key, header=header, format=p_value, align="r")


def _interval(low: str, high: str) -> Column:
    """The interval of ``low`` and ``high`` (missing if either is)."""
    return _raw(ci_header(), lambda r: interval(getattr(r, low), getattr(r, high)))


def _raw(header: str, text: Callable[[Any], str], align: Literal["l", "r"] = "l") -> Column:
    """A cell the function writes as LaTeX itself."""
    return Column(text, header=header, format=str, align=align, missing=False)


def _first(text: Callable[[Any], str]) -> Callable[[Any], str]:
    """``text`` on the first row of a block (``r.first``), blank below it."""
    return lambda r: text(r) if r.first else ""


def _blocks_of(frame: pd.DataFrame, by: str) -> tuple[pd.DataFrame, list[int]]:
    """``frame`` with ``first`` marking the first row of each run of equal ``by``, and the
    indices of those rows (where a block's rule goes)."""
    values = frame[by].tolist()
    first = [i == 0 or values[i] != values[i - 1] for i in range(len(values))]
    return frame.assign(first=first), [i for i, f in enumerate(first) if f]


def regression_table(fits: pd.DataFrame, coefficients: pd.DataFrame) -> str:
    """One block per fit: its coefficients with CIs and p, and on its first row n, F with
    its degrees of freedom, the F test's p, R² and the paper's F and R²."""
    fit_fields = ["formula", "n", "F", "df_model", "df_resid", "F_p", "R2", "paper_F", "paper_R2"]
    fits = fits[fit_fields].assign(fit=[f"({i})" for i in range(1, len(fits) + 1)])
    terms = coefficients[["formula", "term", "estimate", "ci_low", "ci_high", "p"]]
    terms = terms.merge(fits, on="formula", how="inner", sort=False)
    order = {formula: i for i, formula in enumerate(fits["formula"])}
    terms = terms.sort_values("formula", key=lambda f: f.map(order), kind="stable")
    terms, breaks = _blocks_of(terms.reset_index(drop=True), "formula")

    def paper(r: Any) -> str:
        return MISSING if _missing(r.paper_F) else f"{number(r.paper_F)}, {number(r.paper_R2)}"

    columns = [
        _raw("Fit", _first(lambda r: r.fit)),
        _raw("Term", lambda r: term(r.term)),
        _number("estimate", "Estimate"),
        _interval("ci_low", "ci_high"),
        _p("p"),
        _raw("$n$", _first(lambda r: integer(r.n)), "r"),
        _raw(
            "$F$ (df)",
            _first(lambda r: f"{number(r.F)} ({integer(r.df_model)}, {integer(r.df_resid)})"),
        ),
        _raw("$p(F)$", _first(lambda r: p_value(r.F_p)), "r"),
        _raw("$R^2$", _first(lambda r: number(r.R2)), "r"),
        _raw("Paper $F$, $R^2$", _first(paper)),
    ]
    return render.latex(terms, columns, breaks)


def per_game_table(per_game: pd.DataFrame) -> str:
    """Slope of each game's %played and quality on log10 parameters."""
    metrics = {"pct_played": "\\% played", "quality": "quality"}
    order = {game: i for i, game in enumerate(dict.fromkeys(per_game["game"]))}
    rows = per_game.sort_values("game", key=lambda g: g.map(order), kind="stable")
    rows, breaks = _blocks_of(rows.reset_index(drop=True), "game")
    columns = [
        _raw("Game", _first(lambda r: escape(r.game))),
        _raw("Metric", lambda r: metrics.get(r.metric, escape(r.metric))),
        _integer("n", "$n$"),
        _number("slope", "Slope"),
        _interval("slope_ci_low", "slope_ci_high"),
        _p("slope_p"),
        _number("r2", "$R^2$"),
    ]
    return render.latex(rows, columns, breaks)


# --- seed 003 -----------------------------------------------------------------------------


def bracket_table(summary: pd.DataFrame, anova: pd.DataFrame) -> str:
    """Clemscore per size bracket (n, mean, sd, range) and the one-way ANOVA below it."""
    columns = [
        _text("bracket", "Bracket"),
        _integer("n", "$n$"),
        _number("mean", "Mean"),
        _number("std", "SD"),
        _number("min", "Min"),
        _number("max", "Max"),
    ]
    between = anova[anova["term"] != "Residual"].iloc[0]
    within = anova[anova["term"] == "Residual"].iloc[0]
    test = (
        f"One-way ANOVA: $F({integer(between['df'])}, {integer(within['df'])})"
        f" = {number(between['F'])}$, {p_relation(between['p'])}"
    )
    return render.latex(summary, columns, footer=[test])


def tukey_table(tukey: pd.DataFrame) -> str:
    columns = [
        _text("group1", "Bracket 1"),
        _text("group2", "Bracket 2"),
        _number("meandiff", "Difference"),
        _interval("lower", "upper"),
        _p("p_adj", "$p_{\\mathrm{adj}}$"),
        _raw("Reject", lambda r: "yes" if r.reject else "no"),
    ]
    return render.latex(tukey, columns)


FIT_MEASURES = {
    "R2": "$R^2$",
    "REML log-likelihood": "REML log-lik.",
    "deviance explained": "dev.\\ explained",
}


def models_table(models: pd.DataFrame) -> str:
    """One row per model of clemscore on size (OLS, mixed, GAM, GAMM): n, groups, slope with CI,
    ICC, effective df and the fit statistic each reports."""

    def fit(r: Any) -> str:
        measure = FIT_MEASURES.get(r.fit_measure, escape(r.fit_measure))
        return f"{measure} = {number(r.fit_value)}"

    columns = [
        _text("model", "Model"),
        _integer("n", "$n$"),
        _integer("n_groups", "Groups"),
        _number("slope", "Slope"),
        _interval("slope_ci_low", "slope_ci_high"),
        _number("icc", "ICC"),
        _number("edf", "edf"),
        _raw("Fit", fit),
    ]
    return render.latex(models, columns)


def _rate(name: str, test: str | None = None) -> Callable[[Any], str]:
    """A simulated rate in percent with its Monte Carlo SE in parentheses; ``n.t.`` for a test
    that could not reach alpha in any repetition (its 0 % says nothing about the method)."""

    def cell(r: Any) -> str:
        if test is not None and getattr(r, f"{test}_testable") == 0:
            return "n.t."
        if _missing(getattr(r, name)):
            return MISSING
        return f"{number(getattr(r, name), 1)}\\,({number(getattr(r, f'{name}_se'), 1)})"

    return cell


def simulation_table(summary: pd.DataFrame) -> str:
    """The simulation study's summary: per scenario and size the two players' true and mean
    estimated clemscores, CI coverage and the rejection rates of both paired tests (percent,
    Monte Carlo SE in parentheses)."""
    columns = [
        _text("scenario", "Scenario"),
        _integer("episodes", "Episodes"),
        _integer("repetitions", "Runs"),
        _number("true_clemscore_a", "Expected A"),
        _number("true_clemscore_b", "Expected B"),
        _number("mean_estimate_a", "Mean est.\\ A"),
        _number("mean_estimate_b", "Mean est.\\ B"),
        _raw("CI coverage", _rate("ci_coverage"), "r"),
        _raw("Perm.\\ rejects", _rate("permutation_rejects", "permutation"), "r"),
        _raw("McNemar rejects", _rate("mcnemar_rejects", "mcnemar"), "r"),
    ]
    return render.latex(summary, columns)


# --- our runs -------------------------------------------------------------------------------


def _player(r: Any) -> str:
    """The player; a deliberately misconfigured entry (its label ends in "[misconfigured]",
    see runs.label_players) says so."""
    misconfigured = str(getattr(r, "label", "")).endswith("[misconfigured]")
    return escape(r.player + ", misconfigured" if misconfigured else r.player)


CONFIG_COLUMNS = [
    _text("model", "Model"),
    _text("backend", "Backend"),
    _text("quant", "Quant"),
    _raw("Player", _player),
]


def _config_cells(r: Any) -> list[str]:
    """Model, backend, quant and player of a row as the run tables print them."""
    return [c.cell(r, "latex") for c in CONFIG_COLUMNS]


def _games(r: Any) -> str:
    """Zero-shot games a config played, daggered where that is not the whole common set (its
    clemscore is then not compared with the others)."""
    return f"{integer(r.n_games)}" + ("" if r.complete else "$^\\dagger$")


def runs_config_table(table: pd.DataFrame) -> str:
    """Our configs over the common (zero-shot) game set: clemscore with its bootstrap
    interval, average %played and quality; the few-shot variants' clemscore apart."""
    columns = [
        *CONFIG_COLUMNS,
        _raw("Games", _games, "r"),
        _number("clemscore", "Clemscore"),
        _interval("ci_low", "ci_high"),
        _number("avg_pct_played", "\\% played"),
        _number("avg_quality", "Quality"),
        _number("clemscore_kshot", "$k$-shot"),
    ]
    return render.latex(table, columns, _blocks(table["player"]))


def runs_game_table(table: pd.DataFrame) -> str:
    """Our configs per game: episodes, %played, quality (mean and SD over played episodes)."""
    columns = [
        *CONFIG_COLUMNS,
        _text("game", "Game"),
        _integer("n_episodes", "Episodes"),
        _number("pct_played", "\\% played"),
        _number("quality", "Quality"),
        _number("quality_std", "SD"),
    ]
    return render.latex(table, columns, _blocks(table["player"]))


def _pair(a: str, b: str, format: Callable[[Any], str] = number) -> Callable[[Any], str]:
    return lambda r: f"{format(getattr(r, a))} / {format(getattr(r, b))}"


def tested_p(test: str) -> Callable[[Any], str]:
    """A test's p-value, or ``n.t.`` with its smallest attainable p-value where that is not
    below alpha (not testable at this n: p = 1 would read as evidence of no difference)."""

    def cell(r: Any) -> str:
        if not getattr(r, f"{test}_testable"):
            return f"n.t.\\,({p_value(getattr(r, f'{test}_min_p'))})"
        return p_value(getattr(r, f"{test}_p"))

    return cell


def runs_shot_table(table: pd.DataFrame) -> str:
    """Zero- vs few-shot: the same config on a game and on its k-shot variant, paired by
    instance; a synthetic player's rows are A/A checks (its skill ignores the prompt)."""
    columns = [
        *CONFIG_COLUMNS,
        _text("variant", "Variant"),
        _text("comparison", "Compares"),
        _raw("\\% played (0 / $k$)", _pair("pct_played_base", "pct_played_variant"), "r"),
        _raw("Quality (0 / $k$)", _pair("quality_base", "quality_variant"), "r"),
        _number("mean_quality_diff", "$\\Delta$ quality"),
        _raw("$p_{\\mathrm{perm}}$", tested_p("permutation"), "r"),
        _raw("$p_{\\mathrm{McN}}$", tested_p("mcnemar"), "r"),
    ]
    return render.latex(table, columns, _blocks(table["player"]) if len(table) else ())


def runs_paired_table(table: pd.DataFrame) -> str:
    """Paired tests between configs of one model on the same instances (backend/quant effects)."""
    columns = [
        _text("model", "Model"),
        _text("player", "Player"),
        _text("game", "Game"),
        _text("config_a", "Config A"),
        _text("config_b", "Config B"),
        _integer("n_pairs", "Pairs"),
        _number("mean_quality_diff", "$\\Delta$ quality"),
        _raw("$p_{\\mathrm{perm}}$", tested_p("permutation"), "r"),
        _raw("A/B only played", _pair("played_a_only", "played_b_only", integer), "r"),
        _raw("$p_{\\mathrm{McN}}$", tested_p("mcnemar"), "r"),
    ]
    return render.latex(table, columns)


def _blocks(player: pd.Series) -> list[int]:
    """Row indices where the player kind changes (a rule between models and synthetic ones)."""
    values = player.tolist()
    return [i for i in range(1, len(values)) if values[i] != values[i - 1]]
