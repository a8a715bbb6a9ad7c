"""GGUF models run in-process with llama-cpp-python.

The prompt is rendered by `chat_template` (not by llama-cpp-python's chat handlers), so it is
the same string the transformers backend feeds its model.

Two engines answer a batch; both give the same outputs bit for bit.

`engine: legacy` answers it sequentially, in order, through the high-level `Llama` API (one
sequence at a time). With the option `parallel: N` (N > 1) it decodes N sequences at a time
through llama.cpp's low-level API: a second context with N sequences, each in its own KV-cache
stream of `n_ctx` cells (`kv_unified` off), a `llama_batch` that carries the next token of
every running sequence with its own `seq_id`, and one sampler chain per sequence, built
exactly as `Llama.generate` builds it. A finished sequence's slot is cleared and takes the
next prompt (continuous batching). Prompts are still evaluated one at a time, in the same
`n_batch` chunks as the sequential path: only decode steps are shared. So every sequence sees
the KV cells, positions and chunking it would see alone, and greedy (and seeded) outputs are
identical to the sequential path (tests/throughput). On a CPU this buys little where prompt
evaluation dominates: it is compute-bound and not shared.

`engine: batched`, the default since its benchmark (benchmarks/README.md: as fast on
single-turn games, faster on multi-turn ones), goes through `llama_batched.BatchedLlama`:
prompt pieces of several sequences share `llama_decode` calls too, and each of `slots` KV
streams keeps the prompt it last evaluated, so a turn that extends an earlier turn's
conversation evaluates only its new tokens (why the outputs stay bit-identical: that module's
docstring; tests/throughput).

Memory grows with N x n_ctx KV cells (about 23 KB per cell for SmolLM2-135M).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import _internals as llama_internals

from clemgrid.backends import next_token
from clemgrid.backends.base import LENGTH, Backend, Generation, GenerationParams, Message
from clemgrid.backends.chat_template import chat_template, context_exceeded, turn_end
from clemgrid.backends.llama_batched import BatchedLlama, Request, decode
from clemgrid.backends.weights import weight_file
from clemgrid.entries import PlayConfig


class LlamaCppBackend(Backend):
    def __init__(self, cfg: PlayConfig) -> None:
        """`options` of the backend entry are passed to `llama_cpp.Llama` (n_ctx, n_threads,
        n_batch, n_gpu_layers, ...); n_ctx defaults to the model's `chat.context_size`, seed to
        0 and verbose to off. Ours: `parallel` (default 1), sequences decoded together; `engine`
        (`batched`, the default, or `legacy`); `slots` (default 2 x parallel), KV streams the
        batched engine keeps between batches for prefix reuse (about n_ctx x 23 KB each for
        SmolLM2-135M)."""
        options = {"seed": 0, "verbose": False, **(cfg.backend_entry.get("options") or {})}
        self.parallel = int(options.pop("parallel", 1))
        self.engine = str(options.pop("engine", "batched"))
        # KV streams kept between batches: two per live episode (one per player) by default.
        self.slots = int(options.pop("slots", 2 * self.parallel))
        if self.engine not in {"batched", "legacy"}:
            raise ValueError(f"backend {cfg.backend!r}: options.engine must be batched or legacy")
        if not 1 <= self.parallel <= llama_cpp.llama_max_parallel_sequences():
            raise ValueError(
                f"backend {cfg.backend!r}: options.parallel must be between 1 and "
                f"{llama_cpp.llama_max_parallel_sequences()}, not {self.parallel}"
            )
        if not self.parallel <= self.slots <= llama_cpp.llama_max_parallel_sequences():
            raise ValueError(
                f"backend {cfg.backend!r}: options.slots must be between parallel and "
                f"{llama_cpp.llama_max_parallel_sequences()}, not {self.slots}"
            )
        if "context_size" in cfg.chat:
            options.setdefault("n_ctx", cfg.chat["context_size"])
        self.llm = llama_cpp.Llama(model_path=str(weight_file(cfg)), **options)
        self.template = chat_template(
            cfg,
            self.llm.metadata.get("tokenizer.chat_template"),
            self._token_text(self.llm.token_bos()),
            self._token_text(self.llm.token_eos()),
        )
        # `Llama.generate` never stops by itself: exactly these tokens and strings end a turn.
        self.turn_end = turn_end(cfg, {self.llm.token_eos()}, self._tokenize)
        self._pool: _SequencePool | None = None  # created on the first multi-chat batch
        self._batched: BatchedLlama | None = None  # created on the first batch
        # The engine keeps at most this many episodes alive, so that the conversations of
        # the live episodes (two players each) keep their KV streams between turns.
        self.max_live_episodes = max(1, self.slots // 2) if self.engine == "batched" else None
        self._labels: tuple[Callable, dict[str, list[int]]] | None = None  # answer_probabilities

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
        if self.engine == "batched":
            return self._generate_batched(batch, params)
        if self.parallel > 1 and len(batch) > 1:
            return self._generate_parallel(batch, params)
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
        for token in self.llm.generate(prompt_tokens, **self._sampling(params)):
            completion.append(token)
            ended = self.turn_end.check(completion, self._decode)
            if ended is not None:
                return Generation(ended[0], ended[1], len(prompt_tokens), len(completion), prompt)
            if len(completion) >= params.max_tokens:
                break
        return Generation(
            self._decode(completion), "length", len(prompt_tokens), len(completion), prompt
        )

    @staticmethod
    def _sampling(params: GenerationParams) -> dict[str, Any]:
        return {
            "temp": params.temperature,
            "top_k": 0,
            "top_p": 1.0,
            "min_p": 0.0,
            "repeat_penalty": 1.0,
        }

    def _prompts(
        self, batch: list[list[Message]], params: GenerationParams
    ) -> tuple[list[Generation | None], list[tuple[int, str, list[int]]]]:
        """Each chat rendered and tokenized: (results with the chats that exceed the context
        already answered, (index, prompt, tokens) of the others in batch order)."""
        n_ctx = self.llm.n_ctx()
        results: list[Generation | None] = [None] * len(batch)
        fitting = []
        for i, messages in enumerate(batch):
            prompt = self.template.render(messages)
            tokens = self._tokenize(prompt)
            if len(tokens) + params.max_tokens > n_ctx:
                results[i] = context_exceeded(prompt, len(tokens), n_ctx)
            else:
                fitting.append((i, prompt, tokens))
        return results, fitting

    def _generate_batched(
        self, batch: list[list[Message]], params: GenerationParams
    ) -> list[Generation]:
        """The batch through the slots' context; results in the order of the batch."""
        if self._batched is None:
            self._batched = BatchedLlama(self.llm, self.slots, self.parallel)
        results, fitting = self._prompts(batch, params)
        requests = [Request(i, prompt, tokens) for i, prompt, tokens in fitting]

        def new_sampler() -> Any:
            # Llama.generate's own sampler chain, one per sequence (private API of the pinned
            # llama-cpp-python): the same chain with the same seed as sequentially.
            self.llm.set_seed(params.seed)
            return self.llm._init_sampler(**self._sampling(params))

        answers = self._batched.generate(requests, params, new_sampler, self.turn_end, self._decode)
        for index, generation in answers.items():
            results[index] = generation
        return results  # type: ignore[return-value]  # every slot is filled above

    def _generate_parallel(
        self, batch: list[list[Message]], params: GenerationParams
    ) -> list[Generation]:
        """The batch decoded `parallel` sequences at a time; results in the order of the batch."""
        if self._pool is None:
            self._pool = _SequencePool(self.llm, self.parallel)
        pool = self._pool
        results, fitting = self._prompts(batch, params)
        queue = deque(fitting)

        running: dict[int, _Running] = {}  # slot (= seq_id) -> its sequence
        free = list(range(self.parallel - 1, -1, -1))

        def advance(slot: int, token: int) -> None:
            """Append a sampled token; a sequence that has ended frees its slot."""
            seq = running[slot]
            seq.completion.append(token)
            ended = self.turn_end.check(seq.completion, self._decode)
            if ended is None and len(seq.completion) < params.max_tokens:
                return
            text, reason = ended or (self._decode(seq.completion), LENGTH)
            results[seq.index] = Generation(
                text, reason, len(seq.tokens), len(seq.completion), seq.prompt
            )
            del running[slot]
            free.append(slot)

        while queue or running:
            while queue and free:
                slot = free.pop()
                index, prompt, tokens = queue.popleft()
                self.llm.set_seed(params.seed)
                # Llama.generate's own sampler chain, one per sequence (private API of the
                # pinned llama-cpp-python): the same chain with the same seed as sequentially.
                sampler = self.llm._init_sampler(**self._sampling(params))
                running[slot] = _Running(index, prompt, tokens, sampler)
                pool.evaluate_prompt(slot, tokens)
                advance(slot, sampler.sample(pool.ctx, -1))
            if running:
                slots = sorted(running)
                pool.decode_step(
                    [
                        (
                            running[s].completion[-1],
                            len(running[s].tokens) + len(running[s].completion) - 1,
                            s,
                        )
                        for s in slots
                    ]
                )
                for position, slot in enumerate(slots):
                    advance(slot, running[slot].sampler.sample(pool.ctx, position))
        return results  # type: ignore[return-value]  # every slot is filled above

    def answer_probabilities(
        self, messages: list[Message], classify: Callable[[str], str | None], temperature: float
    ) -> dict[str, float]:
        """The prompt evaluated alone (state reset, as for a generation) and the logits of its
        last position read: the distribution the first answer token is sampled from."""
        tokens = self._tokenize(self.template.render(messages))
        self.llm.reset()
        self.llm.eval(tokens)
        n_vocab = self.llm.n_vocab()
        logits = np.ctypeslib.as_array(self.llm._ctx.get_logits(), shape=(n_vocab,)).copy()
        if self._labels is None or self._labels[0] is not classify:
            texts = [self._token_text(t) for t in range(n_vocab)]
            self._labels = (classify, next_token.label_tokens(texts, classify))
        return next_token.from_logits(logits, self._labels[1], temperature)

    def close(self) -> None:
        if self._batched is not None:
            self._batched.close()
            self._batched = None
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self.llm.close()


class _Running:
    __slots__ = ("index", "prompt", "tokens", "sampler", "completion")

    def __init__(self, index: int, prompt: str, tokens: list[int], sampler: Any) -> None:
        self.index, self.prompt, self.tokens, self.sampler = index, prompt, tokens, sampler
        self.completion: list[int] = []


class _SequencePool:
    """A llama.cpp context of `n` sequences sharing the model's weights: every sequence has its
    own KV-cache stream of the model context's `n_ctx` cells, so its cells and positions are
    those of the sequential context; all other parameters are copied from that context."""

    def __init__(self, llm: llama_cpp.Llama, n: int) -> None:
        params = llama_cpp.llama_context_default_params()
        for name, _ in params._fields_:
            setattr(params, name, getattr(llm.context_params, name))
        params.n_seq_max = n
        params.kv_unified = False
        params.n_ctx = n * llm.n_ctx()
        params.n_batch = max(llm.n_batch, n)
        params.n_ubatch = max(params.n_ubatch, n)
        self.n_batch = llm.n_batch  # prompt chunks exactly as Llama.eval makes them
        self.ctx = llama_internals.LlamaContext(model=llm._model, params=params, verbose=False)
        self.memory = llama_cpp.llama_get_memory(self.ctx.ctx)
        self.batch = llama_internals.LlamaBatch(
            n_tokens=params.n_batch, embd=0, n_seq_max=1, verbose=False
        )

    def _fill(self, items: list[tuple[int, int, int, bool]]) -> None:
        """(token, position, seq_id, wants logits) per batch entry, then decode."""
        decode(self.ctx, self.batch, items)

    def evaluate_prompt(self, seq_id: int, tokens: list[int]) -> None:
        """The prompt in `n_batch` chunks with logits for the last token of each, as `Llama.eval`
        evaluates it."""
        llama_cpp.llama_memory_seq_rm(self.memory, seq_id, -1, -1)
        for start in range(0, len(tokens), self.n_batch):
            chunk = tokens[start : start + self.n_batch]
            self._fill(
                [(token, start + k, seq_id, k == len(chunk) - 1) for k, token in enumerate(chunk)]
            )

    def decode_step(self, items: list[tuple[int, int, int]]) -> None:
        """One token of every running sequence: (token, position, seq_id); logits for all."""
        self._fill([(token, position, seq_id, True) for token, position, seq_id in items])

    def close(self) -> None:
        self.batch.close()
        self.ctx.close()
