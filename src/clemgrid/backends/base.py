"""The one interface every backend implements: a batch of chats in, a batch of generations out.

The engine never talks to a model any other way, so a batch-1 loop is simply batch size 1 and
every backend can be swapped for the scripted one in tests.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Message = dict[str, str]
"""One chat message: {"role": "system" | "user" | "assistant", "content": str}."""

StopReason = Literal["end_of_turn", "stop_string", "length"]
LENGTH: StopReason = "length"  # the answer reached max_tokens


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

    def generate_each(
        self, batch: list[list[Message]], params: list[GenerationParams]
    ) -> list[Generation]:
        """Every chat with its own params (sampled games: a seed per request). The default sends
        each run of equal params as one `generate` batch, so a batch whose params are all equal
        (every unsampled game) is one call, exactly as before; a backend that can mix params in
        one batch overrides it."""
        if len(params) != len(batch):
            raise ValueError(f"{len(params)} params for {len(batch)} chats")
        results: list[Generation] = []
        start = 0
        while start < len(batch):
            end = start + 1
            while end < len(batch) and params[end] == params[start]:
                end += 1
            results += self.generate(batch[start:end], params[start])
            start = end
        return results

    def answer_probabilities(
        self, messages: list[Message], classify: Callable[[str], str | None], temperature: float
    ) -> dict[str, float]:
        """P(label) of the answer's first token at `temperature` (backends.next_token), summed
        over the tokens `classify` reads as a label, plus "other". Backends that expose logits
        or logprobs implement it; the others cannot give an exact propensity."""
        raise NotImplementedError(f"{type(self).__name__} gives no next-token probabilities")

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
