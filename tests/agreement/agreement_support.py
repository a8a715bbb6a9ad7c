"""Helpers of the agreement and turn-taking tests (imported by name: keep this file name unique).

`play` runs one real play job and scores it, as the pipeline's play and score rules do, on the
instances of one game; `turn` builds a transcript row by hand."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from clemgrid import records
from clemgrid.games.registry import GAMES
from clemgrid.pipeline import run_play, score_transcripts, write_instances
from clemgrid.registry import PlayConfig

# Nothing in these tests may download weights; huggingface_hub reads this once, at import.
os.environ["HF_HUB_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parents[2]
MODEL = "SmolLM2-135M-Instruct"
WRONG_EOT = "SmolLM2-135M-Instruct-wrong-eot"


def registry(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "config" / name).read_text())


def config(model: str, backend: str, quant: str = "Q4_1") -> PlayConfig:
    """A config of the repo's registries."""
    return PlayConfig(
        model, backend, quant, registry("models.yaml")[model], registry("backends.yaml")[backend]
    )


def play(
    workdir: Path,
    cfg: PlayConfig,
    game: str = "taboo",
    per_experiment: int = 1,
    max_tokens: int = 24,
    experiments: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(transcripts, scores) of `cfg` playing the first instances of each experiment of `game`
    (of its first `experiments` experiments, if given)."""
    instances = workdir / "instances" / f"{game}.{experiments}.parquet"
    if not instances.exists():
        write_instances(GAMES[game].base_name, 0, instances)
        if experiments is not None:
            rows = records.read_rows(instances)
            kept = list(dict.fromkeys(r["experiment"] for r in rows))[:experiments]
            rows = [r for r in rows if r["experiment"] in kept]
            records.write_table(rows, records.INSTANCE_SCHEMA, instances)
    identity = {
        **cfg.identity(),
        "game": {"name": game, "version": GAMES[game].version},
        "instances": {"per_experiment": per_experiment, "seed": 0},
        "generation": {"temperature": 0.0, "max_tokens": max_tokens, "seed": 0},
        "batch_size": 4,
    }
    stem = workdir / f"{cfg.model}.{cfg.backend}.{cfg.quant}.{game}"
    transcripts = stem.with_suffix(".transcripts.parquet")
    scores = stem.with_suffix(".scores.parquet")
    run_play(identity, instances, transcripts, stem.with_suffix(".timing.parquet"), None)
    score_transcripts(transcripts, instances, scores)
    return pd.read_parquet(transcripts), pd.read_parquet(scores)


def turn(
    step: int,
    response: str,
    messages: str | None = None,
    prompt: str | None = None,
    instance_id: str = "0",
    game: str = "taboo",
    stop_reason: str = "end_of_turn",
) -> dict[str, Any]:
    """One transcript row (the columns the agreement report reads)."""
    return {
        "model": "m",
        "backend": "x",
        "quant": "q",
        "game": game,
        "experiment": "e",
        "instance_id": instance_id,
        "episode_id": int(instance_id),
        "step": step,
        "player": f"player_{step % 2 + 1}",
        "messages": messages if messages is not None else f"messages {step}",
        "rendered_prompt": prompt,
        "response": response,
        "stop_reason": stop_reason,
        "completion_tokens": len(response.split()),
    }


def scores(rows: list[tuple[str, int, float | None]], game: str = "taboo") -> pd.DataFrame:
    """Episode scores: (instance_id, played, quality) per episode."""
    return pd.DataFrame(
        [
            {"game": game, "experiment": "e", "instance_id": i, "played": p, "quality": q}
            for i, p, q in rows
        ]
    )
