"""Published per-episode scores of the route and quantisation runs: import check and paired tests.

clembench-runs publishes, beside its score tables, every episode's metrics for the v1.6
quantisation runs (``v1.6/raw.csv``) and access-route runs (``v1.6_backends/raw.csv``).
``resources/clembench_v1.6/episodes/`` keeps the two metrics a clemscore rests on, ``Aborted``
and ``Main Score``. With them:

- the import is checked: per config and game, %played and quality recomputed from the episodes
  must equal the score file's values, which clembench rounds to two decimals;
- two configs of the same weights that both have episodes played the same instances, so they
  are compared *paired*: per game McNemar's exact test on played and a sign-flip permutation
  test on quality (:func:`uncertainty.paired_tests`), and the clemscore difference by a
  bootstrap that resamples instances jointly for both configs. The unpaired bootstrap of the
  same episodes is reported beside it, to show what the pairing buys.

The unquantised references of the quantisation table (transformers, Cohere's API) have no
published episodes: those comparisons stay summary-based (:mod:`published_uncertainty`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from clemgrid.analysis import latex, settings
from clemgrid.analysis import published_uncertainty as pu
from clemgrid.analysis.latex import _blocks_of, _first
from clemgrid.analysis.published import LLAMA3_8B, configs
from clemgrid.analysis.render import Column
from clemgrid.analysis.uncertainty import paired_tests

KEYS = pu.KEYS
METRICS = {"Aborted": "aborted", "Main Score": "quality"}
EXTRA = {
    "llama-3-8b-groq": (LLAMA3_8B, "groq", "none"),
    "llama-3-8b-together.ai": (LLAMA3_8B, "together", "none"),
}
"""Runs with published episodes but no row in the score file: the two Llama-3-8B routes whose
scores only the paper prints."""
ROUTE_ORDER = [pu.LOCAL, "cohere", "llama.cpp", "groq", "together", "anyscale"]
QUANT_ORDER = ["none", "Q8_0", "Q4_K_M"]
TOLERANCE = 0.005 + 1e-9
"""Largest difference from the score file's two-decimal values that still counts as equal."""


def read_episodes(paths: Iterable[str | Path], configs: pd.DataFrame) -> pd.DataFrame:
    """One row per published episode: model, backend, quant (from the score file's config names
    in ``configs``, or :data:`EXTRA`), game, experiment, instance_id, played (0/1) and quality
    (missing where aborted). Raises, naming the file, on an unknown run, an unknown metric or
    an episode that lacks one of the two metrics or contradicts itself."""
    names = {c.lower(): (m, b, q) for c, m, b, q in configs[["config", *KEYS]].itertuples(False)}
    names |= EXTRA
    frames = []
    for path in paths:
        raw = pd.read_csv(path, index_col=0, dtype={"value": float})
        unknown = set(raw["metric"]) - set(METRICS)
        if unknown:
            raise ValueError(f"{path}: unexpected metrics {sorted(unknown)}")
        episode = ["model", "game", "experiment", "episode"]
        repeated = raw.duplicated([*episode, "metric"])
        if repeated.any():
            raise ValueError(
                f"{path}: metric repeated for an episode, row {raw.index[repeated][0]}"
            )
        counts = raw.groupby(episode)["metric"].nunique()
        incomplete = counts[counts != len(METRICS)]
        if len(incomplete):
            raise ValueError(
                f"{path}: episodes without both metrics: {incomplete.index[:3].tolist()}"
            )
        wide = raw.pivot(index=episode, columns="metric", values="value").rename(columns=METRICS)
        wide = wide.reset_index().rename(columns={"model": "run"})
        bad = ~wide["aborted"].isin([0.0, 1.0]) | (wide["aborted"].eq(0) == wide["quality"].isna())
        if bad.any():
            raise ValueError(
                f"{path}: Aborted and Main Score disagree in {int(bad.sum())} episodes"
            )
        player = wide["run"].str.split("--").str[0].str.removesuffix("-t0.0").str.lower()
        missing = sorted(set(player) - set(names))
        if missing:
            raise ValueError(f"{path}: runs with no config in the score file: {missing}")
        keys = pd.DataFrame(player.map(names).tolist(), columns=KEYS, index=wide.index)
        frames.append(
            pd.concat([keys, wide], axis=1).assign(
                instance_id=wide["episode"].str.removeprefix("episode_").astype(int),
                played=1 - wide["aborted"].astype(int),
            )
        )
    episodes = pd.concat(frames, ignore_index=True)
    columns = [*KEYS, "game", "experiment", "instance_id", "played", "quality"]
    return episodes[columns].sort_values(columns[:6], ignore_index=True)


def reconcile(episodes: pd.DataFrame, matrix: pd.DataFrame) -> pd.DataFrame:
    """Per config and game: episodes, %played and quality from the episodes next to the score
    file's (missing for :data:`EXTRA` runs), and whether both agree to its two decimals."""
    grouped = episodes.groupby([*KEYS, "game"], sort=True)
    ours = grouped.agg(
        n=("played", "size"), pct_played=("played", "mean"), quality=("quality", "mean")
    )
    ours["pct_played"] *= 100
    published = matrix.set_index([*KEYS, "game"])[["pct_played", "quality"]]
    table = ours.join(published.add_suffix("_published")).reset_index()
    played_ok = (table["pct_played"] - table["pct_played_published"]).abs() <= TOLERANCE
    quality_ok = (table["quality"] - table["quality_published"]).abs() <= TOLERANCE
    both_missing = table["quality"].isna() & table["quality_published"].isna()
    table["in_score_file"] = table["pct_played_published"].notna()
    table["match"] = played_ok & (quality_ok | both_missing)
    return table


def _clemscores(played: list[np.ndarray], quality: list[np.ndarray]) -> np.ndarray:
    """Clemscore per replicate from per-game arrays of shape (replicates, episodes)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # replicates without a played episode
        games_played = np.column_stack([100 * p.mean(axis=1) for p in played])
        games_quality = np.column_stack([np.nanmean(q, axis=1) for q in quality])
    return pu._clemscore(games_played, games_quality)


def paired_clemscore(a: pd.DataFrame, b: pd.DataFrame, reps: int, seed: int) -> dict[str, float]:
    """Clemscore difference a - b over the instances both configs ran, with the bootstrap interval
    and p (inverted percentile interval, as in :func:`published_uncertainty.clemscore_tests`)
    that resample instances jointly, and the interval of independent resampling beside it."""
    keys = ["game", "experiment", "instance_id"]
    pairs = a.merge(b, on=keys, suffixes=("_a", "_b"))
    rng = np.random.default_rng(seed)
    draws: dict[str, list[np.ndarray]] = {k: [] for k in ("pa", "qa", "pb", "qb", "pu", "qu")}
    point: dict[str, list[np.ndarray]] = {k: [] for k in ("pa", "qa", "pb", "qb")}
    for _, game in pairs.groupby("game", sort=True):
        n = len(game)
        joint, other = rng.integers(0, n, (reps, n)), rng.integers(0, n, (reps, n))
        for side in "ab":
            played = game[f"played_{side}"].to_numpy(float)
            quality = game[f"quality_{side}"].to_numpy(float)
            draws[f"p{side}"].append(played[joint])
            draws[f"q{side}"].append(quality[joint])
            point[f"p{side}"].append(played[None, :])
            point[f"q{side}"].append(quality[None, :])
        draws["pu"].append(game["played_b"].to_numpy(float)[other])
        draws["qu"].append(game["quality_b"].to_numpy(float)[other])
    score_a = _clemscores(draws["pa"], draws["qa"])
    diff = score_a - _clemscores(draws["pb"], draws["qb"])
    unpaired = score_a - _clemscores(draws["pu"], draws["qu"])
    tail = min((diff <= 0).sum(), (diff >= 0).sum())
    low, high = pu._percentile(diff)
    unpaired_low, unpaired_high = pu._percentile(unpaired)
    return {
        "instances": len(pairs),
        "clemscore_a": float(_clemscores(point["pa"], point["qa"])[0]),
        "clemscore_b": float(_clemscores(point["pb"], point["qb"])[0]),
        "low": low,
        "high": high,
        "p": min(1.0, 2 * (tail + 1) / (reps + 1)),
        "min_p": 2 / (reps + 1),
        "unpaired_low": unpaired_low,
        "unpaired_high": unpaired_high,
    }


def _pairs(episodes: pd.DataFrame) -> list[tuple[str, tuple[str, str], tuple[str, str]]]:
    """Every two configs of the same weights with episodes that differ in route only or in
    quantisation only: (model, a, b), b the reference (earlier route, higher precision), as in
    the paper's tables."""

    def rank(config: tuple[str, str]) -> tuple[int, int]:
        return QUANT_ORDER.index(config[1]), ROUTE_ORDER.index(config[0])

    found = []
    for model, part in episodes.groupby("model", sort=True):
        configs = sorted(set(zip(part["backend"], part["quant"], strict=True)), key=rank)
        found += [
            (model, a, b)
            for b, a in combinations(configs, 2)
            if a[0] == b[0] or a[1] == b[1] == "none"  # one change at a time
        ]
    return found


def _runs(episodes: pd.DataFrame, model: str, config: tuple[str, str]) -> pd.DataFrame:
    """The episodes of one config, given as (backend, quant)."""
    backend, quant = config
    chosen = episodes["model"].eq(model) & episodes["backend"].eq(backend)
    return episodes[chosen & episodes["quant"].eq(quant)]


def comparisons(episodes: pd.DataFrame, reps: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paired clemscore tests and per-game paired tests of every pair of :func:`_pairs`, in the
    columns of :func:`published_uncertainty.clemscore_tests` and ``game_tests``; Holm within
    the family (routes, quantisation)."""
    scores, games = [], []
    for model, a, b in _pairs(episodes):
        family = "route" if a[1] == b[1] == "none" else "quant"
        frame_a, frame_b = _runs(episodes, model, a), _runs(episodes, model, b)
        base = {
            "family": family,
            "model": model,
            "a": pu._label(model, *a),
            "b": pu._label(model, *b),
        }
        result = paired_clemscore(frame_a, frame_b, reps, seed)
        scores.append(
            base
            | {"backend_a": a[0], "quant_a": a[1], "backend_b": b[0], "quant_b": b[1]}
            | result
            | {"difference": result["clemscore_a"] - result["clemscore_b"]}
        )
        for game in sorted(set(frame_a["game"]) & set(frame_b["game"])):
            test = paired_tests(
                frame_a[frame_a["game"] == game], frame_b[frame_b["game"] == game], seed=seed
            )
            rows = [
                (
                    "played",
                    test.mcnemar_p,
                    test.mcnemar_min_p,
                    test.played_a_only - test.played_b_only,
                ),
                ("quality", test.permutation_p, test.permutation_min_p, test.mean_quality_diff),
            ]
            for measure, p, min_p, difference in rows:
                games.append(
                    base
                    | {"game": game, "measure": measure, "n": test.n_pairs}
                    | {"n_both_played": test.n_both_played, "difference": difference}
                    | {"p": p if test.n_both_played or measure == "played" else np.nan}
                    | {"min_p": min_p}
                )
    score_table = pu._holm(pd.DataFrame(scores), ["family"])
    score_table["equivalent"] = (score_table["low"] > -pu.NEGLIGIBLE) & (
        score_table["high"] < pu.NEGLIGIBLE
    )
    return score_table, pu._holm(pd.DataFrame(games), ["family", "measure"])


def best_available(summary: pd.DataFrame, paired: pd.DataFrame) -> pd.DataFrame:
    """The summary-based clemscore tests with every comparison that has episodes on both sides
    replaced by its paired test (``paired`` True), Holm recomputed within each family."""
    columns = [c for c in summary.columns if c not in ("p_holm", "significant")]
    keep = paired.drop(columns=["p_holm", "significant"]).set_index(["a", "b"])
    rows = []
    for row in summary[columns].to_dict("records"):
        key = (row["a"], row["b"])
        if key in keep.index:
            row |= {c: keep.loc[key, c] for c in ("low", "high", "p", "min_p", "equivalent")}
        rows.append(row | {"paired": key in keep.index})
    return pu._holm(pd.DataFrame(rows), ["family"])


def episode_agreement(episodes: pd.DataFrame, reps: int, seed: int) -> pd.DataFrame:
    """:func:`published_uncertainty.summary_vs_episodes` for every config with episodes."""
    parts = [
        pu.summary_vs_episodes(part[["game", "played", "quality"]], reps, seed).assign(
            **dict(zip(KEYS, key, strict=True))
        )
        for key, part in episodes.groupby(KEYS, sort=True)
    ]
    return pd.concat(parts, ignore_index=True)


def read_all(paths: Sequence[str | Path], scores_csv: str | Path) -> pd.DataFrame:
    """:func:`read_episodes` with the config names of the score file at ``scores_csv``."""
    return read_episodes(paths, configs(scores_csv))


# --- paper: table and generated sentences ---------------------------------------------------


def printed_sentence(reconciled: pd.DataFrame, printed: pd.DataFrame) -> str:
    """What the episodes of runs missing from the score file give, next to the values the
    paper prints for them (``printed``: the paper table's rows with clemscore, model, backend)."""
    extra = reconciled[~reconciled["in_score_file"]]
    items = []
    for (model, backend, _), part in extra.groupby(KEYS, sort=True):
        played, quality = part["pct_played"].mean(), part["quality"].mean()
        score = 0.0 if np.isnan(quality) else played * quality / 100
        paper = printed[(printed["model"] == model) & (printed["backend"] == backend)]
        shown = f" (paper: {paper['clemscore'].iloc[0]:.2f})" if len(paper) else ""
        items.append(f"{model} via {pu.BACKENDS.get(backend, backend)} {score:.2f}{shown}")
    if not items:
        return ""
    return (
        "Episodes are also published for runs the score file lacks; their clemscores,"
        f" recomputed from the episodes, are {latex.series(items)}."
    )


def comparison_table(paired: pd.DataFrame, games: pd.DataFrame) -> str:
    """Booktabs tabular of the paired comparisons: difference, paired and unpaired intervals,
    p (raw, Holm), and the per-game tests that reject after Holm / could reject at their n."""
    counts = games.groupby(["a", "b"]).agg(rejected=("significant", "sum"))
    counts["testable"] = (games["min_p"] < settings.ALPHA).groupby([games["a"], games["b"]]).sum()
    counts["tests"] = games.groupby(["a", "b"]).size()
    frame = paired.join(counts, on=["a", "b"]).reset_index(drop=True)
    same_stack = frame["backend_a"] == frame["backend_b"]  # name only what differs
    frame["pair"] = [
        f"{latex.escape(qa)} $-$ {latex.escape(qb)}"
        if same
        else f"{latex.escape(pu._config(a))} $-$ {latex.escape(pu._config(b))}"
        for same, qa, qb, a, b in zip(
            same_stack, frame["quant_a"], frame["quant_b"], frame["a"], frame["b"], strict=True
        )
    ]
    shown, breaks = _blocks_of(frame.assign(block=frame["family"] + frame["model"]), "block")
    columns = [
        Column(_first(lambda r: latex.escape(r.model)), header="Model", format=str),
        Column("pair", header="Configs", format=str),
        Column("difference", header="$\\Delta$ clemscore", format=latex.number, align="r"),
        Column(lambda r: latex.interval(r.low, r.high), header="paired CI", format=str),
        Column(
            lambda r: latex.interval(r.unpaired_low, r.unpaired_high),
            header="unpaired CI",
            format=str,
        ),
        Column("p_holm", header="$p_{\\text{Holm}}$", format=latex.p_value, align="r"),
        Column(
            lambda r: f"{int(r.rejected)}/{int(r.testable)}/{int(r.tests)}",
            header="games",
            format=str,
            align="r",
        ),
    ]
    return latex.render.latex(shown, columns, breaks=breaks)


def episode_macros(
    macros,
    reconciled: pd.DataFrame,
    paired: pd.DataFrame,
    games: pd.DataFrame,
    agreement: pd.DataFrame,
    printed: pd.DataFrame,
) -> None:
    """Macros (``Episodes...``) of the paragraph on the published episodes."""
    listed = reconciled[reconciled["in_score_file"]]
    macros.integer("EpisodesConfigs", reconciled[KEYS].drop_duplicates().shape[0], "with episodes")
    macros.integer("EpisodesCount", int(reconciled["n"].sum()), "published episodes read")
    macros.integer("EpisodesCells", len(listed), "config x game cells in the score file")
    macros.integer("EpisodesCellsMatch", int(listed["match"].sum()), "reproduced to 2 decimals")
    macros.add("EpisodesPrintedSentence", printed_sentence(reconciled, printed))
    macros.integer("EpisodesPairs", len(paired), "paired comparisons")
    macros.integer("EpisodesRoutePairs", int((paired["family"] == "route").sum()))
    macros.integer("EpisodesQuantPairs", int((paired["family"] == "quant").sum()))
    macros.integer("EpisodesPairsSignificant", int(paired["significant"].sum()), "after Holm")
    routes = paired[paired["family"] == "route"]
    macros.integer("EpisodesRouteSignificant", int(routes["significant"].sum()), "after Holm")
    quant = paired[paired["family"] == "quant"]
    lower = quant[quant["significant"] & (quant["difference"] < 0)]
    macros.integer("EpisodesQuantLower", len(lower), "lower precision scores lower, after Holm")
    width = (paired["high"] - paired["low"]) / (paired["unpaired_high"] - paired["unpaired_low"])
    macros.number("EpisodesWidthRatio", float(width.median()), note="paired / unpaired width")
    macros.flag("EpisodesPairingNarrows", bool(width.median() < 1), "pairing narrows the CI?")
    macros.integer("EpisodesGameTests", len(games))
    macros.integer("EpisodesGameTestable", int((games["min_p"] < settings.ALPHA).sum()))
    macros.integer("EpisodesGameSignificant", int(games["significant"].sum()), "after Holm")
    scores = agreement[agreement["measure"] == "clemscore"]
    widest = scores.loc[scores["gap"].idxmax()]
    macros.integer("EpisodesAgreementConfigs", len(scores))
    macros.number("EpisodesAgreementMedianGap", float(scores["gap"].median()), 2)
    macros.number("EpisodesAgreementMaxGap", float(scores["gap"].max()), 1, "clemscore CI ends")
    macros.text("EpisodesAgreementMaxConfig", pu._config(pu._label(*widest[KEYS])))
    macros.text("EpisodesAgreementMaxModel", widest["model"])
    cells = agreement[(agreement["measure"] != "clemscore") & agreement["reliable"]]
    # At 0 % or 100 % played every resample is the same: the episode bootstrap collapses to a
    # point while the Wilson interval stays open, so those cells say nothing about agreement.
    collapsed = cells["episode_high"] == cells["episode_low"]
    macros.integer("EpisodesAgreementCollapsed", int(collapsed.sum()), "bootstrap CI of width 0")
    macros.number("EpisodesAgreementGameGap", float(cells.loc[~collapsed, "gap"].max()), 1)
