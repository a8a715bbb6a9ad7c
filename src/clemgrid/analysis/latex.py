"""LaTeX renderings (booktabs ``tabular`` only, no float) of the analysis results.

The paper wraps each table in its own ``table`` float with caption and label, so these
functions return the bare ``tabular``; what a reader needs to interpret a number (n, the
subset, the interval level) is in the table itself or in the paper's caption. Every string
from the data is escaped; missing numbers print as ``--``.
"""

from __future__ import annotations

import pandas as pd

from clemgrid.analysis import render, settings
from clemgrid.analysis.render import tabular as tabular  # the booktabs shape, re-exported

MISSING = render.MISSING["latex"]
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def escape(text: object) -> str:
    """``text`` as LaTeX text: the special characters escaped (and ``<``, ``>``, which only
    some font encodings print as such)."""
    return "".join(_SPECIAL.get(c, c) for c in str(text))


_missing = render.is_missing


def number(value: object, digits: int = 2) -> str:
    """Fixed-point number with a typographic minus; ``--`` when missing."""
    if _missing(value):
        return MISSING
    text = f"{float(value):.{digits}f}"
    if text.startswith("-") and float(text) != 0:
        return "$-$" + text[1:]
    return text.lstrip("-")


def integer(value: object) -> str:
    return MISSING if _missing(value) else str(int(value))


def p_value(p: object) -> str:
    """A p-value to three decimals, ``<0.001`` below that."""
    if _missing(p):
        return MISSING
    return "$<$0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def p_relation(p: object) -> str:
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


def regression_table(fits: pd.DataFrame, coefficients: pd.DataFrame) -> str:
    """One block per fit: its coefficients with 95 % CIs and p, and on its first row n, F with
    its degrees of freedom, the F test's p, R² and the paper's F and R²."""
    header = [
        "Fit",
        "Term",
        "Estimate",
        ci_header(),
        "$p$",
        "$n$",
        "$F$ (df)",
        "$p(F)$",
        "$R^2$",
        "Paper $F$, $R^2$",
    ]
    rows, breaks = [], []
    for i, fit in enumerate(fits.itertuples(index=False), start=1):
        breaks.append(len(rows))
        terms = coefficients[coefficients["formula"] == fit.formula]
        for j, t in enumerate(terms.itertuples(index=False)):
            first = j == 0
            paper = (
                f"{number(fit.paper_F)}, {number(fit.paper_R2)}"
                if not _missing(fit.paper_F)
                else MISSING
            )
            rows.append(
                [
                    f"({i})" if first else "",
                    term(t.term),
                    number(t.estimate),
                    interval(t.ci_low, t.ci_high),
                    p_value(t.p),
                    integer(fit.n) if first else "",
                    f"{number(fit.F)} ({integer(fit.df_model)}, {integer(fit.df_resid)})"
                    if first
                    else "",
                    p_value(fit.F_p) if first else "",
                    number(fit.R2) if first else "",
                    paper if first else "",
                ]
            )
    return tabular(header, rows, "llrlrrlrrl", breaks)


def per_game_table(per_game: pd.DataFrame) -> str:
    """Slope of each game's %played and quality on log10 parameters."""
    header = ["Game", "Metric", "$n$", "Slope", ci_header(), "$p$", "$R^2$"]
    metrics = {"pct_played": "\\% played", "quality": "quality"}
    rows, breaks = [], []
    for game, part in per_game.groupby("game", sort=False):
        breaks.append(len(rows))
        for j, r in enumerate(part.itertuples(index=False)):
            rows.append(
                [
                    escape(game) if j == 0 else "",
                    metrics.get(r.metric, escape(r.metric)),
                    integer(r.n),
                    number(r.slope),
                    interval(r.slope_ci_low, r.slope_ci_high),
                    p_value(r.slope_p),
                    number(r.r2),
                ]
            )
    return tabular(header, rows, "llrrlrr", breaks)


# --- seed 003 -----------------------------------------------------------------------------


def bracket_table(summary: pd.DataFrame, anova: pd.DataFrame) -> str:
    """Clemscore per size bracket (n, mean, sd, range) and the one-way ANOVA below it."""
    header = ["Bracket", "$n$", "Mean", "SD", "Min", "Max"]
    rows = [
        [
            escape(r.bracket),
            integer(r.n),
            number(r.mean),
            number(r.std),
            number(r.min),
            number(r.max),
        ]
        for r in summary.itertuples(index=False)
    ]
    between = anova[anova["term"] != "Residual"].iloc[0]
    within = anova[anova["term"] == "Residual"].iloc[0]
    test = (
        f"One-way ANOVA: $F({integer(between['df'])}, {integer(within['df'])})"
        f" = {number(between['F'])}$, {p_relation(between['p'])}"
    )
    return tabular(header, rows, "lrrrrr", footer=[test])


def tukey_table(tukey: pd.DataFrame) -> str:
    header = [
        "Bracket 1",
        "Bracket 2",
        "Difference",
        ci_header(),
        "$p_{\\mathrm{adj}}$",
        "Reject",
    ]
    rows = [
        [
            escape(r.group1),
            escape(r.group2),
            number(r.meandiff),
            interval(r.lower, r.upper),
            p_value(r.p_adj),
            "yes" if r.reject else "no",
        ]
        for r in tukey.itertuples(index=False)
    ]
    return tabular(header, rows, "llrlrl")


FIT_MEASURES = {
    "R2": "$R^2$",
    "REML log-likelihood": "REML log-lik.",
    "deviance explained": "dev.\\ explained",
}


def models_table(models: pd.DataFrame) -> str:
    """One row per model of clemscore on size (OLS, mixed, GAM, GAMM): n, groups, slope with CI,
    ICC, effective df and the fit statistic each reports."""
    header = ["Model", "$n$", "Groups", "Slope", ci_header(), "ICC", "edf", "Fit"]
    rows = [
        [
            escape(r.model),
            integer(r.n),
            integer(r.n_groups),
            number(r.slope),
            interval(r.slope_ci_low, r.slope_ci_high),
            number(r.icc),
            number(r.edf),
            f"{FIT_MEASURES.get(r.fit_measure, escape(r.fit_measure))} = {number(r.fit_value)}",
        ]
        for r in models.itertuples(index=False)
    ]
    return tabular(header, rows, "lrrrlrrl")


def simulation_table(summary: pd.DataFrame) -> str:
    """The simulation study's summary: per scenario the two players' true and mean estimated
    clemscores, CI coverage and the rejection rates of both paired tests (percent)."""
    header = [
        "Scenario",
        "Runs",
        "True A",
        "True B",
        "Mean est.\\ A",
        "Mean est.\\ B",
        "CI coverage",
        "Perm.\\ rejects",
        "McNemar rejects",
    ]
    rows = [
        [
            escape(r.scenario),
            integer(r.repetitions),
            number(r.true_clemscore_a),
            number(r.true_clemscore_b),
            number(r.mean_estimate_a),
            number(r.mean_estimate_b),
            number(r.ci_coverage, 1),
            number(r.permutation_rejects, 1),
            number(r.mcnemar_rejects, 1),
        ]
        for r in summary.itertuples(index=False)
    ]
    return tabular(header, rows, "lrrrrrrrr")


# --- our runs -------------------------------------------------------------------------------


def _config_cells(r: object) -> list[str]:
    """Model, backend, quant and player; a deliberately misconfigured entry (its label ends in
    "[misconfigured]", see runs.label_players) says so in the player column."""
    player = r.player
    if str(getattr(r, "label", "")).endswith("[misconfigured]"):
        player += ", misconfigured"
    return [escape(r.model), escape(r.backend), escape(r.quant), escape(player)]


def runs_config_table(table: pd.DataFrame) -> str:
    """Our configs: clemscore with its bootstrap 95 % interval, average %played and quality."""
    header = [
        "Model",
        "Backend",
        "Quant",
        "Player",
        "Clemscore",
        ci_header(),
        "\\% played",
        "Quality",
    ]
    rows = [
        [
            *_config_cells(r),
            number(r.clemscore),
            interval(r.ci_low, r.ci_high),
            number(r.avg_pct_played),
            number(r.avg_quality),
        ]
        for r in table.itertuples(index=False)
    ]
    return tabular(header, rows, "llllrlrr", _blocks(table["player"]))


def runs_game_table(table: pd.DataFrame) -> str:
    """Our configs per game: episodes, %played, quality (mean and SD over played episodes)."""
    header = [
        "Model",
        "Backend",
        "Quant",
        "Player",
        "Game",
        "Episodes",
        "\\% played",
        "Quality",
        "SD",
    ]
    rows = [
        [
            *_config_cells(r),
            escape(r.game),
            integer(r.n_episodes),
            number(r.pct_played),
            number(r.quality),
            number(r.quality_std),
        ]
        for r in table.itertuples(index=False)
    ]
    return tabular(header, rows, "lllllrrrr", _blocks(table["player"]))


def runs_shot_table(table: pd.DataFrame) -> str:
    """Zero- vs few-shot: the same config on a game and on its k-shot variant, paired by instance."""
    header = [
        "Model",
        "Backend",
        "Quant",
        "Player",
        "Variant",
        "\\% played (0 / $k$)",
        "Quality (0 / $k$)",
        "$\\Delta$ quality",
        "$p_{\\mathrm{perm}}$",
        "$p_{\\mathrm{McN}}$",
    ]
    rows = [
        [
            *_config_cells(r),
            escape(r.variant),
            f"{number(r.pct_played_base)} / {number(r.pct_played_variant)}",
            f"{number(r.quality_base)} / {number(r.quality_variant)}",
            number(r.mean_quality_diff),
            p_value(r.permutation_p),
            p_value(r.mcnemar_p),
        ]
        for r in table.itertuples(index=False)
    ]
    return tabular(header, rows, "lllllrrrrr", _blocks(table["player"]) if len(table) else ())


def runs_paired_table(table: pd.DataFrame) -> str:
    """Paired tests between configs of one model on the same instances (backend/quant effects)."""
    header = [
        "Model",
        "Player",
        "Game",
        "Config A",
        "Config B",
        "Pairs",
        "$\\Delta$ quality",
        "$p_{\\mathrm{perm}}$",
        "A/B only played",
        "$p_{\\mathrm{McN}}$",
    ]
    rows = [
        [
            escape(r.model),
            escape(r.player),
            escape(r.game),
            escape(r.config_a),
            escape(r.config_b),
            integer(r.n_pairs),
            number(r.mean_quality_diff),
            p_value(r.permutation_p),
            f"{integer(r.played_a_only)} / {integer(r.played_b_only)}",
            p_value(r.mcnemar_p),
        ]
        for r in table.itertuples(index=False)
    ]
    return tabular(header, rows, "lllllrrrrr")


def _blocks(player: pd.Series) -> list[int]:
    """Row indices where the player kind changes (a rule between models and synthetic ones)."""
    values = player.tolist()
    return [i for i in range(1, len(values)) if values[i] != values[i - 1]]
