"""Import a clembench results directory: transcripts in clemgrid's schema, re-scored by
clemgrid's scorers, and compared with what clembench logged and published.

Episodes are matched to clemgrid's instance sets by game, experiment name and, in clembench
v1.6's layout, episode index (`episode_k` is the k-th instance of the experiment), checked
against the game_id and key fields of the episode's instance.json where the directory has one;
in clemcore 3.x's layout by game_id (`instance_<game_id>`), checked against the key fields. imagegame and referencegame
read their answer patterns from each instance; where the episode's instance.json carries other
patterns than clemgrid's instance set (a game master of another date), the episode is replayed
with the logged patterns and the comparison says so.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from clemgrid.games.base import Instance
from clemgrid.games.registry import GAMES, ZERO_SHOT
from clemgrid.importer.clembench import EpisodeFiles, find_episodes
from clemgrid.importer.events import logged_outcome, logged_verdicts, responses
from clemgrid.importer.replay import is_slot_answer, replay, verdict
from clemgrid.records import dumps
from clemgrid.scoring import game_scores

BACKEND = "clembench-v1.6"
QUANT = "published"
SOURCE = "clembench-v1.6 (re-scored by clemgrid)"
CLEMBENCH_GAMES = frozenset(spec.name for spec in ZERO_SHOT)
PATTERN_FIELDS = {
    "imagegame": (
        "player_1_response_pattern",
        "player_1_terminate_pattern",
        "player_2_response_pattern",
    ),
    "referencegame": ("player_1_response_pattern", "player_2_response_pattern"),
}
# clembench instance field -> clemgrid payload field, checked where both exist
KEY_FIELDS = {
    "taboo": {"target_word": "target_word"},
    "wordle": {"target_word": "target_word"},
    "wordle_withclue": {"target_word": "target_word", "target_word_clue": "clue"},
    "wordle_withcritic": {"target_word": "target_word", "target_word_clue": "clue"},
    "imagegame": {"target_grid": "target_grid"},
    "referencegame": {
        "player_1_target_grid": "player_1_target_grid",
        "target_grid_name": "target_grid_name",
    },
    "privateshared": {"slots": "slots"},
}


@dataclass
class ImportedEpisode:
    files: EpisodeFiles
    model: str
    episode_id: int  # index of the instance in clemgrid's instance set of the game
    instance: Instance  # as used for replay and scoring (logged patterns where they differ)
    notes: list[str] = field(default_factory=list)
    logged_outcome: str | None = None


@dataclass
class ImportResult:
    """Unpacks as (turn rows, per-turn comparison rows, per-episode logged scores)."""

    turns: list[dict[str, Any]]
    turn_comparison: list[dict[str, Any]]
    logged_scores: list[dict[str, Any]]
    episodes: list[ImportedEpisode]

    def __iter__(self):
        return iter((self.turns, self.turn_comparison, self.logged_scores))


def _instances(game: str) -> dict[str, list[Instance]]:
    by_experiment: dict[str, list[Instance]] = {}
    for instance in GAMES[game].load_instances():
        by_experiment.setdefault(instance.experiment, []).append(instance)
    return by_experiment


def _index(game: str) -> dict[tuple[str, str], int]:
    return {
        (inst.experiment, inst.instance_id): i
        for i, inst in enumerate(GAMES[game].load_instances())
    }


def _match(files: EpisodeFiles, cache: dict[str, Any]) -> tuple[Instance, int, list[str]]:
    """clemgrid's instance for an episode (patterns from instance.json where they differ)."""
    if files.game not in cache:
        cache[files.game] = (_instances(files.game), _index(files.game))
    by_experiment, index = cache[files.game]
    if files.experiment not in by_experiment:
        raise ValueError(
            f"{files.key}: clemgrid's {files.game} has no experiment {files.experiment!r}"
        )
    experiment = by_experiment[files.experiment]
    instance = _nth(files, experiment) if files.game_id is None else _by_id(files, experiment)
    notes: list[str] = []
    logged = files.instance
    if logged is not None:
        if "game_id" in logged and str(logged["game_id"]) != instance.instance_id:
            raise ValueError(
                f"{files.key}: instance.json has game_id {logged['game_id']}, clemgrid's "
                f"instance {files.episode_index} of {files.experiment} has {instance.instance_id}"
            )  # v1.6 only: a clemcore episode was found by this game_id
        for theirs, ours in KEY_FIELDS.get(files.game, {}).items():
            if theirs in logged and ours in instance.payload:
                if _normal(logged[theirs]) != _normal(instance.payload[ours]):
                    raise ValueError(f"{files.key}: instance.json {theirs} differs from clemgrid's")
        override = {
            key: logged[key]
            for key in PATTERN_FIELDS.get(files.game, ())
            if key in logged and logged[key] != instance.payload.get(key)
        }
        if override:
            instance = replace(instance, payload={**instance.payload, **override})
            notes.append("patterns from instance.json: " + ", ".join(sorted(override)))
    target = _logged_target_word(files)
    if target is not None and target != instance.payload.get("target_word"):
        raise ValueError(f"{files.key}: the log's target word {target!r} is not clemgrid's")
    return instance, index[(instance.experiment, instance.instance_id)], notes


def _nth(files: EpisodeFiles, experiment: list[Instance]) -> Instance:
    """v1.6: episode_k is the k-th instance of the experiment."""
    assert files.episode_index is not None
    if files.episode_index >= len(experiment):
        raise ValueError(
            f"{files.key}: experiment {files.experiment} has {len(experiment)} instances only"
        )
    return experiment[files.episode_index]


def _by_id(files: EpisodeFiles, experiment: list[Instance]) -> Instance:
    """clemcore: instance_<n> names the instance's game_id."""
    for instance in experiment:
        if instance.instance_id == str(files.game_id):
            return instance
    raise ValueError(
        f"{files.key}: clemgrid's {files.game} experiment {files.experiment} has no instance "
        f"with game_id {files.game_id}"
    )


def _normal(value: Any) -> Any:
    return value.strip("\n") if isinstance(value, str) else value


def _logged_target_word(files: EpisodeFiles) -> str | None:
    """The wordle games log the target word in their metadata."""
    if not files.game.startswith("wordle"):
        return None
    for events in files.interactions.get("turns", []):
        for event in events:
            action = event.get("action", {})
            for key in ("game_info", "data_for_computation"):
                info = action.get(key)
                if isinstance(info, dict) and info.get("target_word"):
                    return info["target_word"]
    return None


def _episode_columns(imported: ImportedEpisode) -> dict[str, Any]:
    """The columns that name an imported episode in the comparison tables."""
    files = imported.files
    return {
        "pair": files.pair,
        "model": imported.model,
        "game": files.game,
        "experiment": imported.instance.experiment,
        "instance_id": imported.instance.instance_id,
        "episode_id": imported.episode_id,
        "episode": files.key,
    }


def _logged_score_row(imported: ImportedEpisode) -> dict[str, Any]:
    files = imported.files
    episode_scores = (files.scores or {}).get("episode scores", {})
    main = episode_scores.get("Main Score")
    return {
        "pair": files.pair,
        "model": imported.model,
        "game": files.game,
        "experiment": files.experiment,
        "instance_id": imported.instance.instance_id,
        "episode_id": imported.episode_id,
        "episode": files.key,
        "has_scores_json": files.scores is not None,
        "aborted": episode_scores.get("Aborted"),
        "main_score": None
        if main is None or (isinstance(main, float) and math.isnan(main))
        else main,
        "logged_outcome": imported.logged_outcome,
        "scores": dumps(episode_scores) if files.scores is not None else None,
    }


def import_run(run_dir: str | Path, games: set[str] | None = None) -> ImportResult:
    """Read every episode below `run_dir` (see `clemgrid.importer.clembench`).

    Turn rows follow `clemgrid.records.TURN_SCHEMA` with model = the pair's model, backend
    "clembench-v1.6", quant "published"; `messages` holds the game master's messages to the
    player since its previous answer, as logged (empty where the copy was stripped of them);
    `move`, `valid` and `reason` are clemgrid's own verdict (replayed), never clembench's.
    """
    wanted = set(games) if games is not None else set(CLEMBENCH_GAMES)
    cache: dict[str, Any] = {}
    turns: list[dict[str, Any]] = []
    comparison: list[dict[str, Any]] = []
    episodes: list[ImportedEpisode] = []
    for files in find_episodes(run_dir, wanted):
        instance, episode_id, notes = _match(files, cache)
        model = files.model
        imported = ImportedEpisode(
            files,
            model,
            episode_id,
            instance,
            notes,
            logged_outcome(files.game, files.interactions, instance.payload),
        )
        episodes.append(imported)
        answers = responses(files.game, files.interactions)
        theirs = logged_verdicts(files.game, answers, instance.payload)
        replayed = replay(files.game, instance, answers)
        for answer, logged, ours_replayed in zip(answers, theirs, replayed, strict=True):
            move = ours_replayed.move
            ours = verdict(files.game, ours_replayed.role, move)
            turns.append(
                {
                    "model": model,
                    "backend": BACKEND,
                    "quant": QUANT,
                    "game": files.game,
                    "experiment": instance.experiment,
                    "instance_id": instance.instance_id,
                    "episode_id": episode_id,
                    "step": answer.step,
                    "turn": ours_replayed.turn,
                    "player": answer.player,
                    "role": ours_replayed.role,
                    "messages": dumps([{"role": "user", "content": p} for p in answer.prompts]),
                    "rendered_prompt": None,
                    "response": answer.response,
                    "move": None if move is None or move.parsed is None else dumps(move.parsed),
                    "valid": None if move is None else move.valid,
                    "reason": ours_replayed.mismatch if move is None else move.reason,
                    "stop_reason": None,
                    "prompt_tokens": None,
                    "completion_tokens": None,
                }
            )
            comparison.append(_compare_turn(files, imported, answer, ours_replayed, logged, ours))
    logged_scores = [_logged_score_row(e) for e in episodes]
    return ImportResult(turns, comparison, logged_scores, episodes)


def _compare_turn(files, imported, answer, ours_replayed, logged, ours) -> dict[str, Any]:
    logged_verdict, logged_detail = logged
    our_verdict, our_detail = ours
    if logged_verdict is None or our_verdict is None:
        agree = None
    else:
        agree = logged_verdict == our_verdict and (
            logged_detail is None or our_detail is None or logged_detail == our_detail
        )
    note = ours_replayed.mismatch
    if files.game == "privateshared" and ours_replayed.move is not None:
        if is_slot_answer(ours_replayed.move) != (answer.kind == "get message"):
            agree, note = False, "clemgrid and clembench disagree on request vs probe"
    return {
        **_episode_columns(imported),
        "step": answer.step,
        "clembench_turn": answer.turn,
        "turn": ours_replayed.turn,
        "role": ours_replayed.role,
        "logged_verdict": logged_verdict,
        "logged_detail": None if logged_detail is None else str(logged_detail),
        "our_verdict": our_verdict,
        "our_detail": None if our_detail is None else str(our_detail),
        "agree": agree,
        "note": note,
    }


def rescore(result: ImportResult) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(episode score rows in SCORE_SCHEMA, per-episode comparison rows).

    An episode clemgrid's scorer rejects (a transcript its rules cannot have produced) gets no
    score row; the comparison row says why.
    """
    by_episode: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for row in result.turns:
        by_episode.setdefault((row["model"], row["game"], row["episode_id"]), []).append(row)
    scores, comparison = [], []
    for imported in result.episodes:
        files = imported.files
        rows = by_episode.get((imported.model, files.game, imported.episode_id), [])
        base = _episode_columns(imported)
        logged = (files.scores or {}).get("episode scores", {})
        logged_main = logged.get("Main Score")
        if isinstance(logged_main, float) and math.isnan(logged_main):
            logged_main = None
        try:
            score = GAMES[files.game].score(imported.instance, rows)
        except ValueError as error:
            comparison.append(
                {
                    **base,
                    "outcome": None,
                    "quality": None,
                    "logged_outcome": imported.logged_outcome,
                    "logged_aborted": logged.get("Aborted"),
                    "logged_main_score": logged_main,
                    "agree": False,
                    "note": f"clemgrid's scorer rejects the transcript: {error}",
                }
            )
            continue
        scores.append(
            {
                **{
                    k: base[k] for k in ("model", "game", "experiment", "instance_id", "episode_id")
                },
                "backend": BACKEND,
                "quant": QUANT,
                "outcome": score.outcome,
                "played": score.played,
                "quality": score.quality,
                "abort_reason": score.abort_reason,
                "n_requests": len(rows),
                "metrics": dumps(score.metrics),
            }
        )
        comparison.append(
            {
                **base,
                "outcome": score.outcome,
                "quality": score.quality,
                "logged_outcome": imported.logged_outcome,
                "logged_aborted": logged.get("Aborted"),
                "logged_main_score": logged_main,
                "agree": _episode_agrees(
                    score.outcome, score.quality, imported.logged_outcome, logged
                ),
                "note": "; ".join(imported.notes) or None,
            }
        )
    return scores, comparison


def _episode_agrees(outcome, quality, logged_outcome, logged_scores) -> bool | None:
    checks = []
    if logged_outcome is not None:
        if logged_outcome == "played":
            checks.append(outcome != "aborted")
        else:
            checks.append(outcome == logged_outcome)
    if "Aborted" in logged_scores:
        checks.append(int(outcome == "aborted") == int(logged_scores["Aborted"]))
    main = logged_scores.get("Main Score")
    if main is not None and not (isinstance(main, float) and math.isnan(main)):
        checks.append(quality is not None and round(quality, 2) == round(float(main), 2))
    return all(checks) if checks else None


def read_published(csv: str | Path) -> pd.DataFrame:
    """clembench's results.csv as long rows: pair, game, pct_played, quality."""
    wide = pd.read_csv(csv, index_col=0)
    rows = []
    for pair, row in wide.iterrows():
        for game in sorted(CLEMBENCH_GAMES):
            played, quality = row.get(f"{game}, % Played"), row.get(f"{game}, Quality Score")
            rows.append(
                {
                    "pair": str(pair),
                    "game": game,
                    "published_pct_played": None if pd.isna(played) else float(played),
                    "published_quality": None if pd.isna(quality) else float(quality),
                }
            )
    return pd.DataFrame(rows)


def game_comparison(
    result: ImportResult, scores: list[dict[str, Any]], published_csv: str | Path
) -> pd.DataFrame:
    """One row per (player pair, game): clemgrid's %played and quality over the imported
    episodes (computed as clembench does) next to the published v1.6 values."""
    pairs = {(e.model, e.files.game): e.files.pair for e in result.episodes}
    counts: dict[tuple[str, str], int] = {}
    for e in result.episodes:
        counts[(e.model, e.files.game)] = counts.get((e.model, e.files.game), 0) + 1
    if scores:
        ours = game_scores(pd.DataFrame(scores), source=SOURCE)
    else:
        ours = pd.DataFrame(columns=["model", "game", "n_episodes", "pct_played", "quality"])
    published = read_published(published_csv)
    rows = []
    for (model, game), pair in sorted(pairs.items()):
        mine = ours[(ours["model"] == model) & (ours["game"] == game)]
        theirs = published[(published["pair"] == pair) & (published["game"] == game)]
        pct = float(mine["pct_played"].iloc[0]) if len(mine) else None
        quality = mine["quality"].iloc[0] if len(mine) else None
        quality = None if quality is None or pd.isna(quality) else float(quality)
        pub_pct = theirs["published_pct_played"].iloc[0] if len(theirs) else None
        pub_quality = theirs["published_quality"].iloc[0] if len(theirs) else None
        rows.append(
            {
                "pair": pair,
                "model": model,
                "game": game,
                "n_episodes": counts[(model, game)],
                "n_scored": int(mine["n_episodes"].iloc[0]) if len(mine) else 0,
                "pct_played": pct,
                "quality": quality,
                "published_pct_played": pub_pct,
                "published_quality": pub_quality,
                "pct_played_agrees": _same(pct, pub_pct),
                "quality_agrees": _same(quality, pub_quality),
            }
        )
    return pd.DataFrame(rows)


def _same(ours: float | None, published: float | None) -> bool:
    if ours is None or published is None or pd.isna(published):
        return (ours is None) and (published is None or pd.isna(published))
    return round(ours, 2) == round(float(published), 2)


def default_published_csv() -> Path:
    """resources/clembench_v1.6/results.csv of the repository checkout, if there is one."""
    return Path(__file__).resolve().parents[3] / "resources" / "clembench_v1.6" / "results.csv"


def loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)
