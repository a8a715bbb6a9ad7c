"""Uncertainty of the published clembench v1.6 scores, from the summaries alone.

The score file gives, per config and game, %played, mean quality and its standard deviation but
no episode counts; these follow from the games' v1.6 instance sets (every config played every
instance once, at temperature 0). With n episodes per game and k = round(%played · n / 100)
played ones:

- %played: Wilson score interval of k / n (statsmodels ``proportion_confint``);
- quality: t interval of the mean of the k played episodes (scipy), clipped to [0, 100];
- clemscore: parametric bootstrap with a fixed seed. Each replicate draws k* ~ Binomial(n, k/n)
  and a quality mean ~ Normal(mean, sd / sqrt(k*)) per game (clipped to [0, 100]; no quality
  where k* = 0) and recombines them as clembench does; the interval is the percentile interval.

Comparisons of two configs of the same weights (the paper's route and quantisation tables) test
per game %played with Fisher's exact test and quality with Welch's t test (scipy), and the
clemscore difference by the bootstrap above (independent draws per config; p is the inverted
percentile interval). Holm's method controls the family-wise error within each family (routes,
quantisation) and level (clemscore, per-game tests). The configs played the same instances, but
summaries cannot use the pairing, so these tests are conservative; where both configs have
published episodes, :mod:`published_episodes` tests them paired instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from clemgrid.analysis import settings
from clemgrid.analysis.published import COMMAND_R_PLUS, GAMES, LLAMA3_8B, LLAMA3_70B

KEYS = ["model", "backend", "quant"]
LOCAL = "huggingface-local"
SD_UNKNOWN = 50.0
"""SD used where one played episode leaves it undefined: the largest a score in [0, 100] has."""
NEGLIGIBLE = 5.0
"""Equivalence margin in clemscore points: the paper calls a route effect of about 5 points
notable, so a negligible change must be shown smaller than that (CI inside ±margin)."""


def episodes_per_game(games: Iterable[str] = GAMES) -> dict[str, int]:
    """Episodes per game of one v1.6 run: the size of the game's instance set."""
    from clemgrid.games.registry import GAMES as REGISTRY

    return {game: len(REGISTRY[game].load_instances()) for game in games}


def _episodes(pct_played: float, full: int) -> int:
    """Episodes behind a published %played: the instance-set size, or the largest smaller
    count that reproduces the value to two decimals (a run that lost episodes)."""
    for n in range(full, 0, -1):
        if abs(100 * round(pct_played * n / 100) / n - pct_played) < 0.006:
            return n
    raise ValueError(f"no episode count up to {full} gives {pct_played} % played")


def with_counts(matrix: pd.DataFrame, episodes: Mapping[str, int]) -> pd.DataFrame:
    """``matrix`` with n (episodes), k (played) and ``complete`` (n is the whole instance
    set; else the largest count that reproduces the published %played)."""
    frame = matrix.copy()
    full = frame["game"].map(episodes).astype(int)
    frame["n"] = [_episodes(p, f) for p, f in zip(frame["pct_played"], full, strict=True)]
    frame["k"] = (frame["pct_played"] * frame["n"] / 100).round().astype(int)
    frame["complete"] = frame["n"] == full
    return frame


def _quality_sd(frame: pd.DataFrame) -> pd.Series:
    sd = frame["quality_std"].astype(float)
    return sd.where(sd.notna() | (frame["k"] < 1), SD_UNKNOWN)


def game_intervals(matrix: pd.DataFrame, episodes: Mapping[str, int]) -> pd.DataFrame:
    """Per config and game: Wilson interval of %played and t interval of quality (LEVEL)."""
    frame = with_counts(matrix, episodes)
    alpha = settings.interval_alpha()
    low, high = proportion_confint(frame["k"], frame["n"], alpha=alpha, method="wilson")
    frame["played_low"], frame["played_high"] = 100 * low, 100 * high
    k = frame["k"].to_numpy(dtype=float)
    sd = frame["quality_std"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        q_low, q_high = stats.t.interval(
            settings.LEVEL, df=k - 1, loc=frame["quality"].to_numpy(float), scale=sd / np.sqrt(k)
        )
    testable = (k >= 2) & np.isfinite(sd)
    q_low = np.where(sd == 0, frame["quality"], q_low)
    q_high = np.where(sd == 0, frame["quality"], q_high)
    frame["quality_low"] = np.where(testable, np.clip(q_low, 0, 100), np.nan)
    frame["quality_high"] = np.where(testable, np.clip(q_high, 0, 100), np.nan)
    return frame


def draws(games: pd.DataFrame, reps: int, rng: np.random.Generator) -> np.ndarray:
    """``reps`` parametric-bootstrap clemscores of one config (rows of ``with_counts``)."""
    n = games["n"].to_numpy()
    k = games["k"].to_numpy()
    k_star = rng.binomial(n, k / n, size=(reps, len(n)))
    played = 100 * k_star / n
    quality_mean = games["quality"].to_numpy(float)
    sd = _quality_sd(games).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.nan_to_num(sd) / np.sqrt(k_star)
    noise = rng.standard_normal((reps, len(n)))
    quality = np.clip(quality_mean + noise * np.where(np.isfinite(scale), scale, 0), 0, 100)
    quality = np.where((k_star > 0) & (k > 0), quality, np.nan)
    with np.errstate(invalid="ignore"):
        mean_quality = np.nanmean(quality, axis=1)
    return np.nan_to_num(mean_quality) * played.mean(axis=1) / 100


def _percentile(values: np.ndarray) -> tuple[float, float]:
    tail = 100 * settings.interval_alpha() / 2
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def clemscore_intervals(
    matrix: pd.DataFrame, episodes: Mapping[str, int], reps: int, seed: int
) -> tuple[pd.DataFrame, dict[tuple[str, str, str], np.ndarray]]:
    """Per config: clemscore (clembench's formula, unrounded) with its bootstrap interval, and
    the draws themselves (keyed by model, backend, quant) for the comparisons."""
    frame = with_counts(matrix, episodes)
    rng = np.random.default_rng(seed)
    rows, samples = [], {}
    for key, games in frame.groupby(KEYS, sort=True):
        sample = draws(games, reps, rng)
        samples[key] = sample
        low, high = _percentile(sample)
        score = games["quality"].mean() * games["pct_played"].mean() / 100
        rows.append(
            {
                **dict(zip(KEYS, key, strict=True)),
                "clemscore": 0.0 if np.isnan(score) else score,
                "low": low,
                "high": high,
                "complete": bool(games["complete"].all()),
            }
        )
    return pd.DataFrame(rows), samples


# --- comparisons ----------------------------------------------------------------------------


class Comparison(NamedTuple):
    family: str  # "route" or "quant"
    model: str
    a: tuple[str, str]  # (backend, quant) of the first config
    b: tuple[str, str]  # the reference: difference = a - b


ROUTES_70B = [LOCAL, "groq", "together", "anyscale"]
COMPARISONS = [
    *(
        Comparison("route", LLAMA3_70B, (a, "none"), (b, "none"))
        for b, a in combinations(ROUTES_70B, 2)
    ),
    Comparison("route", LLAMA3_8B, ("anyscale", "none"), (LOCAL, "none")),
    *(
        Comparison("quant", model, ("llama.cpp", quant), (reference, "none"))
        for model, reference in (
            (LLAMA3_8B, LOCAL),
            (COMMAND_R_PLUS, "cohere"),
            (LLAMA3_70B, LOCAL),
        )
        for quant in ("Q8_0", "Q4_K_M")
    ),
]


def min_fisher_p(n_a: int, n_b: int, played: int) -> float:
    """Smallest two-sided Fisher p any table with these margins can give (Tarone): a test
    whose bound is above alpha cannot reject, whatever the data."""
    lowest = max(0, played - n_b)
    highest = min(n_a, played)
    return min(
        stats.fisher_exact([[x, n_a - x], [played - x, n_b - played + x]]).pvalue
        for x in range(lowest, highest + 1)
    )


def _welch(a: pd.Series, b: pd.Series) -> float:
    if a["k"] < 2 or b["k"] < 2:
        return np.nan
    if a["quality_std"] == 0 and b["quality_std"] == 0:
        return 1.0 if a["quality"] == b["quality"] else 0.0
    return float(
        stats.ttest_ind_from_stats(
            a["quality"],
            a["quality_std"],
            a["k"],
            b["quality"],
            b["quality_std"],
            b["k"],
            equal_var=False,
        ).pvalue
    )


def _label(model: str, backend: str, quant: str) -> str:
    return f"{model} / {backend}" + ("" if quant == "none" else f" / {quant}")


def game_tests(matrix: pd.DataFrame, episodes: Mapping[str, int]) -> pd.DataFrame:
    """Per comparison and game: Fisher on %played, Welch on quality, Holm within family."""
    frame = with_counts(matrix, episodes).set_index([*KEYS, "game"])
    rows = []
    for c in COMPARISONS:
        for game in GAMES:
            ka, kb = (c.model, *c.a, game), (c.model, *c.b, game)
            if ka not in frame.index or kb not in frame.index:
                continue
            a, b = frame.loc[ka], frame.loc[kb]
            table = [[a["k"], a["n"] - a["k"]], [b["k"], b["n"] - b["k"]]]
            base = {"family": c.family, "model": c.model, "a": _label(c.model, *c.a)}
            base |= {"b": _label(c.model, *c.b), "game": game}
            rows.append(
                base
                | {
                    "measure": "played",
                    "value_a": a["pct_played"],
                    "value_b": b["pct_played"],
                    "n_a": a["n"],
                    "n_b": b["n"],
                    "p": stats.fisher_exact(table).pvalue,
                    "min_p": min_fisher_p(a["n"], b["n"], a["k"] + b["k"]),
                }
            )
            rows.append(
                base
                | {
                    "measure": "quality",
                    "value_a": a["quality"],
                    "value_b": b["quality"],
                    "n_a": a["k"],
                    "n_b": b["k"],
                    "p": _welch(a, b),
                    "min_p": 0.0 if min(a["k"], b["k"]) >= 2 else np.nan,
                }
            )
    tests = pd.DataFrame(rows)
    tests["difference"] = tests["value_a"] - tests["value_b"]
    return _holm(tests, ["family"])


def _holm(tests: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """Holm-adjusted p (``p_holm``) and decision at ALPHA within each group; untestable rows
    (p missing) are left out of the family and keep a missing adjusted p."""
    tests = tests.copy()
    tests["p_holm"] = np.nan
    for _, part in tests.groupby(groups):
        part = part[part["p"].notna()]
        if len(part):
            tests.loc[part.index, "p_holm"] = multipletests(part["p"], method="holm")[1]
    tests["significant"] = tests["p_holm"] < settings.ALPHA
    return tests


def clemscore_tests(
    scores: pd.DataFrame, samples: Mapping[tuple[str, str, str], np.ndarray]
) -> pd.DataFrame:
    """Per comparison: clemscore difference a - b with its bootstrap interval and p (the
    smallest alpha whose percentile interval excludes 0), Holm within family."""
    indexed = scores.set_index(KEYS)["clemscore"]
    rows = []
    for c in COMPARISONS:
        ka, kb = (c.model, *c.a), (c.model, *c.b)
        if ka not in samples or kb not in samples:
            continue
        diff = samples[ka] - samples[kb]
        reps = len(diff)
        tail = min((diff <= 0).sum(), (diff >= 0).sum())
        low, high = _percentile(diff)
        rows.append(
            {
                "family": c.family,
                "model": c.model,
                "a": _label(c.model, *c.a),
                "b": _label(c.model, *c.b),
                "backend_a": c.a[0],
                "quant_a": c.a[1],
                "backend_b": c.b[0],
                "clemscore_a": indexed[ka],
                "clemscore_b": indexed[kb],
                "difference": indexed[ka] - indexed[kb],
                "low": low,
                "high": high,
                "p": min(1.0, 2 * (tail + 1) / (reps + 1)),
                "min_p": 2 / (reps + 1),
                "equivalent": bool(-NEGLIGIBLE < low and high < NEGLIGIBLE),
            }
        )
    return _holm(pd.DataFrame(rows), ["family"])


# --- summary-based vs episode bootstrap -----------------------------------------------------


def summarise(episodes: pd.DataFrame) -> pd.DataFrame:
    """Per game of per-episode rows (game, played 0/1, quality or NaN): the summaries the
    score file publishes (%played, mean and sample SD of quality) and the episode count."""
    rows = []
    for game, part in episodes.groupby("game", sort=True):
        quality = part.loc[part["played"] == 1, "quality"].astype(float)
        rows.append(
            {
                "model": "episodes",
                "backend": "published",
                "quant": "none",
                "game": game,
                "pct_played": 100 * part["played"].mean(),
                "quality": quality.mean() if len(quality) else np.nan,
                "quality_std": quality.std(ddof=1) if len(quality) > 1 else np.nan,
                "n": len(part),
            }
        )
    return pd.DataFrame(rows)


def _clemscore(played: np.ndarray, quality: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(np.nanmean(quality, axis=-1)) * played.mean(axis=-1) / 100


def episode_bootstrap(episodes: pd.DataFrame, reps: int, seed: int) -> pd.DataFrame:
    """Nonparametric bootstrap (episodes resampled within games) of %played, quality and the
    clemscore over the games of ``episodes``: the reference for the summary-based intervals."""
    rng = np.random.default_rng(seed)
    rows, played_all, quality_all = [], [], []
    for game, part in episodes.groupby("game", sort=True):
        played = part["played"].to_numpy(float)
        quality = part["quality"].to_numpy(float)
        index = rng.integers(0, len(part), size=(reps, len(part)))
        p_star = 100 * played[index].mean(axis=1)
        q = np.where(played[index] == 1, quality[index], np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # replicates without a played one
            q_star = np.nanmean(q, axis=1)
        played_all.append(p_star)
        quality_all.append(q_star)
        p_low, p_high = _percentile(p_star)
        finite = q_star[np.isfinite(q_star)]
        q_low, q_high = _percentile(finite) if len(finite) else (np.nan, np.nan)
        rows.append(
            {"game": game, "measure": "played", "episode_low": p_low, "episode_high": p_high}
        )
        rows.append(
            {"game": game, "measure": "quality", "episode_low": q_low, "episode_high": q_high}
        )
    score = _clemscore(np.column_stack(played_all), np.column_stack(quality_all))
    low, high = _percentile(score)
    rows.append({"game": "all", "measure": "clemscore", "episode_low": low, "episode_high": high})
    return pd.DataFrame(rows)


def summary_vs_episodes(episodes: pd.DataFrame, reps: int, seed: int) -> pd.DataFrame:
    """Summary-based intervals (Wilson, t, parametric bootstrap) next to the episode bootstrap
    of the same episodes, with the larger endpoint gap (also relative to the episode
    interval); ``reliable`` is false for quality with fewer than MIN_PLAYED played episodes."""
    summary = summarise(episodes)
    n = dict(zip(summary["game"], summary["n"], strict=True))
    intervals = game_intervals(summary.drop(columns="n"), n)
    rows = []
    for r in intervals.itertuples():
        rows.append(("played", r.game, r.played_low, r.played_high, True))
        reliable = r.k >= MIN_PLAYED
        rows.append(("quality", r.game, r.quality_low, r.quality_high, reliable))
    scores, _ = clemscore_intervals(summary.drop(columns="n"), n, reps, seed)
    rows.append(("clemscore", "all", scores["low"].iloc[0], scores["high"].iloc[0], True))
    columns = ["measure", "game", "summary_low", "summary_high", "reliable"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.merge(episode_bootstrap(episodes, reps, seed + 1), on=["game", "measure"])
    gap = np.maximum(
        (frame["summary_low"] - frame["episode_low"]).abs(),
        (frame["summary_high"] - frame["episode_high"]).abs(),
    )
    frame["gap"] = gap
    frame["relative_gap"] = gap / (frame["episode_high"] - frame["episode_low"])
    return frame


# --- paper: tables and generated sentences --------------------------------------------------

BACKENDS = {
    "groq": "Groq",
    "together": "Together AI",
    LOCAL: "HF local",
    "anyscale": "Anyscale",
    "cohere": "Cohere API",
}
MIN_PLAYED = 10
"""Played episodes a game needs before its quality interval is compared with the episode
bootstrap: with fewer, neither interval is reliable (the bootstrap of 2 values is too narrow,
the t interval with 1 df very wide)."""


def _config(label: str) -> str:
    parts = label.split(" / ")[1:]
    backend = BACKENDS.get(parts[0], parts[0])
    return backend if len(parts) == 1 else f"{backend} {parts[1]}"


FAMILIES = {"route": "Route", "quant": "Quantisation"}


def comparison_table(clemscores: pd.DataFrame, games: pd.DataFrame) -> str:
    """Booktabs tabular: one row per comparison, clemscore difference with its interval, raw
    and Holm p, smallest attainable p; per-game tests that reject after Holm, and %played
    tests that could not reject at any data (smallest attainable p at least ALPHA)."""
    from clemgrid.analysis import latex
    from clemgrid.analysis.render import Column

    played = games[games["measure"] == "played"]
    counts = games.groupby(["a", "b"]).agg(
        rejected=("significant", "sum"), tested=("p_holm", "count")
    )
    counts["futile"] = (played["min_p"] >= settings.ALPHA).groupby([played["a"], played["b"]]).sum()
    frame = clemscores.join(counts, on=["a", "b"]).reset_index(drop=True)
    frame["pair"] = [
        f"{latex.escape(_config(a))} $-$ {latex.escape(_config(b))}"
        for a, b in zip(frame["a"], frame["b"], strict=True)
    ]
    block = frame["family"] + frame["model"]
    breaks = [i for i in range(1, len(frame)) if block[i] != block[i - 1]]
    shown = frame.assign(
        family=frame["family"].map(FAMILIES).where(frame["family"] != frame["family"].shift(), ""),
        model=frame["model"].where(block != block.shift(), ""),
    )
    columns = [
        Column("family", header="Comparison", format=latex.escape),
        Column("model", header="Model", format=latex.escape),
        Column("pair", header="Configs", format=str),
        Column("difference", header="$\\Delta$ clemscore", format=latex.number, align="r"),
        Column(lambda r: latex.interval(r.low, r.high), header=latex.ci_header(), format=str),
        Column("p", header="$p$", format=latex.p_value, align="r"),
        Column("p_holm", header="$p_{\\text{Holm}}$", format=latex.p_value, align="r"),
        Column("min_p", header="min.\\ $p$", format=latex.p_value, align="r"),
        Column(
            lambda r: f"{int(r.rejected)}/{int(r.tested)}", header="games", format=str, align="r"
        ),
        Column("futile", header="futile", format=latex.integer, align="r"),
    ]
    return latex.render.latex(shown, columns, breaks=breaks)


def _pick(tests: pd.DataFrame, family: str, **where: str) -> pd.DataFrame:
    part = tests[tests["family"] == family]
    for column, value in where.items():
        part = part[part[column] == value]
    return part


def _significance(rejects: bool) -> str:
    return "significant" if rejects else "not significant"


MEASURES = {"played": "% played", "quality": "quality"}


def _game_list(tests: pd.DataFrame) -> str:
    """The rejecting per-game tests as text: config pair, game, measure and the two values."""
    items = [
        f"{_config(r.a)} vs. {_config(r.b)} ({r.model}), {r.game} {MEASURES[r.measure]}: "
        f"{r.value_a:.2f} vs. {r.value_b:.2f}"
        for r in tests[tests["significant"]].itertuples()
    ]
    return "; ".join(items) if items else "none"


def negligible_verdict(tests: pd.DataFrame) -> str:
    """How the data bear on "this change has negligible impact": contradicted if a test
    rejects, supported only if every interval lies inside the equivalence margin."""
    if tests["significant"].any():
        return "contradicted by"
    if tests["equivalent"].all():
        return "supported by"
    return "consistent with, but not established by,"


def claim_macros(macros, clemscores: pd.DataFrame, games: pd.DataFrame) -> None:
    """Macros (``PubUnc...``) for the route and quantisation claims; the verdict words are
    chosen from the test results, so the text follows the numbers."""
    from clemgrid.analysis.latex import interval

    macros.number("PubUncMargin", NEGLIGIBLE, 0, "equivalence margin, clemscore points")
    routes = _pick(clemscores, "route", model=LLAMA3_70B)
    largest = routes.loc[routes["difference"].abs().idxmax()]
    macros.integer("PubUncRoutePairs", len(routes), "Llama-3-70B route pairs tested")
    macros.integer("PubUncRouteSignificant", int(routes["significant"].sum()), "after Holm")
    macros.text("PubUncRouteLargestA", _config(largest["a"]))
    macros.text("PubUncRouteLargestB", _config(largest["b"]))
    macros.number("PubUncRouteLargest", abs(largest["difference"]))
    macros.add("PubUncRouteLargestCI", interval(largest["low"], largest["high"]))
    macros.p("PubUncRouteLargestP", largest["p_holm"], "Holm-adjusted")
    macros.text("PubUncRouteVerdict", _significance(bool(largest["significant"])))
    survives = bool(routes["significant"].any())
    macros.text(
        "PubUncRouteClaim",
        "is borne out by" if survives else "cannot be distinguished from sampling noise with",
        "the paper's ~5-point route effect, by the tests",
    )
    route_games = _pick(games, "route")
    macros.integer("PubUncRouteGameTests", int(route_games["p_holm"].notna().sum()))
    macros.integer("PubUncRouteGameSignificant", int(route_games["significant"].sum()))
    macros.text("PubUncRouteGameList", _game_list(route_games))
    for bits, quant in (("Eight", "Q8_0"), ("Four", "Q4_K_M")):
        part = _pick(clemscores, "quant", quant_a=quant)
        prefix = f"PubUncQ{bits}"
        macros.integer(f"{prefix}Models", len(part))
        macros.integer(f"{prefix}Significant", int(part["significant"].sum()), "after Holm")
        macros.integer(f"{prefix}Equivalent", int(part["equivalent"].sum()), "CI in ±margin")
        for row in part.itertuples():
            name = {LLAMA3_8B: "LlamaEight", LLAMA3_70B: "LlamaSeventy"}.get(
                row.model, "CommandRPlus"
            )
            macros.add(f"{prefix}{name}CI", interval(row.low, row.high))
            macros.p(f"{prefix}{name}P", row.p_holm, "Holm-adjusted")
        excludes = int(((part["low"] > 0) | (part["high"] < 0)).sum())
        macros.integer(f"{prefix}Unadjusted", excludes, "CIs excluding 0, before Holm")
        if bits == "Eight":
            macros.text(f"{prefix}Claim", negligible_verdict(part), "claim of no 8-bit effect")
        quant_games = games[(games["family"] == "quant") & games["a"].str.endswith(quant)]
        macros.integer(f"{prefix}GameSignificant", int(quant_games["significant"].sum()))
        macros.text(f"{prefix}GameList", _game_list(quant_games))
        macros.integer(f"{prefix}GameTests", int(quant_games["p_holm"].notna().sum()))


def design_macros(macros, episodes: Mapping[str, int], reps: int, seed: int) -> None:
    """Macros for the method: episode counts of the instance sets, resamples, seed."""
    macros.integer("PubUncMinEpisodes", min(episodes.values()), "episodes per game, fewest")
    macros.integer("PubUncMaxEpisodes", max(episodes.values()), "episodes per game, most")
    macros.integer("PubUncResamples", reps)
    macros.integer("PubUncSeed", seed)


def agreement_macros(macros, agreement: pd.DataFrame) -> None:
    """Macros (``PubUncEpisode...``) for the summary-vs-episode-bootstrap check."""
    from clemgrid.analysis.latex import interval

    score = agreement[agreement["measure"] == "clemscore"].iloc[0]
    macros.add("PubUncEpisodeSummaryCI", interval(score["summary_low"], score["summary_high"]))
    macros.add("PubUncEpisodeBootstrapCI", interval(score["episode_low"], score["episode_high"]))
    games = agreement[(agreement["measure"] != "clemscore") & agreement["reliable"]]
    macros.number("PubUncEpisodeMaxGap", games["gap"].max(), 1, "points, reliable games")
    macros.integer("PubUncEpisodeMinPlayed", MIN_PLAYED)
    macros.integer("PubUncEpisodeExcluded", int((~agreement["reliable"]).sum()))


def fidelity_episodes(fixtures: str) -> pd.DataFrame:
    """Per-episode (game, played, quality) of the published v1.6 episodes in the fidelity
    fixtures, re-scored by clemgrid (which reproduces the published values exactly)."""
    from pathlib import Path

    from clemgrid.importer.run import import_run, rescore

    scores, _ = rescore(import_run(Path(fixtures)))
    return pd.DataFrame(scores)[["game", "played", "quality"]]


def config_table(scores: pd.DataFrame) -> str:
    """Booktabs tabular of the clemscore intervals of the route and quantisation configs."""
    from clemgrid.analysis import latex
    from clemgrid.analysis.render import Column

    models = [LLAMA3_70B, LLAMA3_8B, COMMAND_R_PLUS]
    shown = scores[scores["model"].isin(models)].copy()
    shown["order"] = shown["model"].map(models.index)
    shown = shown.sort_values(["order", "quant", "backend"]).reset_index(drop=True)
    breaks = [i for i in range(1, len(shown)) if shown["order"][i] != shown["order"][i - 1]]
    shown["config"] = [
        _config(f"m / {b}" + ("" if q == "none" else f" / {q}"))
        for b, q in zip(shown["backend"], shown["quant"], strict=True)
    ]
    shown["model"] = shown["model"].where(shown["model"] != shown["model"].shift(), "")
    columns = [
        Column("model", header="Model", format=latex.escape),
        Column("config", header="Config", format=latex.escape),
        Column("clemscore", header="Clemscore", format=latex.number, align="r"),
        Column(lambda r: latex.interval(r.low, r.high), header=latex.ci_header(), format=str),
    ]
    return latex.render.latex(shown, columns, breaks=breaks)
