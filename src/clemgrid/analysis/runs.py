"""Tables of our own runs: configs with bootstrap intervals, per-game scores, zero- vs few-shot.

Every frame carries a ``player`` column, "synthetic" for models whose registry facts say
``synthetic: true`` (scripted or simulated players of known skill, not language models) and
"LLM" otherwise, and a ``label`` for figures that says the same (a deliberately misconfigured
registry entry, ``facts.misconfigured``, is labelled so too); rows are ordered language models
first, then synthetic players, each by model, backend and quant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from typing import Any

import pandas as pd

from clemgrid.analysis import render
from clemgrid.analysis.render import Column
from clemgrid.analysis.uncertainty import PairedTest, mean_interval, paired_tests

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


def config_table(
    clemscore: pd.DataFrame,
    intervals: pd.DataFrame,
    synthetic: Iterable[str],
    misconfigured: Iterable[str] = (),
) -> pd.DataFrame:
    """One row per config: the aggregate's clemscore and averages with the bootstrap interval."""
    merged = clemscore.merge(
        intervals[[*CONFIG_KEYS, "ci_low", "ci_high", "n_boot"]],
        on=CONFIG_KEYS,
        how="left",
        validate="1:1",
    )
    columns = [
        *CONFIG_KEYS,
        "source",
        "n_games",
        "clemscore",
        "ci_low",
        "ci_high",
        "n_boot",
        "avg_pct_played",
        "avg_quality",
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
    a bootstrap CI (at :data:`settings.LEVEL`) of each arm's %played and quality (`*_low`, `*_high`)."""
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
    if not rows:
        return pd.DataFrame(columns=[*CONFIG_KEYS, "player", "label", *columns[3:]])
    table = label_players(pd.DataFrame(rows, columns=columns), synthetic, misconfigured)
    return table[[*CONFIG_KEYS, "player", "label", *columns[3:]]]


def paired_table(comparisons: pd.DataFrame, synthetic: Iterable[str]) -> pd.DataFrame:
    """The paired backend/quant tests (``clemscore_intervals``' comparisons) with ``player``."""
    if comparisons.empty:
        return pd.DataFrame(columns=[*PAIRED_COLUMNS[:1], "player", *PAIRED_COLUMNS[1:]])
    synthetic = set(synthetic)
    table = comparisons[PAIRED_COLUMNS].assign(
        player=comparisons["model"].map(lambda m: SYNTHETIC if m in synthetic else LLM)
    )
    table = table.sort_values(
        ["player", "model", "game", "config_a", "config_b"], kind="stable"
    ).reset_index(drop=True)
    return table[[*PAIRED_COLUMNS[:1], "player", *PAIRED_COLUMNS[1:]]]


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
    # A p-value the test could not compute prints as "nan" (as it always has).
    Column("permutation_p", header="p (quality)", format="{:.3f}".format, missing=False),
    Column("mcnemar_p", header="p (%played)", format="{:.3f}".format, missing=False),
]


def shots_markdown(shots: pd.DataFrame) -> str:
    """The zero- vs few-shot table as `make run` prints it: mean [CI] per arm, padded for a
    terminal."""
    if shots.empty:
        return "No config played a game and a few-shot variant of it.\n"
    return render.markdown(shots, SHOTS_MD_COLUMNS, padded=True)
