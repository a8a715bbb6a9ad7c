"""The one interface every backend implements: a batch of chats in, a batch of generations out.

The engine never talks to a model any other way, so a batch-1 loop is simply batch size 1 and
every backend can be swapped for the scripted one in tests.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Literal

Message = dict[str, str]
"""One chat message: {"role": "system" | "user" | "assistant", "content": str}."""

StopReason = Literal["end_of_turn", "stop_string", "length"]


class InfraError(RuntimeError):
    """A failure of the serving infrastructure (not of the model): never scored, always reported."""


@dataclass(frozen=True)
class GenerationParams:
    temperature: float = 0.0
    max_tokens: int = 100
    seed: int = 0


@dataclass(frozen=True)
class Generation:
    text: str
    stop_reason: StopReason
    prompt_tokens: int
    completion_tokens: int
    rendered_prompt: str | None = None
    extra: dict = field(default_factory=dict)


class Backend(ABC):
    """A loaded model behind one batched call; a context manager so servers and weights are freed."""

    @abstractmethod
    def generate(self, batch: list[list[Message]], params: GenerationParams) -> list[Generation]:
        """Answer every chat of the batch; results are in the order of the batch."""

    def provenance(self) -> dict:
        """What the outputs' metadata records about the serving software beyond the packages
        of this environment (a launched server's own version and settings); empty for most."""
        return {}

    def close(self) -> None:  # noqa: B027 - optional hook
        """Free weights, stop launched servers."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
