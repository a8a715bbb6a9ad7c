"""A real clemcore 3.x run on the embedded model, kept small as the importer's test fixture.

Runs `clem run` + `clem score` (see peer_clemcore_side) for the first N instances (round-robin over
the experiments, as the throughput benchmarks select them) of each clembench v1.6 game, then
copies only the files the importer reads (run.json, experiment.json, and per episode
interactions.json, instance.json, scores.json) to OUT.

    .venv/bin/python benchmarks/make_clemcore_fixture.py CLEMBENCH_DIR OUT --instances 2
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import peer_clemcore_side as clemcore_side  # noqa: E402
from selfplay_throughput import select_instances  # noqa: E402

KEPT = ("interactions.json", "instance.json", "scores.json")


def strip(results: Path, out: Path) -> int:
    """Copy the importer's files of every episode below `results` to `out`; episodes copied."""
    copied = 0
    for run in results.glob("*/run.json"):
        model_dir = out / run.parent.name
        model_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(run, model_dir / "run.json")
    for episode in sorted(results.glob("*/*/*/instance_*")):
        if not (episode / "interactions.json").is_file():
            continue  # the game master failed before the episode began
        target = out / episode.relative_to(results)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(episode.parent / "experiment.json", target.parent / "experiment.json")
        for name in KEPT:
            if (episode / name).is_file():
                shutil.copy(episode / name, target / name)
        copied += 1
    return copied


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clembench", type=Path, help="a clembench checkout")
    parser.add_argument("out", type=Path)
    parser.add_argument("--games", default=",".join(clemcore_side.CLEMBENCH_FILES))
    parser.add_argument("--instances", type=int, default=2, help="episodes per game")
    parser.add_argument("--per-game", default="", help="game=N,... overriding --instances")
    parser.add_argument("--max-tokens", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--venv", type=Path, default=clemcore_side.DEFAULT_VENV)
    args = parser.parse_args(argv)
    from clemgrid.games.registry import GAMES

    python = clemcore_side.ensure_venv(args.venv)
    counts = {g: int(n) for g, n in (x.split("=") for x in args.per_game.split(",") if x)}
    games = {
        game: select_instances(GAMES[game].load_instances(), counts.get(game, args.instances))
        for game in args.games.split(",")
    }
    with tempfile.TemporaryDirectory(prefix="clemcore-fixture-") as tmp:
        root = clemcore_side.workspace(
            Path(tmp), args.clembench, games, clemcore_side.embedded_gguf(), args.threads
        )
        results = root / "results"
        for game in games:
            counted = clemcore_side.run_game(python, root, game, results, args.max_tokens)
            print(game, json.dumps(counted), flush=True)
            strip(results, args.out)  # after every game: a stopped run keeps what it made
        print(f"{strip(results, args.out)} episodes in {args.out}")


if __name__ == "__main__":
    main()
