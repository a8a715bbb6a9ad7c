"""GGUF models run in-process with llama-cpp-python.

The prompt is rendered by `chat_template` (not by llama-cpp-python's chat handlers), so it is
the same string the transformers backend feeds its model. The high-level `Llama` API decodes one
sequence at a time, so a batch is answered sequentially, in order; the batched interface still
lets the engine treat every backend alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import llama_cpp

from clemgrid.backends.base import Backend, Generation, GenerationParams, Message
from clemgrid.backends.chat_template import TurnEnd, chat_template, context_exceeded
from clemgrid.backends.weights import weight_file
from clemgrid.registry import PlayConfig


class LlamaCppBackend(Backend):
    def __init__(self, cfg: PlayConfig) -> None:
        """`options` of the backend entry are passed to `llama_cpp.Llama` (n_ctx, n_threads,
        n_batch, n_gpu_layers, ...); n_ctx defaults to the model's `chat.context_size`, seed to
        0 and verbose to off."""
        options = {"seed": 0, "verbose": False, **(cfg.backend_entry.get("options") or {})}
        if "context_size" in cfg.chat:
            options.setdefault("n_ctx", cfg.chat["context_size"])
        self.llm = llama_cpp.Llama(model_path=str(weight_file(cfg)), **options)
        self.template = chat_template(
            cfg,
            self.llm.metadata.get("tokenizer.chat_template"),
            self._token_text(self.llm.token_bos()),
            self._token_text(self.llm.token_eos()),
        )
        strings = tuple(cfg.chat.get("end_of_turn") or ())
        ids = {self.llm.token_eos()} | {
            tokens[0] for s in strings if len(tokens := self._tokenize(s)) == 1
        }
        self.turn_end = TurnEnd(frozenset(ids - {-1}), strings)

    def _token_text(self, token: int) -> str:
        return "" if token < 0 else self._decode([token])

    def _tokenize(self, text: str) -> list[int]:
        """Special tokens are parsed and no BOS is added: the chat template writes the BOS itself
        where the model wants one (as transformers' apply_chat_template and llama-cpp-python's
        own Jinja chat formatter assume), so it is never doubled."""
        return self.llm.tokenize(text.encode(), add_bos=False, special=True)

    def _decode(self, tokens: Sequence[int]) -> str:
        return self.llm.detokenize(list(tokens), special=True).decode("utf-8", errors="replace")

    def generate(self, batch: list[list[Message]], params: GenerationParams) -> list[Generation]:
        return [self._generate_one(messages, params) for messages in batch]

    def _generate_one(self, messages: list[Message], params: GenerationParams) -> Generation:
        prompt = self.template.render(messages)
        prompt_tokens = self._tokenize(prompt)
        if len(prompt_tokens) + params.max_tokens > self.llm.n_ctx():
            return context_exceeded(prompt, len(prompt_tokens), self.llm.n_ctx())
        # Without the reset, `generate` reuses the KV cache of a shared prompt prefix, and the
        # differently chunked evaluation can change even temperature-0 outputs.
        self.llm.reset()
        self.llm.set_seed(params.seed)
        completion: list[int] = []
        # top_k=0, top_p=1, min_p=0: pure temperature sampling (greedy at temperature 0).
        for token in self.llm.generate(
            prompt_tokens,
            temp=params.temperature,
            top_k=0,
            top_p=1.0,
            min_p=0.0,
            repeat_penalty=1.0,
        ):
            completion.append(token)
            ended = self.turn_end.check(completion, self._decode)
            if ended is not None:
                return Generation(ended[0], ended[1], len(prompt_tokens), len(completion), prompt)
            if len(completion) >= params.max_tokens:
                break
        return Generation(
            self._decode(completion), "length", len(prompt_tokens), len(completion), prompt
        )

    def close(self) -> None:
        self.llm.close()
