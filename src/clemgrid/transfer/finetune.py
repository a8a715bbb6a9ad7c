"""LoRA fine-tuning of a student on the SFT dataset (peft, on CPU or one GPU), seeded.

A plain training loop rather than transformers' Trainer: fewer moving parts to make a rerun
with the same seed byte-identical, and the loss per step is ours to record. Only the answer
tokens (the assistant message and its end-of-turn) carry loss; the prompt is context. The base
weights are frozen, and their hash before and after training is checked and recorded, so the
adapter is all that training changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch

log = logging.getLogger("clemgrid")

# The paper's hyperparameters (seed 004); the registry schema fills the same defaults.
DEFAULTS: dict[str, Any] = {
    "r": 8,
    "alpha": 16,
    "dropout": 0.0,
    "target_modules": ["q_proj", "v_proj"],
    "learning_rate": 5e-5,
    "scheduler": "cosine",
    "epochs": 3,
    "batch_size": 8,
    "max_length": 512,
}


def encode(tokenizer: Any, prompt: str, answer: str, max_length: int) -> tuple[list[int], int]:
    """(token ids of the chat with its answer, number of prompt tokens), rendered with the
    weights' chat template as the transformers backend renders a turn."""
    user = [{"role": "user", "content": prompt}]
    head = tokenizer.apply_chat_template(user, add_generation_prompt=True, tokenize=False)
    full = tokenizer.apply_chat_template(
        [*user, {"role": "assistant", "content": answer}], tokenize=False
    )
    if not full.startswith(head):
        raise ValueError("the chat template renders the answer's prompt differently")
    head_ids = tokenizer.encode(head, add_special_tokens=False)
    ids = head_ids + tokenizer.encode(full[len(head) :].rstrip("\n"), add_special_tokens=False)
    if len(ids) > max_length:
        raise ValueError(f"an example has {len(ids)} tokens, more than max_length {max_length}")
    return ids, len(head_ids)


def _batch(examples: Sequence[tuple[list[int], int]], pad: int) -> dict[str, torch.Tensor]:
    width = max(len(ids) for ids, _ in examples)
    input_ids = torch.full((len(examples), width), pad)
    labels = torch.full((len(examples), width), -100)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for i, (ids, n_prompt) in enumerate(examples):  # right padding: positions stay as in play
        input_ids[i, : len(ids)] = torch.tensor(ids)
        labels[i, n_prompt : len(ids)] = torch.tensor(ids[n_prompt:])
        mask[i, : len(ids)] = 1
    return {"input_ids": input_ids, "attention_mask": mask, "labels": labels}


def _answer_logits(model: Any, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, ...]:
    """(logits, targets, example index) at the answer positions only. The output layer runs
    on those few positions, not on every prompt token: over a 49k vocabulary that saves most
    of the memory (and a sixth of the compute) of a step."""
    causal_lm = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = causal_lm.model(
        input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
    ).last_hidden_state
    target = batch["labels"][:, 1:]
    rows, cols = (target != -100).nonzero(as_tuple=True)
    logits = causal_lm.lm_head(hidden[:, :-1][rows, cols]).float()
    return logits, target[rows, cols], rows


def answer_loss(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean cross-entropy over the answer tokens of a batch (what transformers computes with
    `labels`, without the prompt positions' logits)."""
    logits, target, _ = _answer_logits(model, batch)
    return torch.nn.functional.cross_entropy(logits, target)


def answer_logprobs(model: Any, examples: Sequence[tuple[list[int], int]], pad: int) -> list[float]:
    """Log-probability of each example's answer tokens given its prompt (summed over tokens)."""
    out = []
    with torch.no_grad():
        for start in range(0, len(examples), 8):
            chunk = examples[start : start + 8]
            logits, target, rows = _answer_logits(model, _batch(chunk, pad))
            picked = torch.log_softmax(logits, -1).gather(-1, target.unsqueeze(-1)).squeeze(-1)
            out += torch.zeros(len(chunk)).index_add_(0, rows, picked).tolist()
    return out


def state_hash(model: Any) -> str:
    """sha256 over the names and bytes of a model's parameters (the base weights' identity)."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def train(
    base: str | Path,
    rows: Sequence[Mapping[str, Any]],
    params: Mapping[str, Any],
    out_dir: str | Path,
    threads: int = 0,
) -> dict[str, Any]:
    """Train a LoRA adapter on `base` (a saved transformers model) with the prompt/answer
    `rows`; write adapter_model.safetensors and adapter_config.json to `out_dir` and return the
    training record (hyperparameters, losses per step, answer log-probabilities, base hash)."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer, get_cosine_schedule_with_warmup

    p = {**DEFAULTS, **params}
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(p["seed"])
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    model = AutoModelForCausalLM.from_pretrained(str(base), dtype=torch.float32)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    examples = [encode(tokenizer, r["prompt"], r["answer"], p["max_length"]) for r in rows]
    base_hash = state_hash(model)
    model.eval()
    before = answer_logprobs(model, examples, pad)

    lora = LoraConfig(
        r=p["r"],
        lora_alpha=p["alpha"],
        lora_dropout=p["dropout"],
        target_modules=list(p["target_modules"]),
        bias="none",
        task_type="CAUSAL_LM",
    )
    student = get_peft_model(model, lora)
    trainable = [t for t in student.parameters() if t.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=p["learning_rate"])
    steps_per_epoch = math.ceil(len(examples) / p["batch_size"])
    total = steps_per_epoch * p["epochs"]
    scheduler = get_cosine_schedule_with_warmup(optimizer, 0, total)
    order = random.Random(p["seed"])
    losses = []
    student.train()
    for epoch in range(p["epochs"]):
        indices = list(range(len(examples)))
        order.shuffle(indices)
        for start in range(0, len(indices), p["batch_size"]):
            batch = _batch([examples[i] for i in indices[start : start + p["batch_size"]]], pad)
            loss = answer_loss(student, batch)
            loss.backward()
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(float(loss.detach()))
            log.info("epoch %d step %d loss %.4f", epoch + 1, len(losses), losses[-1])
    student.eval()
    after = answer_logprobs(student, examples, pad)
    base_after = _base_hash(student)
    if base_after != base_hash:
        raise RuntimeError("training changed the base weights")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    student.save_pretrained(str(out))
    (out / "README.md").unlink(missing_ok=True)  # peft's model card template: nothing of ours
    _portable_config(out / "adapter_config.json")
    return {
        "hyperparameters": p,
        "examples": len(examples),
        "tokens": sum(len(ids) for ids, _ in examples),
        "answer_tokens": sum(len(ids) - n for ids, n in examples),
        "steps": total,
        "loss_per_step": losses,
        "answer_logprob_before": sum(before) / len(before),
        "answer_logprob_after": sum(after) / len(after),
        "base_state_sha256": base_hash,
        "trainable_parameters": sum(t.numel() for t in trainable),
    }


def _base_hash(peft_model: Any) -> str:
    """The base weights' hash inside a peft model: its parameters without the LoRA ones, under
    the names the unwrapped model gives them."""
    digest = hashlib.sha256()
    state = {
        name.replace("base_model.model.", "", 1).replace(".base_layer", ""): tensor
        for name, tensor in peft_model.state_dict().items()
        if "lora_" not in name
    }
    for name, tensor in sorted(state.items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def _portable_config(path: Path) -> None:
    """peft writes the base model's absolute path into the adapter config; the sidecar names
    the base, so the path is dropped and the file is the same on every machine."""
    config = json.loads(path.read_text())
    config["base_model_name_or_path"] = None
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def base_model_dir(cfg: Any) -> tuple[str, dict[str, Any]]:
    """(what `from_pretrained` loads, how the sidecar names the base) for the quant a `lora`
    source is trained on: a GGUF file is dequantized to float32 once (the transformers
    backend's cache), a hub model without a file is loaded by its repo id."""
    from clemgrid.backends.transformers import _dequantized_copy
    from clemgrid.backends.weights import HubModel, weight_location
    from clemgrid.gguf_info import sha256

    location = weight_location(cfg)
    if isinstance(location, HubModel):
        return location.repo, {"hub": location.repo, "revision": location.revision}
    if location.is_file():
        return _dequantized_copy(location, torch.float32), {
            "file": location.name,
            "sha256": sha256(location),
        }
    return str(location), {"directory": location.name}


def build_adapter(
    recipe: Mapping[str, Any], sft: str | Path, out_dir: str | Path, threads: int = 0
) -> dict[str, Any]:
    """The finetune rule: train the adapter of a `lora` quant (its `recipe`, see
    clemgrid.transfer.recipes) on the dataset `sft`; returns the sidecar's content."""
    import peft
    import transformers

    from clemgrid.gguf_info import sha256
    from clemgrid.sources import LORA_KIND, ModelQuant, default_label
    from clemgrid.transfer import dataset

    student = ModelQuant(recipe["model"], recipe["quant"], recipe["weights"])
    spec = student.weight_source[LORA_KIND]
    base, base_spec = base_model_dir(student.at(spec["from"]))
    rows, provenance = dataset.load(sft)
    record = train(base, rows, {**spec["params"]}, out_dir, threads)
    out = Path(out_dir)
    return {
        "model": student.model,
        "quant": student.quant,
        "label": student.label,
        "base": {
            "quant": spec["from"],
            "label": default_label(student.weights, spec["from"]),
            **base_spec,
        },
        "data": {"sha256": sha256(Path(sft)), **provenance},
        "adapter_sha256": sha256(out / "adapter_model.safetensors"),
        "tools": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "peft": peft.__version__,
        },
        **record,
    }
