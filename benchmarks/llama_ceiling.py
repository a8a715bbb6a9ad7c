"""What llama.cpp itself reaches on this machine with the embedded model, without any game.

    .venv/bin/python benchmarks/llama_ceiling.py [--parallel 1,4,16,32] [--repeats 3]

The ceilings a play job cannot beat: prompt evaluation (tokens/s of one 512-token prompt in
one `llama_decode` call) and batched decoding (tokens/s when N sequences each add one token
per `llama_decode` call, as continuous batching does at full occupancy). Same weights and
threads as the `llama_cpp` entry of config/backends.yaml, one KV stream of 512 cells per
sequence (enough for these lengths; a larger one only costs memory); the tokens are fixed ids,
since the cost of a step does not depend on which tokens it holds. Each rate is the median of
`--repeats` timings taken in this one run.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import llama_cpp
import yaml
from llama_cpp import _internals as llama_internals

from clemgrid.backends.llama_batched import decode
from clemgrid.backends.weights import weight_file
from clemgrid.registry import PlayConfig

ROOT = Path(__file__).resolve().parents[1]
MODEL, BACKEND, QUANT = "SmolLM2-135M-Instruct", "llama_cpp", "Q4_1"
N_CTX = 512  # KV cells per sequence


def _context(model: llama_cpp.Llama, sequences: int, ubatch: int, threads: int) -> object:
    params = llama_cpp.llama_context_default_params()
    params.n_ctx = sequences * N_CTX
    params.n_batch = params.n_ubatch = ubatch
    params.n_seq_max = sequences
    params.kv_unified = False
    params.n_threads = params.n_threads_batch = threads
    return llama_internals.LlamaContext(model=model._model, params=params, verbose=False)


def prompt_rate(model: llama_cpp.Llama, threads: int, tokens: int = 512) -> float:
    """Tokens/s of one prompt evaluated in a single call."""
    ctx = _context(model, 1, tokens, threads)
    batch = llama_internals.LlamaBatch(n_tokens=tokens, embd=0, n_seq_max=1, verbose=False)
    start = time.perf_counter()
    decode(ctx, batch, [(100 + i % 1000, i, 0, i == tokens - 1) for i in range(tokens)])
    return tokens / (time.perf_counter() - start)


def decode_rate(model: llama_cpp.Llama, threads: int, parallel: int, steps: int = 32) -> float:
    """Tokens/s of `parallel` sequences decoding together after a 64-token prompt each."""
    prompt = 64
    ctx = _context(model, parallel, max(prompt, parallel), threads)
    batch = llama_internals.LlamaBatch(
        n_tokens=max(prompt, parallel), embd=0, n_seq_max=1, verbose=False
    )
    for seq in range(parallel):
        decode(ctx, batch, [(100 + i, i, seq, i == prompt - 1) for i in range(prompt)])
    start = time.perf_counter()
    for step in range(steps):
        decode(ctx, batch, [(200 + step, prompt + step, seq, True) for seq in range(parallel)])
    return parallel * steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parallel", default="1,4,16,32", help="sequences decoding together")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    models = yaml.safe_load((ROOT / "config" / "models.yaml").read_text())
    entry = yaml.safe_load((ROOT / "config" / "backends.yaml").read_text())[BACKEND]
    cfg = PlayConfig(MODEL, BACKEND, QUANT, models[MODEL], entry)
    threads = int(entry["options"]["n_threads"])
    model = llama_cpp.Llama(
        model_path=str(weight_file(cfg)), n_ctx=N_CTX, n_threads=threads, verbose=False
    )
    cpu = Path("/proc/cpuinfo").read_text().split()
    flags = [f for f in ("avx", "avx2", "avx512f", "f16c", "fma") if f in cpu]
    print(f"{platform.machine()}, CPU flags {', '.join(flags)}; {threads} threads")
    repeats = range(args.repeats)
    rows = [("prompt, 512 tokens in one call", [prompt_rate(model, threads) for _ in repeats])]
    rows += [
        (f"decode, {n} sequence(s) per step", [decode_rate(model, threads, n) for _ in repeats])
        for n in (int(p) for p in args.parallel.split(","))
    ]
    print("| what | tokens/s (median) |\n|---|---:|")
    for label, rates in rows:
        print(f"| {label} | {statistics.median(rates):.1f} |")


if __name__ == "__main__":
    main()
