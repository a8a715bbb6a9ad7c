"""Render transcripts and scores into a static HTML site that researchers read offline.

Pages: `index.html` (configs × games), one episode list per config × game, one page per
episode, one side-by-side page per instance played by several configs (plus a per-game grid of
them), and `summary.html` (score matrix and figures). Every file is self-contained: the CSS is
inlined, figures are data URIs, and a Content-Security-Policy forbids scripts and remote loads.
Model text is escaped by Jinja's autoescaping; nothing from the data is marked safe.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from clemgrid.viewer import paths
from clemgrid.viewer.episodes import Episode, load_episodes
from clemgrid.viewer.summary import (
    figures,
    heat,
    matrix_from_scores,
    matrix_table,
    number,
)

PLAYER_CLASSES = 4  # distinct bubble colours in the CSS


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("clemgrid.viewer", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(heat=heat, number=number)
    env.globals.update(label=lambda config: " / ".join(config))
    return env


def bubble_classes(episode: Episode) -> dict[str, str]:
    """Colour and side per player: the first player on the left, the second on the right."""
    return {
        player: f"p{i % PLAYER_CLASSES} {'left' if i % 2 == 0 else 'right'}"
        for i, player in enumerate(episode.players)
    }


class Site:
    """Writes pages as they are rendered, each at its path relative to the site root."""

    def __init__(self, out_dir: Path) -> None:
        self.env = _environment()
        self.out_dir = out_dir
        self.pages: list[str] = []

    def add(self, page: str, template: str, **context: Any) -> None:
        html = self.env.get_template(template).render(href=partial(paths.relative, page), **context)
        target = self.out_dir / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        self.pages.append(page)

    def written(self) -> list[Path]:
        return [self.out_dir / page for page in sorted(self.pages)]


def _cell_stats(episodes: list[Episode]) -> dict[tuple, dict[str, Any]]:
    """Per (config, game): %played and quality as `aggregate` computes them, outcome counts."""
    matrix = matrix_from_scores([e.score for e in episodes if e.score])
    stats: dict[tuple, dict[str, Any]] = defaultdict(
        lambda: {"pct_played": None, "quality": None, "outcomes": Counter()}
    )
    for row in matrix.to_dict("records"):
        key = ((row["model"], row["backend"], row["quant"]), row["game"])
        stats[key].update(pct_played=row["pct_played"], quality=row["quality"])
    for episode in episodes:
        stats[(episode.config, episode.keys["game"])]["outcomes"][episode.outcome] += 1
    return dict(stats)


def render_site(
    transcripts: Sequence[str | Path],
    scores: Sequence[str | Path],
    out_dir: str | Path,
    matrix: str | Path | None = None,
    figures_dir: str | Path | None = None,
    figure_files: Iterable[str | Path] | None = None,
) -> list[Path]:
    """Write the site under `out_dir` and return the files written, in path order.

    `matrix` is the run's matrix.parquet (it may hold imported published rows); without it the
    summary's matrix is computed from `scores`. The PNGs `figure_files` under `figures_dir`
    (default: every PNG there) go on the summary page.
    """
    episodes = load_episodes(transcripts, scores)
    by_instance: dict[tuple, list[Episode]] = defaultdict(list)
    by_cell: dict[tuple, list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_instance[episode.instance].append(episode)
        by_cell[(episode.config, episode.keys["game"])].append(episode)
    shared = {key: eps for key, eps in by_instance.items() if len(eps) > 1}
    site = Site(Path(out_dir))

    stats = _cell_stats(episodes)
    configs = sorted({config for config, _ in by_cell})
    games = sorted({game for _, game in by_cell})
    site.add(
        paths.INDEX,
        "index.html.j2",
        configs=configs,
        games=games,
        stats=stats,
        lists={cell: paths.episode_list(*cell) for cell in by_cell},
        compare_indexes={g: paths.compare_index(g) for g in games},
        n_episodes=len(episodes),
    )

    for (config, game), cell in by_cell.items():
        site.add(
            paths.episode_list(config, game),
            "episodes.html.j2",
            config=config,
            game=game,
            stats=stats[(config, game)],
            episodes=[(e, paths.episode_page(e)) for e in cell],
            compare={
                e.instance: paths.compare_page(e.instance) for e in cell if e.instance in shared
            },
        )
        for i, episode in enumerate(cell):
            others = shared.get(episode.instance, [])
            site.add(
                paths.episode_page(episode),
                "episode.html.j2",
                episode=episode,
                classes=bubble_classes(episode),
                list_page=paths.episode_list(config, game),
                previous=paths.episode_page(cell[i - 1]) if i > 0 else None,
                next=paths.episode_page(cell[i + 1]) if i + 1 < len(cell) else None,
                compare=paths.compare_page(episode.instance) if others else None,
                n_others=max(len(others) - 1, 0),
            )

    for instance, played in shared.items():
        site.add(
            paths.compare_page(instance),
            "compare.html.j2",
            instance=instance,
            columns=[(e, bubble_classes(e), paths.episode_page(e)) for e in played],
            n_rows=max(len(e.steps) for e in played),
            compare_index=paths.compare_index(instance[0]),
        )
    for game in games:
        instances = sorted(i for i in by_instance if i[0] == game)
        game_configs = sorted({c for c, g in by_cell if g == game})
        site.add(
            paths.compare_index(game),
            "compare_index.html.j2",
            game=game,
            configs=game_configs,
            instances=instances,
            played={
                (e.instance, e.config): (e, paths.episode_page(e))
                for i in instances
                for e in by_instance[i]
            },
            compare={i: paths.compare_page(i) for i in instances if i in shared},
        )

    matrix_frame = (
        pd.read_parquet(matrix)
        if matrix is not None
        else matrix_from_scores([e.score for e in episodes if e.score])
    )
    site.add(
        paths.SUMMARY,
        "summary.html.j2",
        table=matrix_table(matrix_frame),
        figures=figures(Path(figures_dir) if figures_dir is not None else None, figure_files),
        figures_dir=str(figures_dir) if figures_dir is not None else None,
    )
    return site.written()
