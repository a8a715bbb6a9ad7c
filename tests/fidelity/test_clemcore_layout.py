"""The importer reads clemcore 3.x's results layout as well as clembench v1.6's.

The clemcore fixture is built from the v1.6 fixtures: the same episodes, laid out as clemcore's
`ResultsFolder` writes them (clemcore/clemgame/callbacks/files.py):

    <model dir>/run.json
    <model dir>/<game>/<experiment>/experiment.json
    <model dir>/<game>/<experiment>/instance_<game_id:05d>/{instance,interactions}.json

with a one-player game (wordle, wordle_withclue) under `<m>-t<T>` rather than a pair directory,
and instance directories named by game_id (wordle's start at 1), not by position. Importing it
must give exactly the turns and re-scored results of the v1.6 import.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clemgrid.games.registry import GAMES
from clemgrid.importer import cli
from clemgrid.importer.clembench import CLEMCORE3, V1_6, find_episodes
from clemgrid.importer.run import CLEMBENCH_GAMES, KEY_FIELDS, import_run, rescore

FIXTURES = Path(__file__).parent / "fixtures"
ONE_PLAYER = {"wordle", "wordle_withclue"}


def _model_dir(pair: str, game: str) -> str:
    """clemcore's `to_model_results_folder`: one descriptor per player, joined by `--`."""
    return pair.split("--")[0] if game in ONE_PLAYER else pair


def relayout(src: Path, dst: Path, games: set[str]) -> dict[str, str]:
    """Write the v1.6 episodes below `src` in clemcore 3.x's layout below `dst`; returns
    v1.6 episode key -> clemcore episode key."""
    keys = {}
    for files in find_episodes(src, games):
        instances = GAMES[files.game].load_instances()
        instance = [i for i in instances if i.experiment == files.experiment][files.episode_index]
        game_id = int(instance.instance_id)
        model_dir = dst / _model_dir(files.pair, files.game)
        exp_dir = model_dir / files.game / files.experiment
        ep_dir = exp_dir / f"instance_{game_id:05d}"
        ep_dir.mkdir(parents=True)
        (model_dir / "run.json").write_text(json.dumps({"clem_version": "3.3.0", "games": {}}))
        (exp_dir / "experiment.json").write_text(
            json.dumps({"name": files.experiment, "game_name": files.game})
        )
        logged = {theirs: instance.payload[ours] for theirs, ours in KEY_FIELDS[files.game].items()}
        (ep_dir / "instance.json").write_text(json.dumps({"game_id": game_id, **logged}))
        meta = {
            "game_name": files.game,
            "experiment_name": files.experiment,
            "game_id": game_id,
            "results_folder": model_dir.name,
        }
        interactions = {"meta": meta, **files.interactions}
        (ep_dir / "interactions.json").write_text(json.dumps(interactions))
        keys[files.key] = f"{model_dir.name}/{files.game}/{files.experiment}/{ep_dir.name}"
    return keys


@pytest.fixture(scope="module")
def clemcore_run(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("clemcore") / "results"
    return root, relayout(FIXTURES, root, set(CLEMBENCH_GAMES))


def _without(rows: list[dict], *columns: str) -> list[dict]:
    return sorted(
        ({k: v for k, v in row.items() if k not in columns} for row in rows),
        key=lambda row: json.dumps(row, sort_keys=True, default=str),
    )


def test_same_episodes_give_the_same_results(clemcore_run) -> None:
    root, keys = clemcore_run
    v16, clemcore = import_run(FIXTURES), import_run(root)
    assert len(clemcore.episodes) == len(v16.episodes) == len(keys) == 420
    assert {e.files.layout for e in clemcore.episodes} == {CLEMCORE3}
    assert {e.files.layout for e in v16.episodes} == {V1_6}
    assert sorted(e.files.key for e in clemcore.episodes) == sorted(keys.values())
    assert _without(clemcore.turns) == _without(v16.turns)
    assert _without(clemcore.turn_comparison, "episode", "pair") == _without(
        v16.turn_comparison, "episode", "pair"
    )
    assert _without(clemcore.logged_scores, "episode", "pair", "experiment") == _without(
        v16.logged_scores, "episode", "pair", "experiment"
    )
    (scores_a, episodes_a), (scores_b, episodes_b) = rescore(clemcore), rescore(v16)
    assert _without(scores_a) == _without(scores_b)
    assert _without(episodes_a, "episode", "pair") == _without(episodes_b, "episode", "pair")
    assert all(row["agree"] is not False for row in episodes_a)


def test_one_player_model_dir_and_game_ids(clemcore_run) -> None:
    root, _ = clemcore_run
    episodes = find_episodes(root / "mistral-large-2402-t0.0" / "wordle", set(CLEMBENCH_GAMES))
    assert len(episodes) == 30
    first = episodes[0]
    assert first.key == (
        "mistral-large-2402-t0.0/wordle/high_frequency_words_no_clue_no_critic/instance_00001"
    )
    assert (first.game_id, first.episode_index, first.experiment_index) == (1, None, None)
    assert first.model == "mistral-large-2402"
    imported = import_run(root / "mistral-large-2402-t0.0", {"wordle"}).episodes[0]
    assert imported.instance.instance_id == "1" and imported.episode_id == 0


def test_both_layouts_below_one_root(clemcore_run, tmp_path) -> None:
    root, _ = clemcore_run
    shutil.copytree(root / "mistral-large-2402-t0.0", tmp_path / "mistral-large-2402-t0.0")
    pair = "gpt-4-0613-t0.0--gpt-4-0613-t0.0"
    shutil.copytree(FIXTURES / pair, tmp_path / pair)
    layouts = [e.layout for e in find_episodes(tmp_path, set(CLEMBENCH_GAMES))]
    assert layouts.count(V1_6) == 60 and layouts.count(CLEMCORE3) == 60  # taboo; the two wordles


def test_ids_in_the_files_must_match_the_directory(clemcore_run, tmp_path) -> None:
    root, _ = clemcore_run
    model = tmp_path / "gpt-4-0613-t0.0--gpt-4-0613-t0.0"
    shutil.copytree(root / model.name / "taboo" / "high_en", model / "taboo" / "high_en")
    episode = model / "taboo" / "high_en" / "instance_00002"
    instance = json.loads((episode / "instance.json").read_text())
    (episode / "instance.json").write_text(json.dumps({**instance, "game_id": 7}))
    with pytest.raises(ValueError, match="instance.json game_id is 7, the directory says 2"):
        find_episodes(tmp_path, {"taboo"})
    (episode / "instance.json").write_text(json.dumps({**instance, "target_word": "nope"}))
    with pytest.raises(ValueError, match="instance.json target_word differs"):
        import_run(tmp_path, {"taboo"})
    (episode / "instance.json").write_text(json.dumps({**instance, "game_id": 99}))
    interactions = json.loads((episode / "interactions.json").read_text())
    interactions["meta"]["game_id"] = 99
    (episode / "interactions.json").write_text(json.dumps(interactions))
    shutil.move(episode, episode.with_name("instance_00099"))
    with pytest.raises(ValueError, match="no instance with game_id 99"):
        import_run(tmp_path, {"taboo"})


def test_cli_reads_a_clemcore_run(clemcore_run, tmp_path, capsys) -> None:
    root, _ = clemcore_run
    assert cli.main([str(root / "gpt-4-0613-t0.0--gpt-4-0613-t0.0"), "--out", str(tmp_path)]) == 0
    assert "60 episodes" in capsys.readouterr().out
    assert (tmp_path / "scores" / "gpt-4-0613" / "clembench-v1.6" / "published").is_dir()
