"""Fidelity of clemgrid's scorers against published clembench v1.6 runs.

The fixtures (see README.md) hold every episode of one real clembench v1.6 player pair per
game, copied from clembench/clembench-runs and stripped to what re-scoring needs. The importer
re-derives every verdict from the players' raw responses with clemgrid's game masters/scorers;
the tests require that

* each pair × game covers clembench's whole v1.6 instance set of the game,
* clemgrid's %played and quality equal the published results.csv values to two decimals,
* clemgrid's per-answer verdicts equal the ones the game master logged, and each episode's
  outcome / main score equals the logged one,

except for the exact (episode, step) exceptions listed in TURN_EXCEPTIONS / EPISODE_EXCEPTIONS,
each with its reason. The exception lists are checked both ways: an exception that no longer
disagrees fails the test as well.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from clemgrid.games.registry import GAMES
from clemgrid.importer import cli
from clemgrid.importer.clembench import find_episodes, pair_model, pair_models
from clemgrid.importer.run import (
    CLEMBENCH_GAMES,
    default_published_csv,
    game_comparison,
    import_run,
    rescore,
)

FIXTURES = Path(__file__).parent / "fixtures"

# (player pair, game) fixtures, all episodes of the game's v1.6 instance set
PAIRS = {
    "taboo": "gpt-4-0613-t0.0--gpt-4-0613-t0.0",
    "imagegame": "openchat-3.5-1210-t0.0--openchat-3.5-1210-t0.0",
    "privateshared": "Starling-LM-7B-beta-t0.0--Starling-LM-7B-beta-t0.0",
    "referencegame": "Starling-LM-7B-beta-t0.0--Starling-LM-7B-beta-t0.0",
    "wordle": "mistral-large-2402-t0.0--mistral-large-2402-t0.0",
    "wordle_withclue": "mistral-large-2402-t0.0--mistral-large-2402-t0.0",
    "wordle_withcritic": "mistral-large-2402-t0.0--mistral-large-2402-t0.0",
}

# (episode key, step) -> why clemgrid's verdict differs from the logged one
TURN_EXCEPTIONS: dict[tuple[str, int], str] = {}
# episode key -> why clemgrid's outcome / main score differs from the logged one
EPISODE_EXCEPTIONS: dict[str, str] = {}


@pytest.fixture(scope="module")
def imported():
    result = import_run(FIXTURES)
    scores, episodes = rescore(result)
    games = game_comparison(result, scores, default_published_csv())
    return result, scores, episodes, games


def test_fixture_pairs_are_complete(imported):
    result = imported[0]
    found: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for episode in result.episodes:
        found.setdefault((episode.files.pair, episode.files.game), set()).add(
            (episode.instance.experiment, episode.instance.instance_id)
        )
    assert set(found) == {(pair, game) for game, pair in PAIRS.items()}
    for (_, game), keys in found.items():
        wanted = {(i.experiment, i.instance_id) for i in GAMES[game].load_instances()}
        assert keys == wanted, game


@pytest.mark.parametrize("game", sorted(PAIRS))
def test_published_played_and_quality(imported, game):
    games = imported[3]
    row = games[(games["game"] == game) & (games["pair"] == PAIRS[game])]
    assert len(row) == 1
    row = row.iloc[0]
    assert row["n_scored"] == row["n_episodes"] == len(GAMES[game].load_instances())
    assert round(row["pct_played"], 2) == round(row["published_pct_played"], 2)
    if pd.isna(row["published_quality"]):
        assert row["quality"] is None or pd.isna(row["quality"])
    else:
        assert round(row["quality"], 2) == round(row["published_quality"], 2)
    assert row["pct_played_agrees"] and row["quality_agrees"]


@pytest.mark.parametrize("game", sorted(PAIRS))
def test_turn_verdicts_agree_with_log(imported, game):
    rows = [r for r in imported[0].turn_comparison if r["game"] == game]
    assert rows
    # every player answer carries a logged verdict and one of ours
    assert all(r["logged_verdict"] is not None and r["our_verdict"] is not None for r in rows)
    differing = {(r["episode"], r["step"]) for r in rows if r["agree"] is not True}
    expected = {key for key in TURN_EXCEPTIONS if key[0].split("/")[1] == game}
    details = [
        (r["episode"], r["step"], r["logged_verdict"], r["our_verdict"], r["note"])
        for r in rows
        if (r["episode"], r["step"]) in differing ^ expected
    ]
    assert differing == expected, details


@pytest.mark.parametrize("game", sorted(PAIRS))
def test_episode_outcomes_agree_with_log(imported, game):
    rows = [r for r in imported[2] if r["game"] == game]
    assert len(rows) == len(GAMES[game].load_instances())
    differing = {r["episode"] for r in rows if r["agree"] is False}
    expected = {key for key in EPISODE_EXCEPTIONS if key.split("/")[1] == game}
    assert differing == expected, [r for r in rows if r["episode"] in differing ^ expected]
    # where a scores.json was kept, our main score equals the logged one
    for r in rows:
        if r["episode"] not in expected and r["logged_main_score"] is not None:
            assert r["quality"] == pytest.approx(r["logged_main_score"], abs=0.005), r


def test_turn_rows_follow_schema(imported):
    from clemgrid import records

    turns = imported[0].turns
    names = [f.name for f in records.TURN_SCHEMA]
    assert all(set(row) == set(names) for row in turns)
    assert {row["backend"] for row in turns} == {"clembench-v1.6"}
    assert {row["quant"] for row in turns} == {"published"}
    assert {row["model"] for row in turns} == {pair_model(p) for p in PAIRS.values()}
    # raw responses are kept verbatim (never None)
    assert all(isinstance(row["response"], str) for row in turns)


def test_pair_names():
    assert pair_models("gpt-4-0613-t0.0--gpt-4-0613-t0.0") == ("gpt-4-0613", "gpt-4-0613")
    assert pair_model("a-t0.0--b-t0.0") == "a--b"
    with pytest.raises(ValueError):
        pair_models("no-pair")


def test_find_episodes_accepts_pair_and_game_dirs():
    pair, game = PAIRS["imagegame"], "imagegame"
    whole = find_episodes(FIXTURES / pair, {game})
    single = find_episodes(FIXTURES / pair / game, set(CLEMBENCH_GAMES))
    assert [e.key for e in whole] == [e.key for e in single]
    assert len(single) == len(GAMES[game].load_instances())
    assert single[0].key == f"{pair}/{game}/0_compact_grids/episode_0"


def _copy_episode(src: Path, dst: Path, instance: dict | None = None, scores: str | None = None):
    dst.mkdir(parents=True)
    (dst / "interactions.json").write_text((src / "interactions.json").read_text())
    if instance is not None:
        (dst / "instance.json").write_text(json.dumps(instance))
    if scores is not None:
        (dst / "scores.json").write_text(scores)


def test_instance_json_is_checked(tmp_path):
    pair = PAIRS["taboo"]
    src = FIXTURES / pair / "taboo" / "0_high_en" / "episode_0"
    dst = tmp_path / pair / "taboo" / "0_high_en" / "episode_0"
    target = GAMES["taboo"].load_instances()[0]
    _copy_episode(
        src,
        dst,
        {"game_id": int(target.instance_id), "target_word": target.payload["target_word"]},
        '{"turn scores": {}, "episode scores": {"Aborted": 0, "Main Score": NaN}}',
    )
    result = import_run(tmp_path)
    assert [e.episode_id for e in result.episodes] == [0]
    assert result.logged_scores[0]["has_scores_json"]
    assert result.logged_scores[0]["main_score"] is None  # NaN read as missing
    (dst / "instance.json").write_text(json.dumps({"game_id": 999}))
    with pytest.raises(ValueError, match="game_id"):
        import_run(tmp_path)


def test_cli_writes_tables(tmp_path, capsys):
    pair = PAIRS["imagegame"]
    out = tmp_path / "out"
    assert cli.main([str(FIXTURES / pair / "imagegame"), "--out", str(out)]) == 0
    model = pair_model(pair)
    transcripts = pd.read_parquet(
        out / "transcripts" / model / "clembench-v1.6" / "published" / "imagegame.parquet"
    )
    scores = pd.read_parquet(
        out / "scores" / model / "clembench-v1.6" / "published" / "imagegame.parquet"
    )
    assert scores["episode_id"].tolist() == sorted(scores["episode_id"])
    assert len(scores) == len(GAMES["imagegame"].load_instances())
    assert set(transcripts["episode_id"]) == set(scores["episode_id"])
    games = pd.read_parquet(out / "comparison" / "games.parquet")
    assert games[["pct_played_agrees", "quality_agrees"]].all(axis=None)
    for name in ("turns.parquet", "episodes.parquet", "games.md"):
        assert (out / "comparison" / name).is_file()
    assert "imagegame" in capsys.readouterr().out
    assert not math.isnan(float(games["pct_played"].iloc[0]))


# the post-April-2024 taboo game master logs other event names for the same verdicts
_NEW_TABOO_GM = {"valid format": "valid response", "clue": "valid clue", "guess": "valid guess"}


def test_new_taboo_game_master_events(tmp_path):
    pair = PAIRS["taboo"]
    src = FIXTURES / pair / "taboo"
    for path in sorted(src.glob("*/episode_*/interactions.json")):
        log = json.loads(path.read_text())
        for turn in log["turns"]:
            for event in turn:
                action = event["action"]
                action["type"] = _NEW_TABOO_GM.get(action["type"], action["type"])
                if action["type"] == "correct guess":
                    action["content"] = "end game"
        dst = tmp_path / pair / "taboo" / path.relative_to(src)
        dst.parent.mkdir(parents=True)
        dst.write_text(json.dumps(log))
    result = import_run(tmp_path)
    assert len(result.episodes) == len(GAMES["taboo"].load_instances())
    assert all(r["agree"] is True for r in result.turn_comparison)
    _, episodes = rescore(result)
    assert all(r["agree"] is True for r in episodes)
