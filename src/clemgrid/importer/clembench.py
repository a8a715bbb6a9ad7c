"""Reading a clembench results directory, in either of the two layouts clembench has written.

clembench v1.6 (clembench/clembench-runs):

    <root>/<model0>-t<T>--<model1>-t<T>/<game>/<idx>_<experiment>/episode_<k>/
        interactions.json   the game master's event log (required here)
        instance.json       the game instance (optional: the index may lack it)
        scores.json         clembench's scores (optional)

clemcore 3.x (today's clembench; clemcore/clemgame/callbacks/files.py, `ResultsFolder`):

    <root>/<model dir>/run.json
    <root>/<model dir>/<game>/<experiment>/experiment.json
    <root>/<model dir>/<game>/<experiment>/instance_<game_id:05d>/
        interactions.json, requests.json, instance.json   written by the run
        scores.json                                        written by `clem score`

The clemcore model directory is `<m0>-t<T>--<m1>-t<T>` for two players but `<m>-t<T>` for a
one-player game (wordle); the experiment directory has no index prefix, and an instance
directory is named by the instance's game_id, not by its position in the experiment. The event
log inside interactions.json has the same shape in both (`players`, `turns` of from/to/action
events; clemcore adds `meta` and `player_models`).

`root` may be a results directory holding model directories, a single model directory, or a
model's game directory. Files may be stripped copies (no timestamps, no prompt texts): only the
events' `from`, `to` and `action.type` and the players' `get message` / `probe answer` contents
are required.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_EXPERIMENT_DIR = re.compile(r"^(?P<index>\d+)_(?P<name>.+)$")
_EPISODE_DIR = re.compile(r"^episode_(?P<index>\d+)$")
_INSTANCE_DIR = re.compile(r"^instance_(?P<game_id>\d+)$")
V1_6 = "v1.6"
CLEMCORE3 = "clemcore-3"
_TEMPERATURE = re.compile(r"-t\d+(\.\d+)?$")


@dataclass(frozen=True)
class EpisodeFiles:
    """One episode directory and what it holds."""

    pair: str  # the model directory name, e.g. gpt-4-0613-t0.0--gpt-4-0613-t0.0
    game: str
    experiment_index: int | None  # the <idx> of <idx>_<experiment> (v1.6; clemcore has none)
    experiment: str
    episode_index: int | None  # v1.6: the k of episode_k, the k-th instance of the experiment
    path: Path
    interactions: dict[str, Any]
    instance: dict[str, Any] | None
    scores: dict[str, Any] | None
    layout: str = V1_6
    game_id: int | None = None  # clemcore: the n of instance_<n>, the instance's game_id

    @property
    def key(self) -> str:
        """A readable id: the episode directory below the results directory."""
        return f"{self.pair}/{self.game}/{self.path.parent.name}/{self.path.name}"

    @property
    def model(self) -> str:
        """The model the episode's players stand for (see `pair_model`)."""
        if "--" not in self.pair and self.layout == CLEMCORE3:
            return _TEMPERATURE.sub("", self.pair)  # one player: `<m>-t<T>`
        return pair_model(self.pair)


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


def _is_model_dir(path: Path, games: set[str]) -> bool:
    """A player-pair (v1.6) or model (clemcore: with run.json, or holding a game) directory."""
    if not path.is_dir():
        return False
    if "--" in path.name or (path / "run.json").is_file():
        return True
    return any((path / game).is_dir() for game in games)


def _model_dirs(root: Path, games: set[str]) -> list[tuple[Path, list[Path]]]:
    """(model directory, its game directories to read) for every one below or at `root`."""
    root = root.resolve()
    if root.name in games and _is_model_dir(root.parent, games):
        return [(root.parent, [root])]
    if _is_model_dir(root, games):
        models = [root]
    else:
        models = sorted(p for p in root.iterdir() if _is_model_dir(p, games))
    return [
        (model, sorted(g for g in model.iterdir() if g.is_dir() and g.name in games))
        for model in models
    ]


def _episode_dirs(exp_dir: Path) -> tuple[str, list[tuple[int, Path]]] | None:
    """(layout, [(number, episode directory)]) of an experiment directory; None if it holds
    no episode with an interactions.json."""
    for layout, pattern in ((V1_6, _EPISODE_DIR), (CLEMCORE3, _INSTANCE_DIR)):
        listed = []
        for ep_dir in exp_dir.iterdir():
            match = pattern.match(ep_dir.name)
            if ep_dir.is_dir() and match and (ep_dir / "interactions.json").is_file():
                listed.append((int(match[1]), ep_dir))
        if listed:
            return layout, sorted(listed)
    return None


def _game_episodes(model_dir: Path, game_dir: Path) -> list[EpisodeFiles]:
    """The episodes of one game directory, in (experiment, episode) order."""
    found = []
    for exp_dir in game_dir.iterdir():
        episodes = _episode_dirs(exp_dir) if exp_dir.is_dir() else None
        if episodes is None:
            continue
        layout, listed = episodes
        if layout == V1_6:
            match = _EXPERIMENT_DIR.match(exp_dir.name)
            if not match:
                continue
            exp_index, exp_name = int(match["index"]), match["name"]
        else:
            exp_index, exp_name = None, exp_dir.name
        for number, ep_dir in listed:
            instance = ep_dir / "instance.json"
            scores = ep_dir / "scores.json"
            files = EpisodeFiles(
                pair=model_dir.name,
                game=game_dir.name,
                experiment_index=exp_index,
                experiment=exp_name,
                episode_index=number if layout == V1_6 else None,
                path=ep_dir,
                interactions=_read_json(ep_dir / "interactions.json"),
                instance=_read_json(instance) if instance.is_file() else None,
                scores=_read_json(scores) if scores.is_file() else None,
                layout=layout,
                game_id=number if layout == CLEMCORE3 else None,
            )
            _check_clemcore_ids(files)
            found.append(((exp_index if exp_index is not None else -1, exp_name, number), files))
    return [files for _, files in sorted(found, key=lambda item: item[0])]


def _check_clemcore_ids(files: EpisodeFiles) -> None:
    """A clemcore episode's directory names must agree with the ids its files record."""
    if files.layout != CLEMCORE3:
        return
    logged = {}
    if files.instance is not None and "game_id" in files.instance:
        logged["instance.json game_id"] = files.instance["game_id"]
    meta = files.interactions.get("meta") or {}
    if "game_id" in meta:
        logged["interactions.json meta.game_id"] = meta["game_id"]
    for where, game_id in logged.items():
        if int(game_id) != files.game_id:
            raise ValueError(
                f"{files.key}: {where} is {game_id}, the directory says {files.game_id}"
            )
    name = meta.get("experiment_name")
    if name is not None and name != files.experiment:
        raise ValueError(f"{files.key}: interactions.json meta.experiment_name is {name!r}")


def find_episodes(root: str | Path, games: set[str]) -> list[EpisodeFiles]:
    """Every episode with an interactions.json, in (model dir, game, experiment, episode) order.

    Both layouts may be mixed below `root` (each experiment directory is read in the layout its
    episode directories have). Episode directories without interactions.json are skipped
    (clembench could not have scored them either); so are games not in `games`.
    """
    episodes = []
    for model_dir, game_dirs in _model_dirs(Path(root), games):
        for game_dir in game_dirs:
            episodes.extend(_game_episodes(model_dir, game_dir))
    return episodes
