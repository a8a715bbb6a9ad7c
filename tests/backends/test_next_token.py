"""Exact-mode arithmetic: label sums over token variants, tempering, and a server's top-k."""

from __future__ import annotations

import math

import numpy as np
import pytest

from clemgrid.backends import next_token
from clemgrid.games.dilemma.exact import classify

VOCAB = ["C", " C", "c", "D", " D", "Answer", "**", "Cons", "I", " the"]


def test_variants_that_strictly_read_as_a_choice_count() -> None:
    labels = next_token.label_tokens(VOCAB, classify)
    assert labels == {"C": [0, 1, 2], "D": [3, 4]}


def test_full_logits_tempered_and_top_k_estimate() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 1.5, 5000)
    vocab = VOCAB + [f"t{i}" for i in range(len(logits) - len(VOCAB))]
    logits[:5] += 8  # the choices lead, as for a one-letter answer
    labels = next_token.label_tokens(vocab, classify)
    exact = next_token.from_logits(logits, labels, 0.8)
    scaled = np.exp(logits / 0.8)
    assert exact["C"] == pytest.approx(scaled[:3].sum() / scaled.sum())
    assert sum(exact.values()) == pytest.approx(1.0)
    logprobs = logits - np.log(np.exp(logits).sum())
    top = np.argsort(-logprobs)[:20]
    served = next_token.from_top_logprobs(
        [(vocab[i], float(logprobs[i])) for i in top], classify, 0.8
    )
    listed = [(vocab[i], float(logprobs[i])) for i in top]
    weights = {text: math.exp(lp / 0.8) for text, lp in listed}
    for label, ids in labels.items():
        renormalised = sum(weights[vocab[i]] for i in ids) / sum(weights.values())
        # the tail taken at its largest possible weight: a lower bound of the exact value
        assert served[label] <= exact[label] <= renormalised
    at_one = next_token.from_top_logprobs(
        [(vocab[i], float(logprobs[i])) for i in top], classify, 1.0
    )
    assert at_one["C"] == pytest.approx(math.fsum(math.exp(logprobs[i]) for i in range(3)))
