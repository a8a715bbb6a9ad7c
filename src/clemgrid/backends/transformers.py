"""Models run in-process with Hugging Face transformers, with true batched generation.

Weights come from a hub id, a local model directory, or a GGUF file (dequantized by transformers
to `dtype`, with the gguf package: a file holding tensor types it cannot read is refused before
loading). A `bitsandbytes` source loads another quant's weights quantized to 8 or 4 bits (NF4)
by transformers' BitsAndBytesConfig, on a CUDA GPU only. A `lora` source is another quant's
weights with the finetune rule's adapter merged in (peft). Prompts are rendered by
`chat_template`, identical to the llama.cpp backend's.
A batch is sorted by prompt length (less padding), split into chunks of `batch_size`, left-padded
and generated together; results come back in the order of the input batch.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

from clemgrid.backends import next_token
from clemgrid.backends.base import Backend, Generation, GenerationParams, Message
from clemgrid.backends.chat_template import chat_template, context_exceeded, turn_end
from clemgrid.backends.weights import (
    HubModel,
    WeightsError,
    is_split,
    lora_adapter,
    weight_location,
)
from clemgrid.entries import PlayConfig
from clemgrid.gguf_info import sha256, undequantizable_types
from clemgrid.sources import BITSANDBYTES_KIND


def _from_pretrained_args(cfg: PlayConfig) -> tuple[str, dict[str, Any]]:
    """(name or path, kwargs) for `from_pretrained`: a GGUF file is loaded from its folder with
    `gguf_file=`, a hub model without a file by its repo id."""
    location = weight_location(cfg)
    if isinstance(location, HubModel):
        return location.repo, {"revision": location.revision} if location.revision else {}
    if location.is_file():
        if is_split(location):  # it would read the first part's tensors alone
            raise WeightsError(
                f"model {cfg.model!r}, quant {cfg.quant!r}: {location.name!r} is the first part "
                "of a split GGUF, and transformers' GGUF loader reads one file; play this quant "
                "on a llama.cpp backend, or merge the parts (llama.cpp's gguf-split --merge)"
            )
        if unreadable := undequantizable_types(location):
            raise WeightsError(
                f"model {cfg.model!r}, quant {cfg.quant!r}: {str(location)!r} holds tensor types "
                f"{', '.join(unreadable)}, which transformers' GGUF loader cannot dequantize (it "
                "uses the gguf package); play this quant on a llama.cpp backend"
            )
        return str(location.parent), {"gguf_file": location.name}
    return str(location), {}


def _bitsandbytes_config(cfg: PlayConfig, device: str | None, dtype: Any) -> Any:
    """transformers' BitsAndBytesConfig for a `bitsandbytes` source, else None. Checked before
    anything is loaded: bitsandbytes quantizes on a CUDA GPU only."""
    source = cfg.weight_source.get(BITSANDBYTES_KIND)
    if source is None:
        return None
    bits = int(source["bits"])
    where = f"model {cfg.model!r}, quant {cfg.quant!r} (bitsandbytes {bits}-bit)"
    if not torch.cuda.is_available():
        reason = "no CUDA GPU is available to torch on this machine"
    elif str(device).startswith("cpu"):
        reason = f"backend {cfg.backend!r} runs on device {device!r}"
    elif importlib.util.find_spec("bitsandbytes") is None:
        reason = "the bitsandbytes package is not installed (pip install bitsandbytes)"
    else:
        reason = ""
    if reason:
        raise WeightsError(f"{where}: needs a CUDA GPU with bitsandbytes, but {reason}")
    from transformers import BitsAndBytesConfig

    if bits == 8:
        return BitsAndBytesConfig(load_in_8bit=True)
    compute = dtype if isinstance(dtype, torch.dtype) else torch.bfloat16
    return BitsAndBytesConfig(
        load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=compute
    )


def _dequantized_copy(gguf: Path, dtype: Any) -> str:
    """A saved copy of the model transformers dequantizes from `gguf`, made on first use.

    Dequantizing a GGUF and converting its vocabulary takes seconds per play job (about 15 s
    for the embedded model on 2 cores), while loading saved safetensors takes one. The copy
    holds exactly the loaded tensors, so generations are the same either way (tested). It is
    keyed by the file's content, the dtype and the transformers version, and written to a
    temporary folder that is renamed into place, so a killed job leaves no half copy.
    Location: $CLEMGRID_DEQUANTIZED_CACHE, else ~/.cache/clemgrid/dequantized.
    """
    import transformers

    root = Path(
        os.environ.get("CLEMGRID_DEQUANTIZED_CACHE")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "clemgrid"
        / "dequantized"
    )
    dtype_name = str(dtype).removeprefix("torch.")
    target = root / f"{sha256(gguf)[:32]}-{dtype_name}-transformers{transformers.__version__}"
    if not (target / "config.json").is_file():
        root.mkdir(parents=True, exist_ok=True)
        model = AutoModelForCausalLM.from_pretrained(
            str(gguf.parent), gguf_file=gguf.name, dtype=dtype
        )
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        # transformers marks a GGUF-loaded model as "quantized with gguf" and refuses to save
        # it, although its tensors are dense `dtype` tensors after dequantization.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        tmp = tempfile.mkdtemp(dir=root)
        try:
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
            os.rename(tmp, target)
        except OSError:
            if not (target / "config.json").is_file():  # not another job's copy: a real error
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return str(target)


def _with_adapter(model: Any, adapter: Path) -> Any:
    """The base model with a LoRA adapter (peft) merged in: generation then costs what the
    base costs, and the weights are what training produced (base + scaled B·A)."""
    from peft import PeftModel

    return PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()


class TransformersBackend(Backend):
    def __init__(self, cfg: PlayConfig) -> None:
        """Options: `device` (default cuda if available, else cpu; "auto" spreads a model too big
        for one GPU over all GPUs of the job with accelerate), `dtype` (a torch dtype name or
        "auto", default float32), `batch_size` (sequences generated together, default 8),
        `dequantized_copy` (a GGUF is dequantized once and the result saved for later jobs)."""
        options = cfg.backend_entry.get("options") or {}
        device = options.get("device") or ("cuda" if torch.cuda.is_available() else "cpu")
        self.batch_size = int(options.get("batch_size", 8))
        dtype = options.get("dtype", "float32")
        torch_dtype = dtype if dtype == "auto" else getattr(torch, dtype)
        quantization = _bitsandbytes_config(cfg, options.get("device"), torch_dtype)
        name, kwargs = _from_pretrained_args(cfg)
        if "gguf_file" in kwargs and quantization is None and options.get("dequantized_copy"):
            name, kwargs = _dequantized_copy(Path(name) / kwargs["gguf_file"], torch_dtype), {}
        self.tokenizer = AutoTokenizer.from_pretrained(name, **kwargs)
        if device == "auto":
            kwargs["device_map"] = "auto"
        elif quantization is not None:  # a quantized model is placed while loading, not moved
            kwargs["device_map"] = {"": device}
        if quantization is not None:
            kwargs["quantization_config"] = quantization
        self.model = AutoModelForCausalLM.from_pretrained(name, dtype=torch_dtype, **kwargs)
        if (adapter := lora_adapter(cfg)) is not None:
            self.model = _with_adapter(self.model, adapter)
        if "device_map" not in kwargs:
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
        weights_eos = set(eos if isinstance(eos, list) else [eos]) | {tok.eos_token_id}

        def encode(text: str) -> list[int]:
            return tok.encode(text, add_special_tokens=False)

        # The model's own generation config is never used: exactly these tokens and strings end
        # a turn (an entry's `chat.end_of_turn` replaces the weights' EOS, see `turn_end`).
        self.turn_end = turn_end(cfg, weights_eos, encode)
        # Single-token strings stop by id; only the others need transformers' stop-string search.
        self.stop_strings = [s for s in self.turn_end.strings if len(encode(s)) != 1]
        pad_candidates = [tok.pad_token_id, tok.eos_token_id, *sorted(self.turn_end.token_ids)]
        self.pad_id = next((t for t in pad_candidates if t is not None), 0)
        self._labels: tuple[Callable, dict[str, list[int]]] | None = None  # answer_probabilities

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
            eos_token_id=sorted(self.turn_end.token_ids) or None,
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

    def answer_probabilities(
        self, messages: list[Message], classify: Callable[[str], str | None], temperature: float
    ) -> dict[str, float]:
        """One forward pass of the prompt; the logits of its last position."""
        ids = self.tokenizer.encode(self.template.render(messages), add_special_tokens=False)
        with torch.inference_mode():
            logits = self.model(input_ids=torch.tensor([ids]).to(self.device)).logits[0, -1]
        if self._labels is None or self._labels[0] is not classify:
            texts = [self._decode([t]) for t in range(logits.shape[0])]
            self._labels = (classify, next_token.label_tokens(texts, classify))
        return next_token.from_logits(logits.float().cpu().numpy(), self._labels[1], temperature)

    def close(self) -> None:
        """Drop the weights now, not at garbage collection (GPU memory); safe to call twice."""
        self.__dict__.pop("model", None)
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
