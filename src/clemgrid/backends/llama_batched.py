"""Batched prompt evaluation and prefix reuse for the in-process llama.cpp backend.

A context of `slots` KV-cache streams (one sequence each, `kv_unified` off, `n_ctx` cells
each, as the sequential context has). Every slot remembers the prompt tokens whose KV cells it
holds; a new prompt goes to the free slot sharing its longest prefix, and only the tokens
after that prefix are evaluated. Prompt chunks of several sequences go into one `llama_decode`
call, and so do the next tokens of every generating sequence (continuous batching).

Why the outputs equal the sequential path's (`Llama.reset` + `Llama.generate`) bit for bit:
on llama.cpp's CPU backend a token's KV cells and logits do not depend on how its sequence's
prompt is chunked, nor on other sequences in the same call, as long as the ubatch holds at
least two tokens of that sequence; a ubatch holding one token of a sequence (a decode step, or
the lone last chunk of a prompt of n_batch*k+1 tokens) takes another kernel path and differs
in the last bits. So every token is evaluated in the mode the sequential path uses:

- a slot reuses only *prompt* cells (never the cells of generated tokens, which were evaluated
  one at a time, while a later prompt holding them evaluates them in a chunk);
- the tokens after the reused prefix are evaluated in pieces of at least two tokens, except the
  last token when the sequential path evaluates it alone (prompt length = 1 mod n_batch);
- every `llama_decode` call holds the same number of tokens of each of its sequences and at
  most n_ubatch tokens, so llama.cpp's equal split (used for non-unified caches) never cuts a
  piece into a one-token ubatch;
- a slot's cells always hold positions 0..n-1 in cells 0..n-1 (suffixes are removed, so the
  cache's head returns to the first freed cell), as in a fresh context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import llama_cpp
from llama_cpp import _internals as llama_internals

from clemgrid.backends.base import LENGTH, Generation, GenerationParams
from clemgrid.backends.chat_template import TurnEnd


@dataclass
class Request:
    """One prompt to answer: its index in the batch, rendered prompt and tokens."""

    index: int
    prompt: str
    tokens: list[int]


@dataclass
class _Slot:
    seq_id: int
    cached: list[int] = field(default_factory=list)  # prompt tokens whose cells are kept
    last_used: int = 0


@dataclass
class _Sequence:
    request: Request
    slot: _Slot
    sampler: Any
    pieces: list[tuple[int, int]]  # (start, end) still to evaluate; the last gives logits
    completion: list[int] = field(default_factory=list)


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def plan_pieces(reused: int, length: int, n_batch: int, piece: int) -> tuple[int, list]:
    """(tokens reused, pieces to evaluate) for a prompt of `length` tokens whose first `reused`
    tokens are in the slot: pieces of at least two tokens, and the last token alone exactly
    where the sequential path's n_batch chunks leave it alone."""
    lone = length % n_batch == 1
    multi_end = length - 1 if lone else length
    reused = min(reused, multi_end - (0 if lone else 2))
    if multi_end - reused == 1:  # a one-token piece would take the other kernel path
        reused -= 1
    reused = max(reused, 0)
    pieces = []
    start = reused
    while start < multi_end:
        end = min(start + piece, multi_end)
        if multi_end - end == 1:
            end -= 1  # leave two for the last piece
        pieces.append((start, end))
        start = end
    if lone:
        pieces.append((length - 1, length))
    return reused, pieces


def decode(ctx: Any, batch: Any, items: list[tuple[int, int, int, bool]]) -> None:
    """(token, position, seq_id, wants logits) per entry of the LlamaBatch `batch`, in one
    llama_decode call of the LlamaContext `ctx`."""
    raw = batch.batch
    raw.n_tokens = len(items)
    for k, (token, position, seq_id, logits) in enumerate(items):
        raw.token[k] = token
        raw.pos[k] = position
        raw.seq_id[k][0] = seq_id
        raw.n_seq_id[k] = 1
        raw.logits[k] = logits
    ctx.decode(batch)


class BatchedLlama:
    """The slots' context beside a `Llama` (same weights, same context parameters)."""

    def __init__(self, llm: llama_cpp.Llama, slots: int, parallel: int) -> None:
        params = llama_cpp.llama_context_default_params()
        for name, _ in params._fields_:
            setattr(params, name, getattr(llm.context_params, name))
        self.n_ubatch = max(int(llm.context_params.n_ubatch), parallel)
        params.n_seq_max = slots
        params.kv_unified = False
        params.n_ctx = slots * llm.n_ctx()
        params.n_batch = params.n_ubatch = self.n_ubatch
        self.n_batch = llm.n_batch  # the sequential path's prompt chunks
        self.parallel = parallel
        self.ctx = llama_internals.LlamaContext(model=llm._model, params=params, verbose=False)
        self.memory = llama_cpp.llama_get_memory(self.ctx.ctx)
        self.batch = llama_internals.LlamaBatch(
            n_tokens=self.n_ubatch, embd=0, n_seq_max=1, verbose=False
        )
        self.slots = [_Slot(i) for i in range(slots)]
        self.clock = 0
        self.prompt_tokens_evaluated = 0  # counters for benchmarks
        self.prompt_tokens_reused = 0

    def _take_slot(self, tokens: list[int], busy: set[int]) -> tuple[_Slot, int]:
        """A free slot for `tokens`, and the length of the prefix it holds: the slot whose
        whole cached prompt `tokens` extend (the same conversation's last turn) first, else the
        longest shared prefix (the instructions of a game's first turn), least recently used
        on a tie. (Taking the least recently used slot for every new conversation protected
        live ones but lost the shared instructions: a privateshared episode reused nothing.)"""
        best: tuple[tuple[bool, int, int], _Slot, int] | None = None
        for slot in self.slots:
            if slot.seq_id in busy:
                continue
            shared = common_prefix(slot.cached, tokens)
            extends = bool(slot.cached) and shared == len(slot.cached)
            key = (extends, shared, -slot.last_used)
            if best is None or key > best[0]:
                best = (key, slot, shared)
        assert best is not None
        return best[1], best[2]

    def _decode(self, items: list[tuple[int, int, int, bool]]) -> None:
        decode(self.ctx, self.batch, items)

    def generate(
        self,
        requests: list[Request],
        params: GenerationParams,
        new_sampler: Callable[[], Any],
        turn_end: TurnEnd,
        detokenize: Callable[[Sequence[int]], str],
    ) -> dict[int, Generation]:
        """Answer every request, `parallel` sequences at a time; results by request index."""
        queue = list(reversed(requests))
        running: list[_Sequence] = []
        results: dict[int, Generation] = {}
        piece = max(3, self.n_ubatch // self.parallel)

        def advance(seq: _Sequence, token: int) -> bool:
            """Append a sampled token; True when the sequence has ended."""
            seq.completion.append(token)
            ended = turn_end.check(seq.completion, detokenize)
            if ended is None and len(seq.completion) < params.max_tokens:
                return False
            text, reason = ended or (detokenize(seq.completion), LENGTH)
            req = seq.request
            results[req.index] = Generation(
                text, reason, len(req.tokens), len(seq.completion), req.prompt
            )
            return True

        while queue or running:
            busy = {s.slot.seq_id for s in running}
            while queue and len(running) < self.parallel:
                req = queue.pop()
                slot, shared = self._take_slot(req.tokens, busy)
                busy.add(slot.seq_id)
                reused, pieces = plan_pieces(shared, len(req.tokens), self.n_batch, piece)
                llama_cpp.llama_memory_seq_rm(self.memory, slot.seq_id, reused, -1)
                multi_end = pieces[-1][1] if pieces[-1][1] - pieces[-1][0] > 1 else pieces[-1][0]
                slot.cached = req.tokens[: max(reused, multi_end)]
                self.clock += 1
                slot.last_used = self.clock
                self.prompt_tokens_reused += reused
                running.append(_Sequence(req, slot, new_sampler(), pieces))
            self._step(running, advance)
            running = [s for s in running if s.request.index not in results]
        return results

    def _step(self, running: list[_Sequence], advance: Callable[[_Sequence, int], bool]) -> None:
        """One round: the next prompt piece of every prompting sequence (calls of equal piece
        lengths), then one token of every generating sequence and every lone last prompt
        token (one call)."""
        by_length: dict[int, list[_Sequence]] = {}
        singles: list[_Sequence] = []
        for seq in running:
            if seq.pieces:
                start, end = seq.pieces[0]
                if end - start == 1:
                    singles.append(seq)
                else:
                    by_length.setdefault(end - start, []).append(seq)
            else:
                singles.append(seq)
        for length, group in sorted(by_length.items()):
            per_call = max(1, self.n_ubatch // length)
            for k in range(0, len(group), per_call):
                call = group[k : k + per_call]
                items = []
                for seq in call:
                    start, end = seq.pieces.pop(0)
                    last = not seq.pieces
                    tokens = seq.request.tokens
                    items += [
                        (tokens[p], p, seq.slot.seq_id, last and p == end - 1)
                        for p in range(start, end)
                    ]
                    self.prompt_tokens_evaluated += end - start
                self._decode(items)
                for seq, idx in self._logit_rows(items, call):
                    advance(seq, seq.sampler.sample(self.ctx, idx))
        live = singles  # all untouched by the calls above: none has ended this round
        if not live:
            return
        items = []
        for seq in live:
            if seq.pieces:
                start, _ = seq.pieces.pop(0)
                items.append((seq.request.tokens[start], start, seq.slot.seq_id, True))
                self.prompt_tokens_evaluated += 1
            else:
                position = len(seq.request.tokens) + len(seq.completion) - 1
                items.append((seq.completion[-1], position, seq.slot.seq_id, True))
        self._decode(items)
        for idx, seq in enumerate(live):
            advance(seq, seq.sampler.sample(self.ctx, idx))

    @staticmethod
    def _logit_rows(
        items: list[tuple[int, int, int, bool]], call: list[_Sequence]
    ) -> list[tuple[_Sequence, int]]:
        by_seq = {seq.slot.seq_id: seq for seq in call}
        return [(by_seq[item[2]], idx) for idx, item in enumerate(items) if item[3]]

    def close(self) -> None:
        self.batch.close()
        self.ctx.close()
