"""The in-process llama.cpp backend on the embedded SmolLM2 GGUF."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clemgrid.backends.base import GenerationParams
from clemgrid.backends.llama_cpp import LlamaCppBackend

pytestmark = pytest.mark.slow
GREEDY = GenerationParams(temperature=0.0, max_tokens=24, seed=0)


@pytest.fixture(scope="module")
def backend(make_config):
    with LlamaCppBackend(make_config("llama_cpp")) as loaded:
        yield loaded


def test_batch_of_three(backend, chats) -> None:
    results = backend.generate(chats, GREEDY)
    assert len(results) == 3
    for result in results:
        assert result.text.strip() and "<|im_end|>" not in result.text
        assert result.stop_reason in {"end_of_turn", "length"}
        assert 0 < result.completion_tokens <= GREEDY.max_tokens
        assert result.prompt_tokens == len(backend._tokenize(result.rendered_prompt))
        if result.stop_reason == "length":
            assert result.completion_tokens == GREEDY.max_tokens
    assert {r.stop_reason for r in results} == {"end_of_turn", "length"}


def test_prompt_is_the_gguf_chatml_template_without_an_added_bos(backend, chats) -> None:
    prompt = backend.generate(chats[:1], GREEDY)[0].rendered_prompt
    assert prompt == (
        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
        "<|im_end|>\n<|im_start|>user\nWhat is the capital of France?<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    tokens = backend._tokenize(prompt)
    # <|im_start|> is parsed as one special token, and nothing is put in front of it.
    assert tokens[0] == backend.llm.tokenize(b"<|im_start|>", add_bos=False, special=True)[0]
    assert tokens.count(tokens[0]) == 3


def test_deterministic_and_independent_of_batch_order(backend, chats) -> None:
    first = backend.generate(chats, GREEDY)
    assert backend.generate(chats, GREEDY) == first
    # Reversed order: every prompt now follows a different one (no prefix-cache reuse).
    assert backend.generate(chats[::-1], GREEDY) == first[::-1]


def test_sampling_uses_the_seed(backend, chats) -> None:
    hot = GenerationParams(temperature=1.5, max_tokens=8, seed=7)
    first = backend.generate(chats, hot)
    assert backend.generate(chats, hot) == first
    assert any(backend.generate(chats, replace(hot, seed=s)) != first for s in (8, 9))


def test_multi_token_end_of_turn_string_stops_as_stop_string(make_config, chats, backend) -> None:
    text = backend.generate(chats[1:2], GREEDY)[0].text
    stop = text[10:20]  # a piece of the greedy answer, several tokens long
    cfg = make_config("llama_cpp")
    chat = {**cfg.model_entry["chat"], "end_of_turn": ["<|im_end|>", stop]}
    with LlamaCppBackend(replace(cfg, model_entry={**cfg.model_entry, "chat": chat})) as other:
        result = other.generate(chats[1:2], GREEDY)[0]
    assert (result.text, result.stop_reason) == (text[: text.index(stop)], "stop_string")


def test_prompt_over_the_context_is_not_run(backend, chats) -> None:
    result = backend.generate(chats[:1], GenerationParams(max_tokens=4000))[0]
    assert (result.text, result.stop_reason, result.completion_tokens) == ("", "length", 0)
    assert result.extra == {"context_exceeded": 2048}
