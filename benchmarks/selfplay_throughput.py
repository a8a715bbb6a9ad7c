"""Self-play throughput: the batch-1 loop against the batched engine, per local backend.

Plays the same taboo instances with the embedded model (SmolLM2-135M-Instruct, Q4_1 GGUF; the
play configs are built from config/models.yaml and config/backends.yaml) once per backend and
batch size. Batch size 1 is the sequential loop clembench runs. For a batch size B the engine
sends B requests at once and the backend decodes them together: transformers with its option
`batch_size: B`, llama.cpp with `parallel: B` (multi-sequence decoding, see
clemgrid/backends/llama_cpp.py); the variant `llama_cpp_seq` keeps llama.cpp sequential behind
the batched engine.

Every run is a fresh subprocess that does what a play job does (reads the instances parquet,
loads the backend, plays with `clemgrid.engine.play`, writes the transcript parquet), so its
peak RSS (`getrusage(RUSAGE_SELF).ru_maxrss`) is that of a play job. Per run: episodes/s and
generated tokens/s over the play loop (model loading excluded), the CPU time of the process,
the peak RSS, and how many episodes have transcripts identical to the batch-1 run of the same
backend (greedy decoding can drift once prompts are padded or batched: reported, not hidden).
With `--repeats R` every configuration runs R times in rotating order and the median counts;
on a shared machine the ratios of one run are what can be compared, not absolute times.

    .venv/bin/python benchmarks/selfplay_throughput.py                      # full run (long)
    .venv/bin/python benchmarks/selfplay_throughput.py --instances 4 --batch-sizes 1,4

Writes selfplay_throughput.csv (one row per run), selfplay_throughput.md (the summary) and
selfplay_runs/ (every run's transcripts) under --out (default results/benchmarks/), after
every run.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODEL, QUANT = "SmolLM2-135M-Instruct", "Q4_1"
BACKENDS = {
    # variant: (backend entry in config/backends.yaml, option that follows the batch size,
    # options set on top of the entry's)
    "transformers": ("transformers", "batch_size", {}),
    "llama_cpp": ("llama_cpp", "parallel", {"engine": "batched"}),
    "llama_cpp_legacy": ("llama_cpp", "parallel", {"engine": "legacy"}),
    "llama_cpp_seq": ("llama_cpp", None, {"engine": "legacy"}),
}
RSS_TARGET_MB = 2048
SPEEDUP_TARGET = 5.0


# ---------------------------------------------------------------------------------------------
# child: one play job


def select_instances(instances: list[Any], n: int) -> list[Any]:
    """The first n instances taken round-robin over the experiments (all experiments appear)."""
    by_experiment: dict[str, list[Any]] = {}
    for inst in instances:
        by_experiment.setdefault(inst.experiment, []).append(inst)
    rank = {id(inst): i for group in by_experiment.values() for i, inst in enumerate(group)}
    order = list(by_experiment)
    ordered = sorted(instances, key=lambda x: (rank[id(x)], order.index(x.experiment)))
    return ordered[:n]


def child(spec: dict[str, Any]) -> dict[str, Any]:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import yaml

    from clemgrid import records
    from clemgrid.backends import GenerationParams, load_backend
    from clemgrid.engine import play
    from clemgrid.games.registry import GAMES
    from clemgrid.pipeline import read_instances
    from clemgrid.registry import PlayConfig

    models = yaml.safe_load((ROOT / "config" / "models.yaml").read_text())
    backends = yaml.safe_load((ROOT / "config" / "backends.yaml").read_text())
    backend, option, extra = BACKENDS[spec["variant"]]
    entry = json.loads(json.dumps(backends[backend]))
    entry["options"] = {**(entry.get("options") or {}), **extra}
    if option:
        entry["options"][option] = spec["batch_size"]
    if spec.get("threads"):
        entry["options"]["n_threads"] = entry["options"]["n_threads_batch"] = spec["threads"]
    cfg = PlayConfig(MODEL, backend, QUANT, models[MODEL], entry)
    game = GAMES[spec["game"]]
    every = read_instances(spec["instances_path"])
    if spec.get("instance_ids"):  # a peer benchmark's instances, in the file's order
        wanted = {str(i) for i in spec["instance_ids"]}
        instances = [inst for inst in every if str(inst.instance_id) in wanted]
    else:
        instances = select_instances(every, spec["instances"])
    params = GenerationParams(temperature=0.0, max_tokens=spec["max_tokens"], seed=0)

    began = time.perf_counter()
    backend_obj = load_backend(cfg, game)
    if spec.get("threads") and cfg.backend_kind == "transformers":
        import torch

        torch.set_num_threads(spec["threads"])
    # Warm-up outside the timing: first-call costs (paging the weights in, thread pools, the
    # llama.cpp sequence pool, which a batch of two creates) are not throughput.
    hello = [{"role": "user", "content": "Hello"}]
    backend_obj.generate([hello] * min(spec["batch_size"], 2), replace(params, max_tokens=4))
    load_s = time.perf_counter() - began
    with backend_obj:
        wall, cpu = time.perf_counter(), time.process_time()
        result = play(
            game,
            instances,
            backend_obj,
            params,
            {"model": cfg.model, "backend": cfg.backend, "quant": cfg.quant},
            batch_size=spec["batch_size"],
        )
        play_s, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
        pool = getattr(backend_obj, "_batched", None)  # closing the backend drops it
    records.write_table(result.turns, records.TURN_SCHEMA, spec["transcripts"])
    return {
        "prompt_tokens_reused": getattr(pool, "prompt_tokens_reused", 0),
        "episodes": len(instances),
        "requests": result.requests_sent,
        "generated_tokens": sum(t["completion_tokens"] for t in result.turns),
        "prompt_tokens": sum(t["prompt_tokens"] for t in result.turns),
        "backend_calls": len({t["batch"] for t in result.timing}),
        "load_s": load_s,
        "play_s": play_s,
        "cpu_s": cpu_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_avg_1m": os.getloadavg()[0],
    }


# ---------------------------------------------------------------------------------------------
# parent: the grid of runs, comparison, summary


def run_child(spec: dict[str, Any], omp_wait_policy: str) -> dict[str, Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"}
    if omp_wait_policy:
        env["OMP_WAIT_POLICY"] = omp_wait_policy
    proc = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"run {spec} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def episodes_of(path: str) -> dict[tuple[int, str], list[tuple[Any, ...]]]:
    """(episode_id, instance_id) -> the episode's turns as compared between runs."""
    import pyarrow.parquet as pq

    episodes: dict[tuple[int, str], list[tuple[Any, ...]]] = {}
    for row in pq.read_table(path).to_pylist():
        episodes.setdefault((row["episode_id"], row["instance_id"]), []).append(
            (row["step"], row["player"], row["messages"], row["response"], row["stop_reason"])
        )
    return {key: sorted(turns) for key, turns in episodes.items()}


def compare(reference: str, other: str) -> tuple[int, int, bool]:
    """(identical episodes, episodes, same episode and instance ids) of two transcript files."""
    a, b = episodes_of(reference), episodes_of(other)
    same = sum(1 for key, turns in a.items() if b.get(key) == turns)
    return same, len(a), set(a) == set(b)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def summarize(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "# Self-play throughput",
        "",
        f"{MODEL} {QUANT}, game {args.game}, {args.instances} instances, max_tokens "
        f"{args.max_tokens}, temperature 0, {args.repeats} repeat(s), "
        f"OMP_WAIT_POLICY={args.omp_wait_policy or os.environ.get('OMP_WAIT_POLICY', '(unset)')}; "
        f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}.",
        "",
        "Episodes/s, tokens/s, play s and CPU s are medians over the repeats; best s is the "
        "fastest repeat (other load on a shared machine only ever slows a run down). "
        "Speed-up: batch-1 time over the batch size's time, same backend, same run (median "
        "and best); CPU: the same ratio on CPU seconds of the process. Identical: episodes "
        "whose transcripts equal those of the batch-1 run.",
        "",
        "| backend | batch | episodes/s | gen. tokens/s | play s | best s | CPU s "
        "| speed-up | speed-up (best) | CPU speed-up | peak RSS MB | prompt tokens (reused) "
        "| load (1 min) | identical to batch 1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for variant in args.backends:
        mine = [r for r in rows if r["variant"] == variant]
        base = [r for r in mine if r["batch_size"] == 1]
        if not base:
            continue
        base_play = median([r["play_s"] for r in base])
        base_best = min(r["play_s"] for r in base)
        base_cpu = median([r["cpu_s"] for r in base])
        best = (0.0, 0, 0.0)
        for size in sorted({r["batch_size"] for r in mine}):
            runs = [r for r in mine if r["batch_size"] == size]
            play_s = median([r["play_s"] for r in runs])
            best_s = min(r["play_s"] for r in runs)
            cpu_s = median([r["cpu_s"] for r in runs])
            speedup = base_play / play_s
            if size != 1 and speedup > best[0]:
                best = (speedup, size, base_best / best_s)
            worst = min(runs, key=lambda r: r["identical_share"])
            lines.append(
                f"| {variant} | {size} | {runs[0]['episodes'] / play_s:.3f} "
                f"| {median([r['generated_tokens'] / r['play_s'] for r in runs]):.1f} "
                f"| {play_s:.1f} | {best_s:.1f} | {cpu_s:.1f} | {speedup:.2f}x "
                f"| {base_best / best_s:.2f}x | {base_cpu / cpu_s:.2f}x "
                f"| {max(r['peak_rss_mb'] for r in runs):.0f} "
                f"| {runs[0]['prompt_tokens']} ({runs[0].get('prompt_tokens_reused', 0)}) "
                f"| {median([r['load_avg_1m'] for r in runs]):.1f} "
                f"| {worst['identical']} ({100 * worst['identical_share']:.0f}%) |"
            )
        peak = max(r["peak_rss_mb"] for r in mine)
        target = f" (target >= {SPEEDUP_TARGET:.0f}x)" if variant == "transformers" else ""
        verdicts.append(
            f"- {variant}: best speed-up {best[0]:.2f}x (median; {best[2]:.2f}x best of "
            f"repeats) at batch {best[1]}{target}; peak RSS {peak:.0f} MB "
            f"(target <= {RSS_TARGET_MB} MB: {'met' if peak <= RSS_TARGET_MB else 'missed'})."
        )
    return "\n".join([*lines, "", *verdicts]) + "\n"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=32, help="episodes per run")
    parser.add_argument("--batch-sizes", default="1,4,8,16,32", help="comma-separated")
    parser.add_argument(
        "--backends",
        default="transformers,llama_cpp",
        help=f"comma-separated, of {', '.join(BACKENDS)}",
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs per configuration")
    parser.add_argument(
        "--max-tokens", type=int, default=None, help="default: generation.max_tokens of config"
    )
    parser.add_argument("--game", default="taboo")
    parser.add_argument("--threads", type=int, default=0, help="override n_threads (0: registry)")
    parser.add_argument(
        "--omp-wait-policy",
        default="PASSIVE",
        help="OMP_WAIT_POLICY of the runs ('' inherits): PASSIVE keeps idle OpenMP threads of "
        "llama.cpp and torch from spinning, which on a shared machine makes timings erratic",
    )
    parser.add_argument("--out", default=str(ROOT / "results" / "benchmarks"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.batch_sizes = sorted({int(b) for b in args.batch_sizes.split(",")} | {1})
    args.backends = [b for b in args.backends.split(",") if b]
    if args.max_tokens is None:
        import yaml

        config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
        args.max_tokens = int(config["generation"]["max_tokens"])
    unknown = set(args.backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backends {sorted(unknown)}")
    return args


FIELDS = [
    "variant",
    "batch_size",
    "repeat",
    "episodes",
    "requests",
    "backend_calls",
    "generated_tokens",
    "prompt_tokens",
    "load_s",
    "play_s",
    "cpu_s",
    "episodes_per_s",
    "tokens_per_s",
    "peak_rss_mb",
    "prompt_tokens_reused",
    "load_avg_1m",
    "identical",
    "identical_share",
    "same_instance_ids",
]


def write_results(rows: list[dict[str, Any]], args: argparse.Namespace, out: Path) -> str:
    """CSV and summary of the runs so far (rewritten after every run: a long benchmark that is
    stopped early still leaves its results)."""
    with open(out / "selfplay_throughput.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    **row,
                    "episodes_per_s": row["episodes"] / row["play_s"],
                    "tokens_per_s": row["generated_tokens"] / row["play_s"],
                }
            )
    summary = summarize(rows, args)
    (out / "selfplay_throughput.md").write_text(summary)
    return summary


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    os.environ["HF_HUB_OFFLINE"] = "1"
    from clemgrid.pipeline import write_instances

    out = Path(args.out)
    runs = out / "selfplay_runs"  # the transcripts of every run, kept for inspection
    runs.mkdir(parents=True, exist_ok=True)
    instances_path = str(runs / f"{args.game}.parquet")
    write_instances(args.game, 0, instances_path)
    rows: list[dict[str, Any]] = []
    reference: dict[str, str] = {}  # backend entry -> transcripts of its first batch-1 run
    combos = [(size, variant) for size in args.batch_sizes for variant in args.backends]
    for repeat in range(args.repeats):
        # Variants alternate within each batch size, and the order rotates between repeats:
        # drifting load on a shared machine hits every configuration alike.
        shift = repeat % len(combos)
        for size, variant in combos[shift:] + combos[:shift]:
            transcripts = str(runs / f"{variant}-{size}-{repeat}.parquet")
            spec = {
                "variant": variant,
                "batch_size": size,
                "game": args.game,
                "instances": args.instances,
                "instances_path": instances_path,
                "max_tokens": args.max_tokens,
                "threads": args.threads,
                "transcripts": transcripts,
            }
            result = run_child(spec, args.omp_wait_policy)
            # Compared with the first batch-1 run on the same backend entry: with
            # --backends llama_cpp_seq,... that is the sequential (old) llama.cpp path.
            entry = BACKENDS[variant][0]
            if size == 1:  # sizes start at 1 in the first repeat: a reference exists
                reference.setdefault(entry, transcripts)
            same, total, same_ids = compare(reference[entry], transcripts)
            row = {
                "variant": variant,
                "batch_size": size,
                "repeat": repeat,
                **result,
                "identical": f"{same}/{total}",
                "identical_share": same / total if total else math.nan,
                "same_instance_ids": same_ids,
            }
            rows.append(row)
            print(
                f"{variant:14s} batch {size:3d} repeat {repeat}: "
                f"{result['episodes'] / result['play_s']:.3f} episodes/s, "
                f"{result['generated_tokens'] / result['play_s']:.1f} tokens/s, "
                f"play {result['play_s']:.1f}s, CPU {result['cpu_s']:.1f}s, "
                f"RSS {result['peak_rss_mb']:.0f} MB, identical {same}/{total}",
                flush=True,
            )
            summary = write_results(rows, args, out)
    print()
    print(summary)


if __name__ == "__main__":
    main()
