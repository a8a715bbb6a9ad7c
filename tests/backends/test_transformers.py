"""The transformers backend on the embedded SmolLM2 GGUF (dequantized to float32)."""

from __future__ import annotations

import warnings
from dataclasses import replace

import pytest

from clemgrid.backends.base import GenerationParams
from clemgrid.backends.chat_template import TurnEnd
from clemgrid.backends.llama_cpp import LlamaCppBackend
from clemgrid.backends.transformers import TransformersBackend

pytestmark = pytest.mark.slow
GREEDY = GenerationParams(temperature=0.0, max_tokens=24, seed=0)


@pytest.fixture(scope="module")
def backend(make_config):
    with TransformersBackend(make_config("transformers")) as loaded:
        yield loaded


@pytest.fixture(scope="module")
def batched(backend, chats):
    return backend.generate(chats, GREEDY)


def test_batch_of_three(backend, batched) -> None:
    assert len(batched) == 3
    for result in batched:
        assert result.text.strip() and "<|im_end|>" not in result.text
        assert result.stop_reason in {"end_of_turn", "length"}
        assert 0 < result.completion_tokens <= GREEDY.max_tokens
        ids = backend.tokenizer.encode(result.rendered_prompt, add_special_tokens=False)
        assert result.prompt_tokens == len(ids)


def test_same_prompt_and_tokens_as_llama_cpp(make_config, chats, batched) -> None:
    with LlamaCppBackend(make_config("llama_cpp")) as llama:
        reference = llama.generate(chats, GREEDY)
    assert [r.rendered_prompt for r in batched] == [r.rendered_prompt for r in reference]
    assert [r.prompt_tokens for r in batched] == [r.prompt_tokens for r in reference]


def test_render_equals_apply_chat_template(backend, chats) -> None:
    for chat in chats:
        expected = backend.tokenizer.apply_chat_template(
            chat, tokenize=False, add_generation_prompt=True
        )
        assert backend.template.render(chat) == expected


def test_deterministic_and_batch_independent(backend, chats, batched) -> None:
    assert backend.generate(chats, GREEDY) == batched
    # Left padding with attention masks: batched outputs equal unbatched ones here.
    assert [backend.generate([chat], GREEDY)[0] for chat in chats] == batched


def test_batch_size_splits_the_batch(backend, chats, batched, monkeypatch) -> None:
    monkeypatch.setattr(backend, "batch_size", 2)
    assert backend.generate(chats, GREEDY) == batched


def test_multi_token_end_of_turn_string_stops_as_stop_string(
    backend, chats, batched, monkeypatch
) -> None:
    """As if the registry listed a multi-token end_of_turn string (set on the loaded backend to
    avoid loading the model again)."""
    text = batched[1].text
    stop = text[10:20]
    monkeypatch.setattr(backend, "stop_strings", [stop])
    monkeypatch.setattr(
        backend, "turn_end", TurnEnd(backend.turn_end.token_ids, (*backend.turn_end.strings, stop))
    )
    results = backend.generate(chats, GREEDY)
    assert (results[1].text, results[1].stop_reason) == (text[: text.index(stop)], "stop_string")
    assert results[1].completion_tokens < batched[1].completion_tokens
    assert [results[0], results[2]] == [batched[0], batched[2]]


def test_sampling_uses_the_seed(backend, chats) -> None:
    hot = GenerationParams(temperature=1.5, max_tokens=8, seed=7)
    first = backend.generate(chats, hot)
    assert backend.generate(chats, hot) == first
    assert any(backend.generate(chats, replace(hot, seed=s)) != first for s in (8, 9))


def test_calls_print_no_warnings(backend, chats, capfd) -> None:
    capfd.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        backend.generate(chats[:1], GenerationParams(max_tokens=4))
        backend.generate(chats[:1], GenerationParams(temperature=0.7, max_tokens=4))
    assert capfd.readouterr() == ("", "")


def test_dequantized_copy_generates_like_the_gguf(make_config, chats, tmp_path, monkeypatch):
    """The saved copy (made on first use, reused after) answers exactly as the GGUF loaded
    directly."""
    monkeypatch.setenv("CLEMGRID_DEQUANTIZED_CACHE", str(tmp_path))
    entry = make_config("transformers").backend_entry

    def config(copy: bool):
        options = {**entry["options"], "dequantized_copy": copy}
        return make_config("transformers", backend_entry={**entry, "options": options})

    with TransformersBackend(config(False)) as direct:
        expected = direct.generate(chats, GREEDY)
    assert not list(tmp_path.iterdir())
    with TransformersBackend(config(True)) as made:  # dequantizes, saves, loads the copy
        assert made.generate(chats, GREEDY) == expected
    copies = list(tmp_path.iterdir())
    assert len(copies) == 1 and (copies[0] / "model.safetensors").is_file()
    with TransformersBackend(config(True)) as reused:  # loads the saved copy
        assert reused.generate(chats, GREEDY) == expected
    assert list(tmp_path.iterdir()) == copies  # nothing half-written beside it
