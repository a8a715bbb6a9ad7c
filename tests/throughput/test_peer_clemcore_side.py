"""The clemcore side of benchmarks/peer_clemcore.py, without clemcore: the instance files it
hands to clemcore hold clemgrid's instances, and its counts read clemcore's results layout.

The counts are checked on a clemcore results folder in the shape clemcore 3.7.2 wrote for the
fixture run (tests/fidelity/fixtures_clemcore), with a players' requests file added.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from clemgrid.games.registry import GAMES

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import peer_clemcore_side as side  # noqa: E402
from selfplay_throughput import select_instances  # noqa: E402


def _clembench_wordle(tmp_path: Path) -> Path:
    """A stand-in clembench checkout: wordle's v1.6 file with other target words (as in
    clembench a717f23) than clemgrid's instance set."""
    experiments = {}
    for inst in GAMES["wordle"].load_instances():
        experiments.setdefault(inst.experiment, []).append(
            {"game_id": int(inst.instance_id), "target_word": "xxxxx", "extra": 1}
        )
    data = {
        "experiments": [
            {"name": name, "use_clue": False, "game_instances": rows}
            for name, rows in experiments.items()
        ]
    }
    (tmp_path / "wordle" / "in").mkdir(parents=True)
    (tmp_path / "wordle" / "in" / "instances_v1.6.json").write_text(json.dumps(data))
    return tmp_path


def test_instance_file_holds_clemgrid_instances(tmp_path) -> None:
    selected = select_instances(GAMES["wordle"].load_instances(), 3)
    data = side.clembench_instances("wordle", _clembench_wordle(tmp_path), selected)
    rows = [(e["name"], i) for e in data["experiments"] for i in e["game_instances"]]
    assert len(rows) == 3
    ours = {(i.experiment, i.instance_id): i.payload["target_word"] for i in selected}
    for name, row in rows:
        assert row["target_word"] == ours[(name, str(row["game_id"]))]
        assert row["extra"] == 1  # clembench's other fields are kept
    assert all("use_clue" in e for e in data["experiments"])


def test_count_reads_requests_and_duration(tmp_path) -> None:
    fixture = ROOT / "tests" / "fidelity" / "fixtures_clemcore"
    results = tmp_path / "results"
    shutil.copytree(fixture / "smollm2-135m-q4_1-local", results / "m")
    run = json.loads((results / "m" / "run.json").read_text())
    run["games"] = {"taboo": {"duration_seconds": 4.0}}
    (results / "m" / "run.json").write_text(json.dumps(run))
    usage = {"prompt_tokens": 10, "completion_tokens": 7}
    call = {"call": {"raw_response_obj": {"response": {"usage": usage}}}}
    episodes = sorted((results / "m" / "taboo").glob("*/instance_*"))
    for episode in episodes:
        (episode / "player_1.requests.json").write_text(json.dumps({"calls": [call, call]}))
    (results / "m" / "taboo" / "high_en" / "instance_00099").mkdir()  # failed: no episode
    counted = side.count(results, "taboo")
    n = len(episodes)
    assert counted == {
        "episodes": n,
        "generated_tokens": 14 * n,
        "prompt_tokens": 20 * n,
        "requests": 2 * n,
        "play_s": pytest.approx(4.0),
    }
