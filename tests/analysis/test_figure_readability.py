"""Our runs' figures can be read where the paper prints them: text at least 7 pt on paper,
no overlapping labels, colours that differ in greyscale (matplotlib objects inspected)."""

import re

import numpy as np
import pandas as pd
import pytest
import yaml
from support import ROOT

from clemgrid.analysis import figures, readability
from clemgrid.games.registry import ZERO_SHOT

GAMES = [game.name for game in ZERO_SHOT]  # clembench's seven, in the registry's order


def printed(name: str) -> tuple[float, float | None, bool]:
    """(width, max height, shrink only) in inches at which the paper includes
    figures/<name>.pdf; ``max width`` shrinks a wider figure and leaves a narrower one."""
    for path in (ROOT / "paper" / "sections").glob("*.tex"):
        found = re.search(
            r"\\includegraphics\[([^\]]*)\]\{figures/" + re.escape(name) + r"\.pdf\}",
            path.read_text(),
        )
        if found:
            options = {
                k.strip(): v for k, _, v in (o.partition("=") for o in found.group(1).split(","))
            }
            shrink_only = "width" not in options
            width = options.get("width", options.get("max width", ""))
            width = width.replace("\\linewidth", "") or "1"
            height = options.get("max height", "").replace("\\textheight", "")
            return (
                float(width) * readability.TEXT_WIDTH,
                float(height or 1) * readability.TEXT_HEIGHT if height else None,
                shrink_only,
            )
    raise AssertionError(f"figures/{name}.pdf is not in the paper")


@pytest.fixture(scope="module")
def grid() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The default grid's configs (three backends, two synthetic players) on 14 games."""
    configs = pd.DataFrame(
        {
            "model": ["SmolLM2-135M-Instruct"] * 3 + ["synthetic-strong", "synthetic-weak"],
            "backend": ["llama_cpp", "llama_cpp_server", "transformers", "scripted", "scripted"],
            "quant": ["Q4_1"] * 3 + ["none"] * 2,
            "source": "clemgrid",
            "player": ["LLM"] * 3 + ["synthetic"] * 2,
            "clemscore": [0.0, 0.0, 1.2, 70.1, 30.5],
            "ci_low": [0.0, 0.0, 0.0, 60.0, 20.0],
            "ci_high": [0.0, 0.0, 3.6, 80.0, 41.0],
            "avg_pct_played": [0.0, 0.0, 5.0, 90.0, 60.0],
            "avg_quality": [np.nan, np.nan, 20.0, 78.0, 50.0],
        }
    )
    synthetic = np.where(configs["player"] == "synthetic", " [synthetic]", "")
    configs["label"] = (
        configs["model"] + " / " + configs["backend"] + " / " + configs["quant"] + synthetic
    )
    games = GAMES + [f"{g}+1shot" for g in GAMES]
    matrix = pd.DataFrame(
        [
            {**c[["model", "backend", "quant", "source"]], "game": g, "pct_played": 50.0}
            for _, c in configs.iterrows()
            for g in games
        ]
    ).assign(quality=40.0)
    return configs, matrix


def _figures(grid):
    configs, matrix = grid
    games = sorted(matrix["game"].unique())
    # as workflow/scripts/run_figures.py draws them
    return {
        "runs_intervals": figures.interval_figure(configs),
        "runs_profiles": figures.profile_figure(
            matrix, configs, ncols=2, games=games, panel=(3.2, 2.6)
        ),
    }


@pytest.mark.parametrize("name", ["runs_intervals", "runs_profiles"])
def test_text_prints_at_seven_points_or_more_and_labels_do_not_overlap(grid, name):
    figure = _figures(grid)[name]
    scale = readability.printed_scale(figure, *printed(name))
    assert readability.small_texts(figure, scale) == []
    assert readability.overlapping_texts(figure) == []


def test_the_checks_catch_small_and_overlapping_text():
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1.5, 1))
    ax = figure.subplots()
    ax.set_xticks(range(3), ["a long label", "another long label", "c"], fontsize=7)
    assert readability.overlapping_texts(figure)
    assert "'c' (4.4 pt)" in readability.small_texts(figure, 5 / 8)


def test_colours_that_tell_things_apart_differ_in_greyscale():
    assert readability.contrast(figures.PLAYED, figures.QUALITY) >= 3
    assert readability.contrast(figures.PLAYED, figures.QUALITY_LINE) >= 3
    ramp = figures.BRACKET_COLOURS
    assert all(readability.contrast(a, b) >= 1.5 for a, b in zip(ramp, ramp[1:], strict=False))
    assert readability.contrast("#3b75af", "#9c6b30") < 1.1  # the old blue and brown


@pytest.fixture(scope="module")
def published(matrix, scores, joined):
    """The published-data figures as workflow/scripts/published_figures.py draws them."""
    from clemgrid.analysis import regression, size_statistics
    from clemgrid.analysis.routes import default_route

    frame = size_statistics.bracket_frame(joined)
    chosen = default_route(scores).nlargest(3, "clemscore")
    defaults = default_route(scores).sort_values("clemscore", ascending=False, kind="stable")
    settings = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())["published"]
    settings = settings["size_statistics"]
    gam = size_statistics.gam(frame, df=settings["gam_df"])
    gamm = size_statistics.mixed_spline(frame, df=settings["gamm_df"])
    tsne = size_statistics.tsne_map(
        matrix, frame, perplexity=settings["tsne_perplexity"], seed=settings["seed"]
    )
    parts = figures.profile_parts(matrix, defaults, 3)
    return {
        "profiles": figures.profile_figure(matrix, chosen, ncols=3, panel=(2.3, 2.0)),
        "size": figures.size_figure(frame, regression.size_frame(joined)),
        "brackets": figures.bracket_figure(frame),
        "dynamics": figures.dynamics_figure(matrix, frame, width=7.0, panel_height=0.95),
        "smooth": figures.smooth_figure(frame, gam["curve"], gamm["curve"]),
        "tsne": figures.tsne_figure(tsne),
        **{f"all_profiles_{i}": part for i, part in enumerate(parts, 1)},
    }


@pytest.mark.parametrize(
    "name",
    [
        "profiles", "size", "brackets", "dynamics", "smooth", "tsne",
        "all_profiles_1", "all_profiles_2", "all_profiles_3",
    ],
)  # fmt: skip
def test_published_figures_print_readably(published, name):
    figure = published[name]
    scale = readability.printed_scale(figure, *printed(name))
    assert readability.small_texts(figure, scale) == []
    assert readability.overlapping_texts(figure) == []


@pytest.fixture(scope="module")
def factor_figures(matrix, scores):
    """The factor section's figures as workflow/scripts/factor_analyses.py draws them."""
    from clemgrid.analysis import factor_analyses, factor_maps, factor_report

    facts = factor_analyses.characteristics_frame(
        ROOT / "resources" / "clembench_v1.6" / "model_characteristics.csv",
        ROOT / "resources" / "mapping" / "model_names.csv",
    )
    mapping = pd.read_csv(ROOT / "resources" / "mapping" / "model_names.csv", dtype=str)
    frame, tables = factor_analyses.analyse(scores, matrix, mapping, facts)
    correlations = tables["correlations"].assign(dataset="scores")
    correlations = pd.concat([correlations, correlations.assign(dataset="results")])
    frame = frame.assign(family=factor_analyses.pooled(frame["family"]))
    grid = factor_maps.tsne_grid(matrix, frame, [5.0, 10.0, 20.0], [0])
    return {
        "correlations": factor_report.correlation_figure(correlations),
        "tsne_grid": factor_report.tsne_grid_figure(grid, 0),
    }


@pytest.mark.parametrize("name", ["correlations", "tsne_grid"])
def test_factor_figures_print_readably(factor_figures, name):
    figure = factor_figures[name]
    scale = readability.printed_scale(figure, *printed(name))
    assert readability.small_texts(figure, scale) == []
    assert readability.overlapping_texts(figure) == []
