"""Models run in-process with Hugging Face transformers, with true batched generation.

Weights come from a hub id, a local model directory, or a GGUF file (dequantized by transformers
to `dtype`). Prompts are rendered by `chat_template`, identical to the llama.cpp backend's.
A batch is sorted by prompt length (less padding), split into chunks of `batch_size`, left-padded
and generated together; results come back in the order of the input batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

from clemgrid.backends.base import Backend, Generation, GenerationParams, Message
from clemgrid.backends.chat_template import TurnEnd, chat_template, context_exceeded
from clemgrid.backends.weights import HubModel, weight_location
from clemgrid.registry import PlayConfig


def _from_pretrained_args(cfg: PlayConfig) -> tuple[str, dict[str, Any]]:
    """(name or path, kwargs) for `from_pretrained`: a GGUF file is loaded from its folder with
    `gguf_file=`, a hub model without a file by its repo id."""
    location = weight_location(cfg)
    if isinstance(location, HubModel):
        return location.repo, {"revision": location.revision} if location.revision else {}
    if location.is_file():
        return str(location.parent), {"gguf_file": location.name}
    return str(location), {}


class TransformersBackend(Backend):
    def __init__(self, cfg: PlayConfig) -> None:
        """Options: `device` (default cuda if available, else cpu; "auto" spreads a model too big
        for one GPU over all GPUs of the job with accelerate), `dtype` (a torch dtype name or
        "auto", default float32), `batch_size` (sequences generated together, default 8)."""
        options = cfg.backend_entry.get("options") or {}
        device = options.get("device") or ("cuda" if torch.cuda.is_available() else "cpu")
        self.batch_size = int(options.get("batch_size", 8))
        dtype = options.get("dtype", "float32")
        name, kwargs = _from_pretrained_args(cfg)
        self.tokenizer = AutoTokenizer.from_pretrained(name, **kwargs)
        if device == "auto":
            kwargs["device_map"] = "auto"
        self.model = AutoModelForCausalLM.from_pretrained(
            name, dtype=dtype if dtype == "auto" else getattr(torch, dtype), **kwargs
        )
        if device != "auto":
            self.model.to(device)
        self.model.eval()
        self.device = self.model.device  # inputs go where the first layers are
        tok = self.tokenizer
        self.template = chat_template(
            cfg, tok.chat_template, tok.bos_token or "", tok.eos_token or ""
        )
        self.context_size = int(
            cfg.chat.get("context_size") or self.model.config.max_position_embeddings
        )

        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos]) | {tok.eos_token_id}
        strings = tuple(cfg.chat.get("end_of_turn") or ())
        # Single-token strings stop by id; only the others need transformers' stop-string search.
        self.stop_strings: list[str] = []
        for s in strings:
            ids = tok.encode(s, add_special_tokens=False)
            if len(ids) == 1:
                eos_ids.add(ids[0])
            else:
                self.stop_strings.append(s)
        self.turn_end = TurnEnd(frozenset(eos_ids - {None}), strings)
        self.pad_id = (
            tok.pad_token_id if tok.pad_token_id is not None else min(self.turn_end.token_ids)
        )

    def _decode(self, tokens: Sequence[int]) -> str:
        return self.tokenizer.decode(
            list(tokens), skip_special_tokens=False, clean_up_tokenization_spaces=False
        )

    def _generation_config(self, params: GenerationParams) -> GenerationConfig:
        """Every sampling field is set, so nothing is inherited from the model's own generation
        config (which would change decoding and warn on every call)."""
        sampling = params.temperature > 0
        # When sampling: pure temperature sampling (top_k=0 and min_p=0 disable those filters).
        # When greedy: the library's neutral defaults, which its validation does not warn about.
        return GenerationConfig(
            max_new_tokens=params.max_tokens,
            do_sample=sampling,
            temperature=params.temperature if sampling else 1.0,
            top_k=0 if sampling else 50,
            top_p=1.0,
            min_p=0.0 if sampling else None,
            typical_p=1.0,
            repetition_penalty=1.0,
            num_beams=1,
            eos_token_id=sorted(self.turn_end.token_ids),
            pad_token_id=self.pad_id,
            stop_strings=self.stop_strings or None,
        )

    def generate(self, batch: list[list[Message]], params: GenerationParams) -> list[Generation]:
        prompts = [self.template.render(messages) for messages in batch]
        encoded = [self.tokenizer.encode(p, add_special_tokens=False) for p in prompts]
        results: list[Generation | None] = [None] * len(batch)
        runnable = []
        for i, ids in enumerate(encoded):
            if len(ids) + params.max_tokens > self.context_size:
                results[i] = context_exceeded(prompts[i], len(ids), self.context_size)
            else:
                runnable.append(i)
        runnable.sort(key=lambda i: len(encoded[i]), reverse=True)
        config = self._generation_config(params)
        for start in range(0, len(runnable), self.batch_size):
            chunk = runnable[start : start + self.batch_size]
            completions = self._generate_chunk([encoded[i] for i in chunk], config, params.seed)
            for i, completion in zip(chunk, completions, strict=True):
                text, reason, n = self.turn_end.finish(completion, self._decode)
                results[i] = Generation(text, reason, len(encoded[i]), n, prompts[i])
        return results  # type: ignore[return-value]  # every slot is filled above

    def _generate_chunk(
        self, prompts: list[list[int]], config: GenerationConfig, seed: int
    ) -> list[list[int]]:
        """Generated token ids per prompt (finished sequences are padded to the longest)."""
        width = max(len(p) for p in prompts)
        input_ids = torch.tensor([[self.pad_id] * (width - len(p)) + p for p in prompts])
        attention_mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
        torch.manual_seed(seed)
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=attention_mask.to(self.device),
                generation_config=config,
                tokenizer=self.tokenizer,
            )
        return output[:, width:].tolist()

    def close(self) -> None:
        """Drop the weights now, not at garbage collection (GPU memory); safe to call twice."""
        self.__dict__.pop("model", None)
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
