"""The dialogue plumbing every game master shares, so that a master holds only its rules.

Each player keeps its own chat (clembench's per-player history): its prompt, its raw answers,
and what the game master tells it. A game whose second player's instruction travels with the
first move it sees (clembench merges them into one user message) says so in `opening`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from importlib.resources import files
from typing import ClassVar

from clemgrid.backends.base import Message
from clemgrid.games.base import GameMaster, Instance, Move, Outcome, Request


def prompt_loader(package: str) -> Callable[[str], str]:
    """`load(name)` reads `<package>/prompts/<name>.txt` without its final newlines."""

    def load(name: str) -> str:
        return files(package).joinpath(f"prompts/{name}.txt").read_text("utf-8").rstrip("\n")

    return load


def merged(instruction: str, content: str) -> str:
    """A player's instruction and the first move it sees, as one message (clembench's merge)."""
    return f"{instruction}\n\n{content}"


class DialogueMaster(GameMaster):
    """Turn-taking between the players of `roles` (slot -> game role; the first one opens).

    Subclasses build the opening prompt with `tell`, answer moves in `respond`, and end the
    episode with `end`; `next_player`, `turn` and `outcome` are the state the engine sees.
    """

    roles: ClassVar[dict[str, str]]

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        super().__init__(instance, demonstrations)
        self.histories: dict[str, list[Message]] = {player: [] for player in self.roles}
        self.turn = 0
        self.outcome: Outcome | None = None  # set once the episode has ended
        self.next_player: str | None = next(iter(self.roles))

    def pending(self) -> Request | None:
        player = self.next_player
        if player is None:
            return None
        return Request(player, self.roles[player], self.turn, self.messages(player))

    def messages(self, player: str) -> list[Message]:
        """A copy of `player`'s chat, so that a caller cannot change the game's state."""
        return [dict(message) for message in self.histories[player]]

    def receive(self, response: str) -> Move:
        player = self.next_player
        if player is None:
            raise RuntimeError("the episode has ended; there is nothing to answer")
        self.histories[player].append({"role": "assistant", "content": response})
        return self.respond(player, response)

    @abstractmethod
    def respond(self, player: str, response: str) -> Move:
        """The game's rules: judge `player`'s answer, then `tell` someone or `end`."""

    def opening(self, player: str, content: str) -> str:
        """The first message `player` gets, given what it is told first; by default as is."""
        return content

    def tell(self, player: str, content: str) -> None:
        """Say `content` to `player`, whose answer is wanted next."""
        if not self.histories[player]:
            content = self.opening(player, content)
        self.histories[player].append({"role": "user", "content": content})
        self.next_player = player

    def end(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.next_player = None
