"""Stand-in for vLLM's `vllm` CLI: accepts the `vllm serve` command line clemgrid builds (and
refuses anything else, as vLLM would), prints it, then becomes a real OpenAI-compatible server:
`python -m llama_cpp.server` on the model given, which must be a GGUF file (the embedded model).

`vllm --version` prints a version that cannot be mistaken for vLLM's. $FAKE_VLLM_FAIL makes the
server exit with an error after printing the command (a model that does not load).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

VERSION = "0.0.0+clemgrid-stand-in"


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="vllm")
    cli.add_argument("--version", action="store_true")
    sub = cli.add_subparsers(dest="command")
    serve = sub.add_parser("serve")
    serve.add_argument("model")
    serve.add_argument("--revision")
    serve.add_argument("--served-model-name", required=True)
    serve.add_argument("--host", required=True)
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--tensor-parallel-size", type=int, required=True)
    serve.add_argument("--seed", type=int, required=True)
    serve.add_argument("--max-model-len", type=int, required=True)
    serve.add_argument("--generation-config", choices=["auto", "vllm"], required=True)
    serve.add_argument("--dtype")
    serve.add_argument("--gpu-memory-utilization", type=float)
    serve.add_argument("--max-num-seqs", type=int)
    serve.add_argument("--enforce-eager", action="store_true")
    serve.add_argument("--tokenizer")
    serve.add_argument("--chat-template")
    return cli


def main() -> None:
    args = parser().parse_args()
    if args.version:
        print("INFO some import-time logging")
        print(VERSION)
        return
    if args.command != "serve":
        sys.exit("usage: vllm serve MODEL ...")
    print("fake vllm pid:", os.getpid(), flush=True)
    print("fake vllm argv:", json.dumps(sys.argv[1:]), flush=True)
    print(
        "fake vllm env:",
        json.dumps({k: v for k, v in os.environ.items() if k.startswith("VLLM_")}),
        flush=True,
    )
    if os.environ.get("FAKE_VLLM_FAIL"):
        print("ValueError: the model could not be loaded", flush=True)
        sys.exit(1)
    # exec keeps the pid, the process group and the parent-death signal clemgrid set.
    os.execv(
        sys.executable,
        [
            sys.executable, "-m", "llama_cpp.server",
            "--model", args.model,
            "--model_alias", args.served_model_name,
            "--host", args.host,
            "--port", str(args.port),
            "--seed", str(args.seed),
            "--n_ctx", str(args.max_model_len),
            "--verbose", "false",
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
