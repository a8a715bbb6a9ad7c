"""Chat prompts and turn ends shared by the local backends.

Both local backends render the chat with this module, so llama.cpp and transformers feed the
model the identical prompt string (recorded as `Generation.rendered_prompt`), and both decide
where a turn ends by the same rule (:func:`turn_end`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from clemgrid.backends.base import Generation, Message, StopReason
from clemgrid.entries import PlayConfig


class ChatTemplateError(ValueError):
    """No usable chat template, or the template rejected the messages."""


def _raise_exception(message: str) -> None:
    raise jinja2.exceptions.TemplateError(message)


def _tojson(
    value: object,
    ensure_ascii: bool = False,
    indent: int | None = None,
    separators: tuple[str, str] | None = None,
    sort_keys: bool = False,
) -> str:
    """HF's tojson: Jinja's own filter would HTML-escape quotes and brackets."""
    return json.dumps(
        value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys
    )


@cache
def _compile(source: str) -> jinja2.Template:
    """The environment of transformers' `apply_chat_template`, except that `strftime_now` is left
    undefined: templates then fall back to their fixed date and prompts do not change daily."""
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    return env.from_string(source)


@dataclass(frozen=True)
class ChatTemplate:
    source: str
    bos_token: str
    eos_token: str

    def render(self, messages: list[Message]) -> str:
        """The prompt string for the model's next turn (`add_generation_prompt=True`)."""
        try:
            return _compile(self.source).render(
                messages=messages,
                tools=None,
                documents=None,
                add_generation_prompt=True,
                bos_token=self.bos_token,
                eos_token=self.eos_token,
            )
        except jinja2.exceptions.TemplateError as exc:
            raise ChatTemplateError(f"chat template failed: {exc}") from None


def chat_template(
    cfg: PlayConfig, stored: str | dict | None, bos_token: str, eos_token: str
) -> ChatTemplate:
    """The registry's `chat.template` override, else the template stored with the weights.

    `stored` may be a dict of named templates (HF tokenizers); its "default" one is used.
    """
    source = cfg.chat.get("template")
    if not source:
        source = stored.get("default") if isinstance(stored, dict) else stored
    if not source:
        raise ChatTemplateError(
            f"model {cfg.model!r}, quant {cfg.quant!r}: the weights store no chat template "
            "(a base model?); set chat.template in the model registry"
        )
    return ChatTemplate(source, bos_token, eos_token)


@dataclass(frozen=True)
class TurnEnd:
    """Where a completion ends: an end-of-turn token, else the first end-of-turn string in its text.

    `token_ids` end a turn as tokens (stop reason "end_of_turn"); `strings` end it where they
    appear in the decoded text ("stop_string"). Built by :func:`turn_end` from the registry.
    """

    token_ids: frozenset[int]
    strings: tuple[str, ...]

    def check(
        self, tokens: Sequence[int], decode: Callable[[Sequence[int]], str]
    ) -> tuple[str, StopReason] | None:
        """(text without the end marker, stop reason) if `tokens` end the turn, else None."""
        if tokens and tokens[-1] in self.token_ids:
            return decode(tokens[:-1]), "end_of_turn"
        if not self.strings:
            return None
        text = decode(tokens)
        cuts = [i for s in self.strings if (i := text.find(s)) >= 0]
        return (text[: min(cuts)], "stop_string") if cuts else None

    def finish(
        self, tokens: Sequence[int], decode: Callable[[Sequence[int]], str]
    ) -> tuple[str, StopReason, int]:
        """(text, stop reason, completion tokens counted up to the end) of a generated sequence;
        anything after the end (padding of a finished sequence in a batch) is ignored."""
        for n in range(1, len(tokens) + 1):
            ended = self.check(tokens[:n], decode)
            if ended is not None:
                return ended[0], ended[1], n
        return decode(tokens), "length", len(tokens)


def turn_end(
    cfg: PlayConfig, weights_eos: Iterable[int | None], tokenize: Callable[[str], Sequence[int]]
) -> TurnEnd:
    """What ends a turn of this model, the same rule on every local backend.

    - `chat.end_of_turn` absent: the weights' EOS token(s) (`weights_eos`) end a turn.
    - `chat.end_of_turn` given: exactly those strings end a turn, and the weights' EOS is *not*
      added. A string that is one token of the vocabulary ends the turn when that token is
      generated; every string also ends it where it appears in the decoded text (a multi-token
      string only so).

    So a registry entry states the whole turn-taking of a model, and a wrong one can be
    reproduced on purpose: `end_of_turn: ["<|endoftext|>"]` for a ChatML model, which ends its
    turns with <|im_end|>, lets generation run past the end of the turn, as Llama-3's stop token
    set to end-of-text instead of end-of-turn did (Bhavsar et al. 2024, Appendix D).
    """
    strings = cfg.chat.get("end_of_turn")
    if strings is None:
        return TurnEnd(frozenset(t for t in weights_eos if t is not None and t >= 0), ())
    ids = {tokens[0] for s in strings if len(tokens := tokenize(s)) == 1}
    return TurnEnd(frozenset(ids), tuple(strings))


def context_exceeded(prompt: str, prompt_tokens: int, context_size: int) -> Generation:
    """As in clembench, a request whose prompt plus max_tokens exceeds the context is not run;
    the empty answer is the model's failure (scored), flagged in `extra`."""
    return Generation(
        "", "length", prompt_tokens, 0, prompt, extra={"context_exceeded": context_size}
    )
