"""Where each page of the site lives, and links between pages that work from file://.

Names come from model output and instance files, so every path part is made filesystem-safe;
a part that had to change gets a short hash so two names never land on one file.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from clemgrid.viewer.episodes import Episode

SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
INDEX = "index.html"
SUMMARY = "summary.html"


def slug(text: str) -> str:
    if SAFE.fullmatch(text):
        return text
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", text)[:60].lstrip("._-")
    return f"{cleaned}-{hashlib.sha1(text.encode()).hexdigest()[:8]}".lstrip("-")


def _instance_file(experiment: str, instance_id: str) -> str:
    return f"{slug(experiment)}--{slug(instance_id)}.html"  # never "index.html": it has "--"


def episode_list(config: tuple[str, str, str], game: str) -> str:
    return posixpath.join("runs", *map(slug, config), slug(game), INDEX)


def episode_page(episode: Episode) -> str:
    game, experiment, instance_id = episode.instance
    folder = posixpath.dirname(episode_list(episode.config, game))
    return posixpath.join(folder, _instance_file(experiment, instance_id))


def compare_index(game: str) -> str:
    return posixpath.join("compare", slug(game), INDEX)


def compare_page(instance: tuple[str, str, str]) -> str:
    game, experiment, instance_id = instance
    return posixpath.join("compare", slug(game), _instance_file(experiment, instance_id))


def relative(page: str, target: str) -> str:
    """The href from `page` to `target`, both relative to the site root."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")
