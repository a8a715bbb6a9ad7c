"""A real clemcore 3.7.2 run (fixtures_clemcore/, see its README) through the importer.

Unlike test_clemcore_layout.py, whose clemcore layout is rebuilt from v1.6 logs, these files
were written by clemcore itself (today's game masters, `clem score`'s scores.json), so they
check what the importer meets in a run made now: every episode is found and matched to
clemgrid's v1.6 instance, clembench's logged scores are kept as a data source, and clemgrid's
re-scoring is compared with the logged verdicts and outcomes, per game.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from clemgrid.importer import cli
from clemgrid.importer.clembench import CLEMCORE3
from clemgrid.importer.run import import_run, rescore

FIXTURE = Path(__file__).parent / "fixtures_clemcore"
MODEL = "smollm2-135m-q4_1-local"
# games of the run (clembench a717f23 with clemcore 3.7.2: the wordles and privateshared fail
# in their game masters' setup, see the fixture README) -> episodes kept
EPISODES = {"taboo": 6, "imagegame": 2, "referencegame": 6}
# (episode key, step) -> why clemgrid's verdict differs from the logged one
TURN_EXCEPTIONS: dict[tuple[str, int], str] = {}
# episode key -> why clemgrid's outcome / main score differs from the logged one
EPISODE_EXCEPTIONS: dict[str, str] = {}


@pytest.fixture(scope="module")
def imported():
    result = import_run(FIXTURE)
    scores, episodes = rescore(result)
    return result, scores, episodes


def test_every_episode_is_found_and_matched(imported) -> None:
    result = imported[0]
    assert {e.files.layout for e in result.episodes} == {CLEMCORE3}
    found: dict[str, int] = {}
    for episode in result.episodes:
        found[episode.files.game] = found.get(episode.files.game, 0) + 1
        assert episode.model == MODEL
        # the instance clemcore played is clemgrid's (matched by game_id, key fields checked)
        assert episode.files.instance is not None
        assert str(episode.files.instance["game_id"]) == episode.instance.instance_id
    assert found == EPISODES


def test_changed_patterns_are_replayed_as_logged(imported) -> None:
    """Today's imagegame and referencegame instances carry other answer patterns than v1.6
    (imagegame's `Command:` for `Instruction:`, see games/imagegame/resources/README.md);
    such episodes are replayed with the logged patterns, and say so. taboo's rules are v1.6's."""
    for episode in imported[0].episodes:
        changed = episode.files.game in ("imagegame", "referencegame")
        assert bool(episode.notes) == changed, (episode.files.key, episode.notes)
        if changed:
            assert episode.notes[0].startswith("patterns from instance.json")


def test_logged_scores_for_every_game(imported) -> None:
    logged = imported[0].logged_scores
    assert {row["game"] for row in logged} == set(EPISODES)
    assert all(row["has_scores_json"] for row in logged)
    assert all(row["aborted"] in (0, 1) for row in logged)
    # the episode outcome clembench logged agrees with its own scores.json
    for row in logged:
        assert (row["logged_outcome"] == "aborted") == (row["aborted"] == 1), row


@pytest.mark.parametrize("game", sorted(EPISODES))
def test_turn_verdicts_agree_with_log(imported, game) -> None:
    rows = [r for r in imported[0].turn_comparison if r["game"] == game]
    assert rows
    assert all(r["logged_verdict"] is not None and r["our_verdict"] is not None for r in rows)
    differing = {(r["episode"], r["step"]) for r in rows if r["agree"] is not True}
    expected = {key for key in TURN_EXCEPTIONS if key[0].split("/")[1] == game}
    details = [
        (r["episode"], r["step"], r["logged_verdict"], r["our_verdict"], r["note"])
        for r in rows
        if (r["episode"], r["step"]) in differing ^ expected
    ]
    assert differing == expected, details


@pytest.mark.parametrize("game", sorted(EPISODES))
def test_episode_outcomes_agree_with_log(imported, game) -> None:
    rows = [r for r in imported[2] if r["game"] == game]
    assert len(rows) == EPISODES[game]
    differing = {r["episode"] for r in rows if r["agree"] is False}
    expected = {key for key in EPISODE_EXCEPTIONS if key.split("/")[1] == game}
    assert differing == expected, [r for r in rows if r["episode"] in differing ^ expected]
    for r in rows:
        if r["episode"] not in expected and r["logged_main_score"] is not None:
            assert r["quality"] == pytest.approx(r["logged_main_score"], abs=0.005), r


def test_cli_imports_the_run(tmp_path, capsys) -> None:
    assert cli.main([str(FIXTURE), "--out", str(tmp_path)]) == 0
    assert f"{sum(EPISODES.values())} episodes" in capsys.readouterr().out
    for game in EPISODES:
        assert (
            tmp_path / "scores" / MODEL / "clembench-v1.6" / "published" / f"{game}.parquet"
        ).is_file()
    logged = pd.read_parquet(tmp_path / "comparison" / "logged_scores.parquet")
    assert set(logged["game"]) == set(EPISODES)
    assert logged["has_scores_json"].all()
