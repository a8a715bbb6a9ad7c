"""What a game is to the engine: instances, a step-wise game master, a pure scorer.

A game master never calls a model. It says what it needs next (`pending`) and consumes the
answer (`receive`); the engine batches the pending requests of many episodes. The scorer is a
pure function of the instance and the turn rows, so imported transcripts can be re-scored.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import import_module
from importlib.resources import files
from typing import Any, Literal

from clemgrid.backends.base import Message

Outcome = Literal["success", "lost", "aborted"]


@dataclass(frozen=True)
class Instance:
    """One game instance; `payload` is everything the game master needs (JSON-serialisable)."""

    game: str
    experiment: str
    instance_id: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Request:
    """What the game master wants from a player next."""

    player: str  # stable player slot, e.g. "player_1"
    role: str  # game role, e.g. "describer"
    turn: int  # 0-based game turn this move belongs to
    messages: list[Message]


@dataclass(frozen=True)
class Move:
    """The game master's verdict on one response."""

    valid: bool
    reason: str  # "ok" or why the move was rejected / what it caused
    parsed: Any = None  # the parsed move (JSON-serialisable) or None when unparseable


@dataclass(frozen=True)
class EpisodeScore:
    outcome: Outcome
    quality: float | None  # 0-100, None when aborted
    abort_reason: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def played(self) -> int:
        return 0 if self.outcome == "aborted" else 1


class GameMaster(ABC):
    """State machine of one episode."""

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        self.instance = instance
        self.demonstrations = demonstrations

    @abstractmethod
    def pending(self) -> Request | None:
        """The next request, or None once the episode has ended."""

    @abstractmethod
    def receive(self, response: str) -> Move:
        """Consume the answer to `pending()`; must accept any string without raising."""


TurnRow = dict[str, Any]
"""A transcript row as stored (see clemgrid.records.TURN_SCHEMA); scorers read
`turn`, `player`, `role` and `response`."""


@dataclass(frozen=True)
class GameSpec:
    name: str
    version: str  # bump whenever prompts, parsing or rules change: it reruns the play jobs
    load_instances: Callable[[], list[Instance]]
    master: Callable[[Instance, Any], GameMaster]  # a GameMaster subclass, or a factory
    score: Callable[[Instance, Sequence[TurnRow]], EpisodeScore]
    scripted_player: Callable[[str, list[Message]], str]
    """(policy, messages) -> response: programmatic players for tests and synthetic models.
    They see only the chat, as a model does, so they run behind the scripted backend."""
    scripted_policies: tuple[str, ...] = ()
    demonstrations: int = 0  # worked examples shown in the prompts; 0 = zero-shot, as clembench
    base: str = ""  # the zero-shot game a variant derives from ("" for the game itself)
    skill: bool = True
    """False for a game whose quality is a disposition, not skill (the dilemma's C-rate): it is
    played and scored as any game but kept out of the clemscore and the analyses built on it."""

    @property
    def base_name(self) -> str:
        return self.base or self.name


def game_in_package(package: str, master: type[GameMaster], **options: Any) -> GameSpec:
    """The GameSpec (version 1) of the game in folder `package`, named after it: its
    instances.load_instances, scorer.score, scripted.scripted_player and scripted.POLICIES, with
    `master` and any other GameSpec field in `options`."""
    instances, scorer, scripted = (
        import_module(f"{package}.{module}") for module in ("instances", "scorer", "scripted")
    )
    return GameSpec(
        name=package.rsplit(".", 1)[-1],
        version="1",
        load_instances=instances.load_instances,
        master=master,
        score=scorer.score,
        scripted_player=scripted.scripted_player,
        scripted_policies=scripted.POLICIES,
        **options,
    )


def v16_instances(
    package: str, payload: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None
) -> list[Instance]:
    """The clembench v1.6 instance set in `package`'s resources/instances_v1.6.json, in file
    order; game = the package's folder, instance_id = game_id, payload = `payload(experiment
    name, item)` (by default the item less its game_id)."""
    data = json.loads(files(package).joinpath("resources/instances_v1.6.json").read_text("utf-8"))
    return [
        Instance(
            game=package.rsplit(".", 1)[-1],
            experiment=experiment["name"],
            instance_id=str(item["game_id"]),
            payload=(
                payload(experiment["name"], item)
                if payload
                else {key: value for key, value in item.items() if key != "game_id"}
            ),
        )
        for experiment in data["experiments"]
        for item in experiment["instances"]
    ]


def role_player(
    game: str,
    policies: Sequence[str],
    roles: Mapping[str, Callable[[str, list[Message]], str]],
) -> Callable[[str, list[Message]], str]:
    """A scripted player that answers with `roles[role](policy, messages)`, the role being the
    one whose "You are the <role>" the first message says; it refuses policies not in
    `policies` (none are refused when it is empty) and chats that name no role."""

    def scripted_player(policy: str, messages: list[Message]) -> str:
        """The answer of a `policy` player to `messages` (its own chat so far)."""
        if policies and policy not in policies:
            raise ValueError(f"unknown {game} policy {policy!r}; known: {', '.join(policies)}")
        first = messages[0]["content"] if messages else ""
        for role, answer in roles.items():
            if f"You are the {role}" in first:
                return answer(policy, messages)
        article = "an" if game[0] in "aeiou" else "a"
        raise ValueError(f"not {article} {game} chat: the first message names no {game} role")

    return scripted_player


def insert_examples(prompt: str, paragraph: str, examples: str) -> str:
    """`examples` as paragraphs of their own before the one starting with `paragraph`, so that
    removing them gives back the zero-shot prompt exactly."""
    if not examples:
        return prompt
    head, anchor, tail = prompt.partition(f"\n\n{paragraph}")
    if not anchor:
        raise ValueError(f"the prompt has no paragraph starting with {paragraph!r}")
    return f"{head}\n\n{examples}{anchor}{tail}"


def few_shot(game: GameSpec, k: int) -> GameSpec:
    """The variant `<game>+<k>shot`: same instances and scorer, k demonstrations in the prompts."""
    return replace(game, name=f"{game.name}+{k}shot", demonstrations=k, base=game.name)
