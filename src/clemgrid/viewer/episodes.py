"""Transcript and score rows regrouped into episodes shaped for reading.

A transcript row holds the whole chat a player was sent; a reader wants only what the game
master said since that player last spoke, then the answer and the verdict on it. Long game-master
messages (the game's instructions) fold away, keeping a short closing paragraph (e.g. the clue
passed on) in view.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clemgrid import records

EPISODE_KEYS = [name for name, _ in records.EPISODE_KEYS]
FOLD_CHARS = 300  # a game-master message longer than this folds away
TAIL_CHARS = 400  # ... except a closing paragraph up to this long


@dataclass(frozen=True)
class GameMasterMessage:
    role: str  # chat role: "user" or "system"
    folded: str | None  # text shown only on demand
    shown: str  # text always in view

    @property
    def summary(self) -> str:
        """What the fold's handle says: the first line and how much is hidden."""
        first = self.folded.strip().splitlines()[0] if self.folded and self.folded.strip() else ""
        lines = self.folded.count("\n") + 1 if self.folded else 0
        return f"{first[:90]}{'…' if len(first) > 90 else ''} ({lines} lines)"


@dataclass(frozen=True)
class Step:
    """One request of an episode: what the game master said, the answer, the verdict."""

    step: int
    turn: int
    player: str
    role: str
    told: list[GameMasterMessage]
    response: str
    valid: bool | None
    reason: str | None
    move: str | None  # indented JSON of the parsed move
    stop_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    rendered_prompt: str | None
    messages: list[dict[str, Any]]


@dataclass
class Episode:
    keys: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    score: dict[str, Any] | None = None

    @property
    def config(self) -> tuple[str, str, str]:
        return (self.keys["model"], self.keys["backend"], self.keys["quant"])

    @property
    def instance(self) -> tuple[str, str, str]:
        """What identifies an instance across configs: (game, experiment, instance_id)."""
        return (self.keys["game"], self.keys["experiment"], self.keys["instance_id"])

    @property
    def outcome(self) -> str:
        return self.score["outcome"] if self.score else "unscored"

    @property
    def metrics(self) -> dict[str, str]:
        raw = json.loads(self.score["metrics"]) if self.score and self.score["metrics"] else {}
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in sorted(raw.items())}

    @property
    def players(self) -> list[str]:
        return sorted({s.player for s in self.steps})


def fold(text: str) -> tuple[str | None, str]:
    """Split a long message into (folded part, part kept in view)."""
    if len(text) <= FOLD_CHARS:
        return None, text
    head, sep, tail = text.rstrip().rpartition("\n\n")
    if sep and len(tail) <= TAIL_CHARS:
        return head, tail
    return text, ""


def new_messages(messages: list[dict[str, Any]]) -> list[GameMasterMessage]:
    """The messages after the player's own last answer: what the game master just told it."""
    last = max((i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=-1)
    return [
        GameMasterMessage(m.get("role", "user"), *fold(str(m.get("content", ""))))
        for m in messages[last + 1 :]
    ]


def _step(row: dict[str, Any]) -> Step:
    messages = json.loads(row["messages"]) if row["messages"] else []
    move = (
        json.dumps(json.loads(row["move"]), indent=1, ensure_ascii=False) if row["move"] else None
    )
    return Step(
        step=row["step"],
        turn=row["turn"],
        player=row["player"],
        role=row["role"],
        told=new_messages(messages),
        response=row["response"] or "",
        valid=row["valid"],
        reason=row["reason"],
        move=move,
        stop_reason=row["stop_reason"],
        prompt_tokens=row["prompt_tokens"],
        completion_tokens=row["completion_tokens"],
        rendered_prompt=row["rendered_prompt"],
        messages=messages,
    )


def load_episodes(transcripts: Iterable[str | Path], scores: Iterable[str | Path]) -> list[Episode]:
    """Every episode found in either kind of file, in key order; a missing side stays empty."""
    turns: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for path in transcripts:
        for row in records.read_rows(path):
            turns[tuple(row[k] for k in EPISODE_KEYS)].append(row)
    scored = {
        tuple(row[k] for k in EPISODE_KEYS): row
        for path in scores
        for row in records.read_rows(path)
    }
    episodes = []
    for key in sorted(turns.keys() | scored.keys()):
        rows = sorted(turns.get(key, []), key=lambda r: r["step"])
        episodes.append(
            Episode(
                dict(zip(EPISODE_KEYS, key, strict=True)), [_step(r) for r in rows], scored.get(key)
            )
        )
    return episodes
