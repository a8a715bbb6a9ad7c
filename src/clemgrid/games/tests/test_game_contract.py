"""What the engine and the scorers rely on, checked for every registered game and variant.

Each game is played on all its instances through `engine.play`, by its scripted policies, by
synthetic players (which mix them), and by a backend answering nonsense.
"""

from __future__ import annotations

import json
from functools import cache

import pyarrow as pa
import pytest

from clemgrid.backends.base import Backend, Generation, GenerationParams, Message
from clemgrid.backends.scripted import ScriptedBackend
from clemgrid.engine import play
from clemgrid.games.base import EpisodeScore, GameSpec, TurnRow
from clemgrid.games.registry import GAMES
from clemgrid.records import TURN_SCHEMA

KEYS = {"model": "m", "backend": "scripted", "quant": "none"}
SYNTHETIC = {"synthetic": {"format_error_rate": 0.15, "good_move_rate": 0.5, "seed": 3}}
POLICY_RUNS = [(name, policy) for name, game in GAMES.items() for policy in game.scripted_policies]
VARIANT_RUNS = [(name, policy) for name, policy in POLICY_RUNS if GAMES[name].base]
# the rows a variant may differ in from its zero-shot game: its name and what the players saw
PROMPT_FIELDS = {"game", "messages", "prompt_tokens"}


class Nonsense(Backend):
    """Answers every request with the same text, which no game accepts."""

    def generate(self, batch: list[list[Message]], params: GenerationParams) -> list[Generation]:
        return [Generation("Hmm, interesting. 42 ~", "end_of_turn", 1, 4) for _ in batch]


@cache
def instances(name: str) -> tuple:
    return tuple(GAMES[name].load_instances())


def run(name: str, backend: Backend) -> list[TurnRow]:
    return play(GAMES[name], instances(name), backend, GenerationParams(), KEYS).turns


@cache
def policy_run(name: str, policy: str) -> tuple[TurnRow, ...]:
    return tuple(run(name, ScriptedBackend(GAMES[name], {"scripted": policy})))


def episodes(name: str, rows: list[TurnRow] | tuple[TurnRow, ...]) -> list[list[TurnRow]]:
    """The rows of each instance's episode, in instance order; every instance was played."""
    by_id: dict[int, list[TurnRow]] = {}
    for row in rows:
        by_id.setdefault(row["episode_id"], []).append(row)
    assert sorted(by_id) == list(range(len(instances(name))))
    return [by_id[i] for i in sorted(by_id)]


def scores(game: GameSpec, rows: list[TurnRow] | tuple[TurnRow, ...]) -> list[EpisodeScore]:
    return [
        game.score(instance, episode)
        for instance, episode in zip(instances(game.name), episodes(game.name, rows), strict=True)
    ]


def check_rows(name: str, rows: list[TurnRow] | tuple[TurnRow, ...]) -> None:
    """Rows as the transcripts store them: schema, step order, chats that end with the game."""
    pa.Table.from_pylist(list(rows), schema=TURN_SCHEMA)  # raises on a wrong type
    for episode in episodes(name, rows):
        assert [row["step"] for row in episode] == list(range(len(episode)))
        turns = [row["turn"] for row in episode]
        assert turns == sorted(turns) and turns[0] >= 0
        for row in episode:
            assert row["game"] == name and row["player"] and row["role"] and row["reason"]
            messages = json.loads(row["messages"])
            assert messages and messages[-1]["role"] == "user"
            assert {message["role"] for message in messages} <= {"user", "assistant"}


def check_scores(results: list[EpisodeScore]) -> None:
    for result in results:
        assert result.outcome in ("success", "lost", "aborted")
        aborted = result.outcome == "aborted"
        assert (result.quality is None) == aborted == (result.abort_reason is not None)
        assert result.quality is None or 0 <= result.quality <= 100


@pytest.mark.parametrize(("name", "policy"), POLICY_RUNS)
def test_scripted_policies_play_well_formed_scorable_episodes(name: str, policy: str) -> None:
    rows = policy_run(name, policy)
    check_rows(name, rows)
    check_scores(scores(GAMES[name], rows))


@pytest.mark.parametrize("name", GAMES)
def test_nonsense_aborts_every_episode(name: str) -> None:
    rows = run(name, Nonsense())
    check_rows(name, rows)
    results = scores(GAMES[name], rows)
    check_scores(results)
    assert {result.outcome for result in results} == {"aborted"}
    assert all(not episode[-1]["valid"] for episode in episodes(name, rows))


@pytest.mark.parametrize("name", GAMES)
def test_requests_carry_copies_and_ended_episodes_refuse_answers(name: str) -> None:
    game = GAMES[name]
    master = game.master(instances(name)[0], game.demonstrations)
    request = master.pending()
    assert request is not None
    request.messages[0]["content"] = "changed"
    assert master.pending().messages[0]["content"] != "changed"
    for _ in range(100):
        if master.pending() is None:
            break
        master.receive("Hmm, interesting. 42 ~")
    assert master.pending() is None
    with pytest.raises(RuntimeError, match="ended"):
        master.receive(request.messages[-1]["content"])


@pytest.mark.parametrize("name", GAMES)
def test_play_is_deterministic(name: str) -> None:
    """Synthetic players mix the policies within an episode, reaching more of the rules."""
    first, second = (run(name, ScriptedBackend(GAMES[name], SYNTHETIC)) for _ in range(2))
    check_rows(name, first)
    check_scores(scores(GAMES[name], first))
    assert first == second


@pytest.mark.parametrize(("name", "policy"), VARIANT_RUNS)
def test_variants_change_only_the_prompts(name: str, policy: str) -> None:
    """A few-shot variant's players answer as in the zero-shot game, with the same scores."""
    variant = GAMES[name]
    base = GAMES[variant.base]
    few, zero = policy_run(name, policy), policy_run(base.name, policy)
    assert [{k: v for k, v in row.items() if k not in PROMPT_FIELDS} for row in few] == [
        {k: v for k, v in row.items() if k not in PROMPT_FIELDS} for row in zero
    ]
    assert list(map(repr, scores(variant, few))) == list(map(repr, scores(base, zero)))  # NaN
