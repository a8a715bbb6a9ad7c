"""clemcore (clembench's framework, from PyPI) against clemgrid: same model, games, instances.

    .venv/bin/python benchmarks/peer_clemcore.py CLEMBENCH_DIR
    .venv/bin/python benchmarks/peer_clemcore.py CLEMBENCH_DIR --games taboo --instances 60

CLEMBENCH_DIR is a checkout of github.com/clp-research/clembench (the games). clemcore 3.7.2
runs in a venv of its own (created once, default ~/.cache/clemgrid/peer-venv, with the cached
llama-cpp-python wheel), offline, on the embedded SmolLM2-135M-Instruct Q4_1 GGUF through its
own llama.cpp backend (benchmarks/localgguf_api.py: only the weights' loading is replaced). clemgrid runs
the way benchmarks/selfplay_throughput.py runs a play job (a fresh subprocess per run), at
each --batch-sizes (batch 1 is clemcore's sequential loop). Both play the same instances:
clemgrid's v1.6 instance set, first N round-robin over the experiments, written in clembench's
instance format for clemcore. Greedy decoding, --max-tokens per answer on both.

The runs alternate (per repeat and game: clemcore, then clemgrid at each batch size), and the
1-minute load average is recorded before and after each, since the machine is shared. Per run:
completion tokens/s and episodes/s over the play (model loading excluded: clemcore's run.json
duration of the game, clemgrid's play loop). Completion tokens are llama.cpp's own counts on
both sides. Writes peer_clemcore.csv and peer_clemcore.md under --out after every run.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import peer_clemcore_side as clemcore_side  # noqa: E402
import selfplay_throughput  # noqa: E402

FIELDS = [
    "repeat",
    "game",
    "framework",
    "batch_size",
    "episodes",
    "requests",
    "generated_tokens",
    "prompt_tokens",
    "play_s",
    "tokens_per_s",
    "episodes_per_s",
    "load_before",
    "load_after",
]


ENGINES = {"legacy": "llama_cpp_legacy", "batched": "llama_cpp"}


def clemgrid_run(
    game: str, instances: int, max_tokens: int, batch: int, out: Path, engine: str
) -> dict:
    """One clemgrid play job, as benchmarks/selfplay_throughput.py runs it (llama.cpp backend
    of config/backends.yaml with `parallel` = batch size and the given `engine`)."""
    from clemgrid.pipeline import write_instances

    instances_path = out / f"{game}.instances.parquet"
    if not instances_path.exists():
        write_instances(game, 0, str(instances_path))
    spec = {
        "variant": ENGINES[engine],
        "batch_size": batch,
        "game": game,
        "instances": instances,
        "instances_path": str(instances_path),
        "max_tokens": max_tokens,
        "threads": 0,
        "transcripts": str(out / f"clemgrid-{game}-{engine}-{batch}-{time.time_ns()}.parquet"),
    }
    return selfplay_throughput.run_child(spec, os.environ.get("OMP_WAIT_POLICY", "PASSIVE"))


def measured(run: Any) -> dict[str, Any]:
    """Calls `run` between two readings of the 1-minute load average."""
    before = os.getloadavg()[0]
    result = run()
    played = result["episodes"] > 0  # clemcore writes no episode where a game master fails
    return {
        **result,
        "tokens_per_s": result["generated_tokens"] / result["play_s"] if played else math.nan,
        "episodes_per_s": result["episodes"] / result["play_s"] if played else math.nan,
        "load_before": before,
        "load_after": os.getloadavg()[0],
    }


def summarize(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "# clemcore against clemgrid",
        "",
        f"SmolLM2-135M-Instruct Q4_1, {args.instances} instances per game, max_tokens "
        f"{args.max_tokens}, temperature 0, {args.repeats} repeat(s), alternating; "
        f"{clemcore_side.CLEMCORE}; machine: {os.cpu_count()} CPUs, {platform.machine()}. "
        "Medians over repeats; load: 1-minute load average before/after (medians).",
        "",
        "| game | framework | batch | episodes | completion tokens | episodes/s | tokens/s "
        "| × clemcore (tokens/s, episodes/s) | play s | load before | load after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def med(field: str, runs: list[dict[str, Any]]) -> float:
        return statistics.median(r[field] for r in runs)

    keys = sorted({(r["game"], r["framework"], r["batch_size"]) for r in rows})
    for game, framework, batch in keys:
        runs = [
            r
            for r in rows
            if (r["game"], r["framework"], r["batch_size"]) == (game, framework, batch)
        ]
        peer = [r for r in rows if (r["game"], r["framework"]) == (game, "clemcore")]
        ratio = (
            f"{med('tokens_per_s', runs) / med('tokens_per_s', peer):.2f}×, "
            f"{med('episodes_per_s', runs) / med('episodes_per_s', peer):.2f}×"
            if peer
            else "–"
        )
        lines.append(
            f"| {game} | {framework} | {batch} | {runs[0]['episodes']} "
            f"| {med('generated_tokens', runs):.0f} | {med('episodes_per_s', runs):.3f} "
            f"| {med('tokens_per_s', runs):.1f} | {ratio} | {med('play_s', runs):.1f} "
            f"| {med('load_before', runs):.2f} | {med('load_after', runs):.2f} |"
        )
    return "\n".join(lines) + "\n"


def write(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    with open(args.out / "peer_clemcore.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    summary = summarize(rows, args)
    (args.out / "peer_clemcore.md").write_text(summary)
    return summary


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clembench", type=Path, help="a checkout of clp-research/clembench")
    parser.add_argument("--games", default="taboo,wordle,privateshared")
    parser.add_argument("--instances", type=int, default=10, help="episodes per game and run")
    parser.add_argument("--max-tokens", type=int, default=300, help="clemcore's default")
    parser.add_argument("--batch-sizes", default="1,16", help="clemgrid's, comma-separated")
    parser.add_argument(
        "--engines", default="legacy,batched", help="clemgrid's llama.cpp engines, comma-separated"
    )
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--threads", type=int, default=2, help="clemcore's llama.cpp threads (clemgrid: registry)"
    )
    parser.add_argument("--venv", type=Path, default=clemcore_side.DEFAULT_VENV)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "benchmarks")
    args = parser.parse_args(argv)
    args.games = [g for g in args.games.split(",") if g]
    args.batch_sizes = sorted({int(b) for b in args.batch_sizes.split(",")})
    args.engines = [e for e in args.engines.split(",") if e]
    if set(args.engines) - set(ENGINES):
        parser.error(f"--engines: each of {sorted(ENGINES)}")
    unknown = set(args.games) - set(clemcore_side.CLEMBENCH_FILES)
    if unknown:
        parser.error(f"unknown games {sorted(unknown)}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    os.environ["HF_HUB_OFFLINE"] = "1"
    from clemgrid.games.registry import GAMES

    args.out.mkdir(parents=True, exist_ok=True)
    python = clemcore_side.ensure_venv(args.venv)
    selected = {
        game: selfplay_throughput.select_instances(GAMES[game].load_instances(), args.instances)
        for game in args.games
    }
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="peer-clemcore-") as tmp:
        root = clemcore_side.workspace(
            Path(tmp) / "ws", args.clembench, selected, clemcore_side.embedded_gguf(), args.threads
        )
        runs = Path(tmp) / "clemgrid"
        runs.mkdir()
        for repeat in range(args.repeats):
            for game in args.games:
                plan: list[tuple[str, int, Any]] = [
                    (
                        "clemcore",
                        1,
                        lambda game=game, repeat=repeat: clemcore_side.run_game(
                            python, root, game, root / f"results-{repeat}", args.max_tokens
                        ),
                    )
                ]
                plan += [
                    (
                        f"clemgrid {engine}",
                        size,
                        lambda game=game, size=size, engine=engine: clemgrid_run(
                            game, args.instances, args.max_tokens, size, runs, engine
                        ),
                    )
                    for engine in args.engines
                    for size in args.batch_sizes
                ]
                for framework, size, run in plan:
                    row = {
                        "repeat": repeat,
                        "game": game,
                        "framework": framework,
                        "batch_size": size,
                        **measured(run),
                    }
                    rows.append(row)
                    print(
                        f"{game:14s} {framework:16s} batch {size:2d}: {row['episodes']} episodes, "
                        f"{row['tokens_per_s']:.1f} tokens/s, {row['episodes_per_s']:.3f} "
                        f"episodes/s, load {row['load_before']:.2f} -> {row['load_after']:.2f}",
                        flush=True,
                    )
                    summary = write(rows, args)
    print()
    print(summary)


if __name__ == "__main__":
    main()
