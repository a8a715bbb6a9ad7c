"""Reading a clembench results directory (the layout of clembench/clembench-runs).

    <root>/<model0>-t<T>--<model1>-t<T>/<game>/<idx>_<experiment>/episode_<k>/
        interactions.json   the game master's event log (required here)
        instance.json       the game instance (optional: the index may lack it)
        scores.json         clembench's scores (optional)

`root` may be a results directory holding player-pair directories (e.g. clembench-runs'
`v1.6/`), a single player-pair directory, or a pair's game directory. Files may be stripped
copies (no timestamps, no prompt texts): only the events' `from`, `to` and `action.type` and the
players' `get message` / `probe answer` contents are required.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_EXPERIMENT_DIR = re.compile(r"^(?P<index>\d+)_(?P<name>.+)$")
_EPISODE_DIR = re.compile(r"^episode_(?P<index>\d+)$")
_TEMPERATURE = re.compile(r"-t\d+(\.\d+)?$")


@dataclass(frozen=True)
class EpisodeFiles:
    """One episode directory and what it holds."""

    pair: str  # the player-pair directory name, e.g. gpt-4-0613-t0.0--gpt-4-0613-t0.0
    game: str
    experiment_index: int  # the <idx> of <idx>_<experiment>
    experiment: str
    episode_index: int  # the k of episode_k: the k-th instance of the experiment
    path: Path
    interactions: dict[str, Any]
    instance: dict[str, Any] | None
    scores: dict[str, Any] | None

    @property
    def key(self) -> str:
        """A readable id: <pair>/<game>/<idx>_<experiment>/episode_<k>."""
        return (
            f"{self.pair}/{self.game}/{self.experiment_index}_{self.experiment}/"
            f"episode_{self.episode_index}"
        )


def pair_models(pair: str) -> tuple[str, str]:
    """The two model names of a player-pair directory (temperature suffixes removed)."""
    parts = pair.split("--")
    if len(parts) != 2:
        raise ValueError(
            f"{pair!r} is not a clembench player-pair directory (<m0>-t<T>--<m1>-t<T>)"
        )
    first, second = (_TEMPERATURE.sub("", part) for part in parts)
    return first, second


def pair_model(pair: str) -> str:
    """The model a self-play pair stands for; `m0--m1` when the two players differ."""
    first, second = pair_models(pair)
    return first if first == second else f"{first}--{second}"


def _read_json(path: Path) -> Any:
    # clembench writes NaN as a bare token; Python's json reads it.
    return json.loads(path.read_text("utf-8"))


def _is_pair_dir(path: Path) -> bool:
    return path.is_dir() and "--" in path.name


def _pair_dirs(root: Path, games: set[str]) -> list[tuple[Path, list[Path]]]:
    """(pair directory, its game directories to read) for every pair below or at `root`."""
    root = root.resolve()
    if root.name in games and _is_pair_dir(root.parent):
        return [(root.parent, [root])]
    if _is_pair_dir(root):
        pairs = [root]
    else:
        pairs = sorted(p for p in root.iterdir() if _is_pair_dir(p))
    return [
        (pair, sorted(g for g in pair.iterdir() if g.is_dir() and g.name in games))
        for pair in pairs
    ]


def find_episodes(root: str | Path, games: set[str]) -> list[EpisodeFiles]:
    """Every episode with an interactions.json, in (pair, game, experiment, episode) order.

    Episode directories without interactions.json are skipped (clembench could not have scored
    them either); so are games not in `games`.
    """
    episodes = []
    for pair_dir, game_dirs in _pair_dirs(Path(root), games):
        for game_dir in game_dirs:
            experiments = []
            for exp_dir in game_dir.iterdir():
                match = _EXPERIMENT_DIR.match(exp_dir.name)
                if exp_dir.is_dir() and match:
                    experiments.append((int(match["index"]), match["name"], exp_dir))
            for exp_index, exp_name, exp_dir in sorted(experiments):
                listed = []
                for ep_dir in exp_dir.iterdir():
                    match = _EPISODE_DIR.match(ep_dir.name)
                    if ep_dir.is_dir() and match and (ep_dir / "interactions.json").is_file():
                        listed.append((int(match["index"]), ep_dir))
                for ep_index, ep_dir in sorted(listed):
                    instance = ep_dir / "instance.json"
                    scores = ep_dir / "scores.json"
                    episodes.append(
                        EpisodeFiles(
                            pair=pair_dir.name,
                            game=game_dir.name,
                            experiment_index=exp_index,
                            experiment=exp_name,
                            episode_index=ep_index,
                            path=ep_dir,
                            interactions=_read_json(ep_dir / "interactions.json"),
                            instance=_read_json(instance) if instance.is_file() else None,
                            scores=_read_json(scores) if scores.is_file() else None,
                        )
                    )
    return episodes
