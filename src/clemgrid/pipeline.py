"""The pipeline's steps as plain functions; Snakemake scripts and the CLI both call these."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from clemgrid import records
from clemgrid.analysis.render import Column, fixed, markdown
from clemgrid.backends import GenerationParams, load_backend
from clemgrid.cache import ResponseCache
from clemgrid.engine import play
from clemgrid.entries import PlayConfig
from clemgrid.games.base import Instance
from clemgrid.games.registry import GAMES
from clemgrid.hashing import canonical_json, stable_hash
from clemgrid.sampling import Sampling
from clemgrid.scoring import clemscores, game_scores

log = logging.getLogger("clemgrid")


def write_instances(game: str, seed: int, out: str | Path) -> int:
    spec = GAMES[game]
    rows = [
        {
            "game": game,
            "game_version": spec.version,
            "experiment": inst.experiment,
            "instance_id": inst.instance_id,
            "seed": seed,
            "payload": canonical_json(inst.payload),
        }
        for inst in spec.load_instances()
    ]
    records.write_table(rows, records.INSTANCE_SCHEMA, out, game=game, game_version=spec.version)
    return len(rows)


def read_instances(path: str | Path, per_experiment: int | None = None) -> list[Instance]:
    """Instances in file order; with a limit, the first N of every experiment."""
    taken: dict[str, int] = {}
    instances = []
    for row in records.read_rows(path):
        if per_experiment is not None and taken.get(row["experiment"], 0) >= per_experiment:
            continue
        taken[row["experiment"]] = taken.get(row["experiment"], 0) + 1
        instances.append(
            Instance(row["game"], row["experiment"], row["instance_id"], json.loads(row["payload"]))
        )
    return instances


def run_play(
    identity: dict[str, Any],
    instances_path: str | Path,
    transcripts_out: str | Path,
    timing_out: str | Path,
    cache_dir: str | Path | None,
    progress_stream: Any = None,
) -> dict[str, int]:
    """One play job: a (config, game) over its instances; `identity` is the job's params."""
    cfg = PlayConfig.from_identity(identity)
    game = GAMES[identity["game"]["name"]]
    if game.version != identity["game"]["version"]:
        raise RuntimeError(
            f"game {game.name} is at version {game.version}, the job asks for {identity['game']['version']}"
        )
    instances = read_instances(instances_path, identity["instances"]["per_experiment"])
    config_hash = stable_hash(identity)
    params = GenerationParams(**identity["generation"])
    cache = ResponseCache(Path(cache_dir) / f"{config_hash}.jsonl") if cache_dir else None
    keys = {"model": cfg.model, "backend": cfg.backend, "quant": cfg.quant}
    sampling = Sampling.from_identity(identity)
    episodes = len(instances) * (sampling.n if sampling else 1)
    bar = tqdm(
        total=episodes,
        desc=f"{cfg.model}/{cfg.backend}/{cfg.quant}/{game.name}",
        unit="episode",
        file=progress_stream,
        mininterval=1.0,
        ascii=True,
    )
    serving: dict[str, Any] = {}
    try:
        with load_backend(cfg, game) as backend:
            serving = backend.provenance()
            result = play(
                game,
                instances,
                backend,
                params,
                keys,
                batch_size=identity["batch_size"],
                cache=cache,
                config_hash=config_hash,
                on_episode_done=lambda: bar.update(1),
                sampling=sampling,
            )
    finally:
        bar.close()
        if cache:
            cache.close()
    meta = {"config_hash": config_hash, "identity": identity}
    if serving:  # e.g. a launched vLLM server: its version is not among this venv's packages
        meta["serving"] = serving
    records.write_table(result.turns, records.TURN_SCHEMA, transcripts_out, **meta)
    records.write_table(result.timing, records.TIMING_SCHEMA, timing_out, **meta)
    return {
        "episodes": episodes,
        "turns": len(result.turns),
        "requests_sent": result.requests_sent,
    }


def run_exact(identity: dict[str, Any], instances_path: str | Path, out: str | Path) -> int:
    """Exact mode of a sampled dilemma job: P(C), P(D), P(other) of the first answer token per
    instance at the job's sampling temperature (games.dilemma.exact), with the job's identity
    and config hash as provenance, so it pairs with that job's samples."""
    from clemgrid.games.dilemma.exact import classify, exact_instances

    cfg = PlayConfig.from_identity(identity)
    game = GAMES[identity["game"]["name"]]
    sampling = Sampling.from_identity(identity)
    if sampling is None:
        raise ValueError(f"{game.name} does not sample: exact mode compares with samples")
    instances = exact_instances(
        read_instances(instances_path, identity["instances"]["per_experiment"])
    )
    rows = []
    with load_backend(cfg, game) as backend:
        for inst in instances:
            request = game.master(inst, game.demonstrations).pending()
            if request is None:
                raise ValueError(f"{game.name} {inst.instance_id}: the episode asks nothing")
            messages = request.messages
            probs = backend.answer_probabilities(messages, classify, sampling.temperature)
            rows.append(
                {
                    "model": cfg.model,
                    "backend": cfg.backend,
                    "quant": cfg.quant,
                    "experiment": inst.experiment,
                    "instance_id": inst.instance_id,
                    "temperature": sampling.temperature,
                    "p_C": probs.get("C", 0.0),
                    "p_D": probs.get("D", 0.0),
                    "p_other": probs["other"],
                }
            )
    records.write_frame(
        pd.DataFrame(rows, columns=EXACT_COLUMNS),
        out,
        config_hash=stable_hash(identity),
        identity=identity,
        mode="exact: first answer token, tempered at the sampling temperature",
    )
    return len(rows)


EXACT_COLUMNS = [
    "model",
    "backend",
    "quant",
    "experiment",
    "instance_id",
    "temperature",
    "p_C",
    "p_D",
    "p_other",
]


def score_transcripts(transcripts: str | Path, instances_path: str | Path, out: str | Path) -> int:
    """Re-score every episode from its turn rows with the game's pure scorer."""
    turns = records.read_rows(transcripts)
    meta = records.read_metadata(transcripts)
    by_key = {(i.experiment, i.instance_id): i for i in read_instances(instances_path)}
    episodes: dict[int, list[dict[str, Any]]] = {}
    for row in turns:
        episodes.setdefault(row["episode_id"], []).append(row)
    rows = []
    for episode_id in sorted(episodes):
        episode = sorted(episodes[episode_id], key=lambda r: r["step"])
        first = episode[0]
        game = GAMES[first["game"]]
        score = game.score(by_key[(first["experiment"], first["instance_id"])], episode)
        rows.append(
            {
                **{
                    k: first[k]
                    for k in (
                        "model",
                        "backend",
                        "quant",
                        "game",
                        "experiment",
                        "instance_id",
                        "episode_id",
                    )
                },
                "outcome": score.outcome,
                "played": score.played,
                "quality": score.quality,
                "abort_reason": score.abort_reason,
                "n_requests": len(episode),
                "metrics": records.dumps(score.metrics),
            }
        )
    records.write_table(
        rows, records.SCORE_SCHEMA, out, config_hash=meta.get("clemgrid.config_hash", "")
    )
    return len(rows)


def aggregate(
    score_files: list[str | Path],
    matrix_out: str | Path,
    clemscore_out: str | Path,
    table_out: str | Path | None = None,
    quant_labels: dict[str, dict[str, str]] | None = None,
) -> pd.DataFrame:
    episodes = pd.concat([pd.read_parquet(f) for f in score_files], ignore_index=True)
    matrix = game_scores(episodes)
    records.write_table(records.frame_rows(matrix), records.MATRIX_SCHEMA, matrix_out)
    scores = clemscores(matrix)
    records.write_table(records.frame_rows(scores), records.CLEMSCORE_SCHEMA, clemscore_out)
    if table_out:
        Path(table_out).write_text(format_table(matrix, scores, quant_labels))
    return scores


def quant_label(labels: Mapping[str, Mapping[str, str]], model: str, quant: str) -> str:
    """How tables name a quant: its label where `labels` ({model: {quant: label}}) has one (an
    F16 derived from Q4_1 is not an F16 model), else its name."""
    return labels.get(model, {}).get(quant, quant)


def format_table(
    matrix: pd.DataFrame,
    scores: pd.DataFrame,
    quant_labels: dict[str, dict[str, str]] | None = None,
) -> str:
    """Markdown score table: one row per config, clemscore then %played / quality per game; a
    game a config did not play is missing ("–"). Quants are named by :func:`quant_label`."""
    quant_labels = quant_labels or {}
    keys = ["model", "backend", "quant"]
    wide = matrix.pivot_table(
        index=keys,
        columns="game",
        values=["pct_played", "quality"],
        aggfunc="first",
        dropna=False,
    )
    games = sorted(matrix["game"].unique())
    rows = scores.sort_values(
        ["clemscore", *keys], ascending=[False, True, True, True]
    ).reset_index(drop=True)
    index = pd.MultiIndex.from_frame(rows[keys])
    for g in games:
        for measure, heading in (("pct_played", "%played"), ("quality", "quality")):
            rows[f"{g} {heading}"] = wide[(measure, g)].reindex(index).to_numpy()
    rows["quant"] = [
        quant_label(quant_labels, m, q) for m, q in zip(rows.model, rows.quant, strict=True)
    ]
    headers = {
        "clemscore": "clemscore",
        "avg_pct_played": "avg %played",
        "avg_quality": "avg quality",
    }
    measures = [*headers, *(f"{g} {h}" for g in games for h in ("%played", "quality"))]
    return markdown(
        rows,
        [Column(k, format=str) for k in keys]
        + [Column(m, header=headers.get(m), format=fixed(2)) for m in measures],
    )
