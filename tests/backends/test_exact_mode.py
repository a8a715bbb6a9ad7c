"""Seed 004 on the embedded model: seeded sampling repeats byte for byte, and exact mode (the
first answer token's P(C)) agrees across backends and with the sampled rate."""

from __future__ import annotations

import pytest

from clemgrid.analysis.proportions import wilson
from clemgrid.backends import GenerationParams
from clemgrid.backends.llama_cpp import LlamaCppBackend
from clemgrid.backends.openai_compatible import OpenAICompatibleBackend
from clemgrid.backends.transformers import TransformersBackend
from clemgrid.games.dilemma.exact import classify
from clemgrid.games.registry import GAMES
from clemgrid.sampling import Sampling, sample_params

pytestmark = pytest.mark.slow
T = 0.8
INSTANCE = GAMES["dilemma"].load_instances()[0]  # IR_prison
CHAT = [{"role": "user", "content": INSTANCE.payload["prompt"]}]
SAMPLES = 40
TOLERANCES = {"transformers": 0.02, "llama_cpp_server": 0.02}
"""Measured P(C) at T = 0.8 on IR_prison: llama.cpp logits 0.169; transformers 0.181 (the GGUF
dequantized to float32, where llama.cpp multiplies Q4_1 blocks with 8-bit activations); the
server 0.156 (only its top 20 tokens: the tail's weight taken at its largest, a lower bound;
renormalising among the 20 gives 0.191, an upper bound)."""


@pytest.fixture(scope="module")
def llama(make_config):
    with LlamaCppBackend(make_config("llama_cpp")) as loaded:
        yield loaded


def params(sample: int, max_tokens: int) -> GenerationParams:
    base = GenerationParams(temperature=0.0, max_tokens=max_tokens, seed=0)
    return sample_params(base, Sampling(SAMPLES, T), INSTANCE, sample)


def test_seeded_samples_repeat_and_seeds_differ(llama) -> None:
    batch = [CHAT] * 4
    each = [params(s, 12) for s in range(4)]
    first = llama.generate_each(batch, each)
    assert llama.generate_each(batch, each) == first  # byte-identical rerun
    assert len({g.text for g in first}) > 1  # different seeds, different answers


def test_exact_agrees_with_the_sampled_first_token(llama) -> None:
    exact = llama.answer_probabilities(CHAT, classify, T)
    assert sum(exact.values()) == pytest.approx(1.0)
    firsts = llama.generate_each([CHAT] * SAMPLES, [params(s, 1) for s in range(SAMPLES)])
    k = sum(classify(g.text) == "C" for g in firsts)
    low, high = wilson(k, SAMPLES)
    assert low <= exact["C"] <= high, (k, exact)


def test_exact_agrees_across_backends(llama, make_config) -> None:
    reference = llama.answer_probabilities(CHAT, classify, T)
    with TransformersBackend(make_config("transformers")) as hf:
        torch_probs = hf.answer_probabilities(CHAT, classify, T)
    with OpenAICompatibleBackend(make_config("llama_cpp_server")) as server:
        served = server.answer_probabilities(CHAT, classify, T)
    found = {"transformers": torch_probs, "llama_cpp_server": served}
    for backend, probs in found.items():
        for label in ("C", "D"):
            assert probs[label] == pytest.approx(reference[label], abs=TOLERANCES[backend]), (
                backend,
                found,
                reference,
            )
