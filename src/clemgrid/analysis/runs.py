"""Tables of our own runs: configs with bootstrap intervals, per-game scores, zero- vs few-shot.

Every frame carries a ``player`` column, "synthetic" for models whose registry facts say
``synthetic: true`` (scripted or simulated players of known skill, not language models) and
"LLM" otherwise, and a ``label`` for figures that says the same (a deliberately misconfigured
registry entry, ``facts.misconfigured``, is labelled so too); rows are ordered language models
first, then synthetic players, each by model, backend and quant.

Clemscores are compared over one game set only: clembench's zero-shot games (a game that is
its own base game). A config that also plays few-shot variants would otherwise average over
twice as many games as one that does not, and the two numbers would not measure the same
thing; the variants get a clemscore of their own (``clemscore_kshot``), reported separately.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from typing import Any

import pandas as pd

from clemgrid import scoring
from clemgrid.analysis import render, settings
from clemgrid.analysis.render import Column
from clemgrid.analysis.uncertainty import PairedTest, mean_interval, paired_tests, testable

CONFIG_KEYS = ["model", "backend", "quant"]
PAIRED_FIELDS = [f.name for f in fields(PairedTest)]
PAIRED_COLUMNS = ["model", "game", "config_a", "config_b", *PAIRED_FIELDS]
SYNTHETIC = "synthetic"
MISCONFIGURED = "misconfigured"
LLM = "LLM"


def synthetic_models(models: Mapping[str, Mapping]) -> list[str]:
    """Models of a registry whose facts declare them synthetic, sorted."""
    return sorted(m for m, entry in models.items() if (entry.get("facts") or {}).get(SYNTHETIC))


def label_players(
    frame: pd.DataFrame, synthetic: Iterable[str], misconfigured: Iterable[str] = ()
) -> pd.DataFrame:
    """``frame`` with ``player`` and ``label`` columns, ordered (see module docstring)."""
    synthetic, misconfigured = set(synthetic), set(misconfigured)
    player = frame["model"].map(lambda m: SYNTHETIC if m in synthetic else LLM)
    label = frame["model"] + " / " + frame["backend"] + " / " + frame["quant"]
    label = label.where(player == LLM, label + " [synthetic]")
    label = label.where(~frame["model"].isin(misconfigured), label + " [misconfigured]")
    labelled = frame.assign(player=player, label=label, _order=(player == SYNTHETIC).astype(int))
    order = ["_order", *[k for k in (*CONFIG_KEYS, "game") if k in frame.columns]]
    return labelled.sort_values(order, kind="stable").drop(columns="_order").reset_index(drop=True)


def zero_shot(games: Iterable[str], base_games: Mapping[str, str]) -> list[str]:
    """The zero-shot games among ``games`` (``base_games``: game → the game it derives from),
    sorted: the common game set over which clemscores are compared."""
    return sorted({g for g in games if base_games.get(g, g) == g})


def config_table(
    matrix: pd.DataFrame,
    intervals: pd.DataFrame,
    synthetic: Iterable[str],
    misconfigured: Iterable[str] = (),
    base_games: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per config: clemscore and averages over the common (zero-shot) game set with
    the bootstrap interval (``intervals``, bootstrapped over the same games), the clemscore of
    its few-shot variants apart (``clemscore_kshot``, NaN without), and ``complete``: whether
    it played every game of the common set (only those are compared with each other)."""
    base_games = base_games or {}
    common = zero_shot(matrix["game"].unique(), base_games)
    is_common = matrix["game"].isin(common)
    clemscore = scoring.clemscores(matrix[is_common])
    variants = scoring.clemscores(matrix[~is_common]) if (~is_common).any() else None
    merged = clemscore.merge(
        intervals[[*CONFIG_KEYS, "ci_low", "ci_high", "n_boot"]],
        on=CONFIG_KEYS,
        how="left",
        validate="1:1",
    )
    if variants is not None:
        variants = variants.rename(
            columns={"clemscore": "clemscore_kshot", "n_games": "n_kshot_games"}
        )
        merged = merged.merge(
            variants[[*CONFIG_KEYS, "clemscore_kshot", "n_kshot_games"]], on=CONFIG_KEYS, how="left"
        )
    else:
        merged = merged.assign(clemscore_kshot=float("nan"), n_kshot_games=0)
    merged["n_kshot_games"] = merged["n_kshot_games"].fillna(0).astype(int)
    merged["complete"] = merged["n_games"] == len(common)
    columns = [
        *CONFIG_KEYS,
        "source",
        "n_games",
        "complete",
        "clemscore",
        "ci_low",
        "ci_high",
        "n_boot",
        "avg_pct_played",
        "avg_quality",
        "n_kshot_games",
        "clemscore_kshot",
    ]
    table = label_players(merged[columns], synthetic, misconfigured)
    return table[[*CONFIG_KEYS, "player", "label", *columns[3:]]]


def game_table(
    matrix: pd.DataFrame, synthetic: Iterable[str], misconfigured: Iterable[str] = ()
) -> pd.DataFrame:
    """One row per config × game: episodes, %played, quality and its SD."""
    columns = [*CONFIG_KEYS, "game", "n_episodes", "pct_played", "quality", "quality_std"]
    table = label_players(matrix[columns], synthetic, misconfigured)
    return table[[*CONFIG_KEYS, "player", "label", *columns[3:]]]


TESTS = {"permutation": "permutation", "mcnemar": "McNemar"}
AA_CHECK = "A/A check"
FEW_SHOT = "few-shot effect"


def with_testability(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (with the :class:`PairedTest` fields) plus ``<test>_testable``: whether the
    test's smallest attainable p-value is below :data:`settings.ALPHA`. A test that is not
    testable at its n says nothing either way, and is reported so, not as p = 1."""
    return table.assign(
        **{
            f"{test}_testable": [testable(p) for p in table[f"{test}_min_p"]]
            if len(table)
            else pd.Series(dtype=bool)
            for test in TESTS
        }
    )


def rejects(table: pd.DataFrame, test: str) -> int:
    """Testable ``test``s of ``table`` that reject at :data:`settings.ALPHA`."""
    if table.empty:
        return 0
    return int((table[f"{test}_testable"] & (table[f"{test}_p"] < settings.ALPHA)).sum())


SHOT_MEASURES = ["pct_played_base", "pct_played_variant", "quality_base", "quality_variant"]


def shot_comparisons(
    episodes: pd.DataFrame,
    base_games: Mapping[str, str],
    synthetic: Iterable[str],
    n_resamples: int = 9999,
    seed: int = 0,
    misconfigured: Iterable[str] = (),
) -> pd.DataFrame:
    """Each config that played a game and a few-shot variant of it (``base_games``: game →
    the zero-shot game it derives from): the two runs paired by instance, as
    :func:`uncertainty.paired_tests` compares them (difference = variant - zero-shot), with
    a bootstrap CI (at :data:`settings.LEVEL`) of each arm's %played and quality (`*_low`, `*_high`).

    ``comparison`` says what a row tests: a synthetic player's skill does not depend on the
    prompt, so its few-shot rows compare a player with itself (an A/A check of the tests, whose
    rejections are false positives), not an effect of the few-shot prompt."""
    rows = []
    for keys, by_config in episodes.groupby(CONFIG_KEYS, sort=True):
        played = set(by_config["game"])
        for variant in sorted(played):
            base = base_games.get(variant, variant)
            if base == variant or base not in played:
                continue
            zero = by_config[by_config["game"] == base]
            few = by_config[by_config["game"] == variant].assign(game=base)
            test = paired_tests(few, zero, n_resamples=n_resamples, seed=seed)
            arms = {}
            for arm, frame in (("base", zero), ("variant", few)):
                for measure, values in (
                    ("pct_played", 100 * frame["played"]),
                    ("quality", frame["quality"]),
                ):
                    name = f"{measure}_{arm}"
                    arms[name] = values.mean()
                    arms[f"{name}_low"], arms[f"{name}_high"] = mean_interval(
                        values.to_numpy(dtype=float), seed=seed
                    )
            rows.append(
                {
                    **dict(zip(CONFIG_KEYS, keys, strict=True)),
                    "game": base,
                    "variant": variant,
                    **arms,
                    **test.__dict__,
                }
            )
    columns = [
        *CONFIG_KEYS,
        "game",
        "variant",
        *SHOT_MEASURES,
        *(f"{name}_{end}" for name in SHOT_MEASURES for end in ("low", "high")),
        *PAIRED_FIELDS,
    ]
    testability = [f"{test}_testable" for test in TESTS]
    if not rows:
        return pd.DataFrame(
            columns=[*CONFIG_KEYS, "player", "label", "comparison", *columns[3:], *testability]
        )
    table = label_players(pd.DataFrame(rows, columns=columns), synthetic, misconfigured)
    table = with_testability(table.assign(comparison=table["player"].map(_comparison)))
    return table[[*CONFIG_KEYS, "player", "label", "comparison", *columns[3:], *testability]]


def _comparison(player: str) -> str:
    return AA_CHECK if player == SYNTHETIC else FEW_SHOT


def paired_table(comparisons: pd.DataFrame, synthetic: Iterable[str]) -> pd.DataFrame:
    """The paired backend/quant tests (``clemscore_intervals``' comparisons) with ``player``."""
    testability = [f"{test}_testable" for test in TESTS]
    if comparisons.empty:
        return pd.DataFrame(
            columns=[*PAIRED_COLUMNS[:1], "player", *PAIRED_COLUMNS[1:], *testability]
        )
    synthetic = set(synthetic)
    table = comparisons[PAIRED_COLUMNS].assign(
        player=comparisons["model"].map(lambda m: SYNTHETIC if m in synthetic else LLM)
    )
    table = table.sort_values(
        ["player", "model", "game", "config_a", "config_b"], kind="stable"
    ).reset_index(drop=True)
    table = with_testability(table)
    return table[[*PAIRED_COLUMNS[:1], "player", *PAIRED_COLUMNS[1:], *testability]]


def with_quant_labels(table: pd.DataFrame, labels: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """`table` with its quants named as the paper names them (:func:`pipeline.quant_label`)."""
    from clemgrid.pipeline import quant_label

    if table.empty:
        return table
    names = [quant_label(labels, m, q) for m, q in zip(table.model, table.quant, strict=True)]
    return table.assign(quant=names)


def _arm(name: str) -> Callable[[Any], str]:
    """A zero- or few-shot arm's mean with its bootstrap interval where it has one."""

    def text(row: Any) -> str:
        value = getattr(row, name)
        if pd.isna(value):
            return render.MISSING["markdown"]
        low, high = getattr(row, f"{name}_low"), getattr(row, f"{name}_high")
        interval = "" if pd.isna(low) else f" [{low:.1f}, {high:.1f}]"
        return f"{value:.1f}{interval}"

    return text


def _p_text(test: str) -> Callable[[Any], str]:
    """A test's p-value, or "not testable (min p ...)" where its smallest attainable p-value
    is not below alpha at this n."""

    def text(row: Any) -> str:
        if not getattr(row, f"{test}_testable"):
            return f"not testable (min p {getattr(row, f'{test}_min_p'):.3f})"
        return f"{getattr(row, f'{test}_p'):.3f}"

    return text


SHOTS_MD_COLUMNS = [
    Column(lambda r: f"{r.model} / {r.backend} / {r.quant}", header="config"),
    Column("player"),
    Column("variant"),
    *(
        Column(lambda r: r, header=heading, format=_arm(name), missing=False)
        for heading, name in [
            ("%played 0-shot", "pct_played_base"),
            ("%played k-shot", "pct_played_variant"),
            ("quality 0-shot", "quality_base"),
            ("quality k-shot", "quality_variant"),
        ]
    ),
    Column("comparison"),
    *(
        Column(lambda r: r, header=heading, format=_p_text(test), missing=False)
        for heading, test in [("p (quality)", "permutation"), ("p (%played)", "mcnemar")]
    ),
]


def shots_markdown(shots: pd.DataFrame) -> str:
    """The zero- vs few-shot table as `make run` prints it: mean [CI] per arm, padded for a
    terminal."""
    if shots.empty:
        return "No config played a game and a few-shot variant of it.\n"
    return render.markdown(shots, SHOTS_MD_COLUMNS, padded=True)
