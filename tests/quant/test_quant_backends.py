"""The derived quants load and generate on every backend that runs GGUF files: llama.cpp in
process, transformers (dequantizing with the gguf package) and a launched llama.cpp server."""

from __future__ import annotations

import pytest
from quant_support import BUILT, play_config

from clemgrid.backends.base import GenerationParams
from clemgrid.backends.llama_cpp import LlamaCppBackend
from clemgrid.backends.openai_compatible import OpenAICompatibleBackend
from clemgrid.backends.transformers import TransformersBackend

pytestmark = pytest.mark.slow
GREEDY = GenerationParams(temperature=0.0, max_tokens=8, seed=0)
CHAT = [{"role": "user", "content": "What is the capital of France?"}]


def check(results, prompt_tokens: int | None = None) -> None:
    (result,) = results
    assert result.text.strip() and result.stop_reason in {"end_of_turn", "length"}
    assert 0 < result.completion_tokens <= GREEDY.max_tokens
    if prompt_tokens is not None:
        assert result.prompt_tokens == prompt_tokens


@pytest.fixture(scope="module")
def reference_prompt_tokens(built) -> int:
    """Prompt tokens of the shipped Q4_1: every derived file keeps its tokenizer."""
    with LlamaCppBackend(play_config("llama_cpp", "Q4_1")) as backend:
        return backend.generate([CHAT], GREEDY)[0].prompt_tokens


@pytest.mark.parametrize("quant", BUILT)
def test_llama_cpp_loads_and_generates(in_built, quant, reference_prompt_tokens) -> None:
    with LlamaCppBackend(play_config("llama_cpp", quant)) as backend:
        check(backend.generate([CHAT], GREEDY), reference_prompt_tokens)


@pytest.mark.parametrize("quant", BUILT)
def test_transformers_loads_and_generates(in_built, quant, reference_prompt_tokens) -> None:
    with TransformersBackend(play_config("transformers", quant)) as backend:
        check(backend.generate([CHAT], GREEDY), reference_prompt_tokens)


def test_launched_llama_cpp_server_loads_a_derived_quant(in_built) -> None:
    with OpenAICompatibleBackend(play_config("llama_cpp_server", "Q4_K_M")) as backend:
        check(backend.generate([CHAT], GREEDY))
