"""clemgrid's side of a peer benchmark: play games as a play job does and report its speed.

`measure()` runs one play job in a fresh subprocess (`selfplay_throughput.child`: reads the
instances, loads the backend, plays with `clemgrid.engine.play`, writes the transcripts) and
returns completion tokens/s and episodes/s over the play loop (loading excluded), peak RSS and
the machine's load, so a comparison with another framework (benchmarks/peer_clemcore.py) can
alternate the two in one run.

    .venv/bin/python benchmarks/clemgrid_play.py --games taboo,wordle --instances 60 \\
        --batch-size 16 --max-tokens 300          # one JSON line per game
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from selfplay_throughput import BACKENDS, run_child  # noqa: E402


def measure(
    game: str,
    instances: int = 60,
    batch_size: int = 16,
    max_tokens: int = 300,
    variant: str = "llama_cpp",
    instance_ids: list[str] | None = None,
    out_dir: str | None = None,
) -> dict[str, Any]:
    """One play job of the embedded model: `instances` episodes of `game` (taken round-robin
    over its experiments, or only `instance_ids`), `batch_size` requests per backend call and
    as many sequences decoded together (llama.cpp `parallel`)."""
    from clemgrid.pipeline import write_instances

    out = Path(out_dir or tempfile.mkdtemp(prefix="clemgrid-play-"))
    out.mkdir(parents=True, exist_ok=True)
    instances_path = out / f"{game}.parquet"
    if not instances_path.exists():
        write_instances(game, 0, instances_path)
    spec = {
        "variant": variant,
        "batch_size": batch_size,
        "game": game,
        "instances": instances,
        "instance_ids": instance_ids,
        "instances_path": str(instances_path),
        "max_tokens": max_tokens,
        "threads": 0,
        "transcripts": str(out / f"{game}-{variant}-{batch_size}.parquet"),
    }
    result = run_child(spec, "PASSIVE")
    return {
        "game": game,
        "variant": variant,
        "batch_size": batch_size,
        **result,
        "completion_tokens_per_s": result["generated_tokens"] / result["play_s"],
        "episodes_per_s": result["episodes"] / result["play_s"],
        "transcripts": spec["transcripts"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", default="taboo")
    parser.add_argument("--instances", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=300)
    parser.add_argument("--variant", default="llama_cpp", choices=sorted(BACKENDS))
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    for game in args.games.split(","):
        row = measure(
            game, args.instances, args.batch_size, args.max_tokens, args.variant, None, args.out
        )
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
