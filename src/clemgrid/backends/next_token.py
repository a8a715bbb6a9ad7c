"""Exact answer probabilities from the model's next-token distribution (seed 004's exact mode).

A sampled C-rate estimates P(first answer token means C) at the sampling temperature; the logits
give it without sampling noise. Every token whose text alone is read as an answer label by the
game's strict parse (`classify`: "C", " C", "c" -> "C"; "Answer" -> None) adds its probability to
that label; the rest is "other". The distribution is tempered as the sampler tempers it,
p_T(i) ∝ exp(logit_i / T), so it is comparable with samples drawn at T.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np

Classify = Callable[[str], str | None]
"""A token's text -> the answer label it strictly reads as, or None."""

OTHER = "other"


def label_tokens(texts: Sequence[str], classify: Classify) -> dict[str, list[int]]:
    """Token ids per label, for a vocabulary given as the texts of ids 0..V-1."""
    labels: dict[str, list[int]] = {}
    for token_id, text in enumerate(texts):
        label = classify(text)
        if label is not None:
            labels.setdefault(label, []).append(token_id)
    return labels


def from_logits(
    logits: np.ndarray, labels: dict[str, list[int]], temperature: float
) -> dict[str, float]:
    """Label probabilities of a full-vocabulary logit vector at `temperature` (> 0)."""
    scaled = logits.astype(np.float64) / temperature
    probs = np.exp(scaled - scaled.max())
    probs /= probs.sum()
    out = {label: float(probs[ids].sum()) for label, ids in sorted(labels.items())}
    out[OTHER] = max(0.0, 1.0 - sum(out.values()))
    return out


def from_top_logprobs(
    top: Iterable[tuple[str, float]], classify: Classify, temperature: float
) -> dict[str, float]:
    """Label probabilities from a server's top-k (token text, logprob) list. The logprobs are
    the model's own (temperature 1, normalised over the whole vocabulary), so the mass outside
    the top k is known, not its shape: tempering needs sum_j p_j^(1/T) over all tokens, and the
    tail's share of it is taken as tail x p_min^(1/T - 1), as if every tail token were as likely
    as the least listed one: exact at T = 1, an upper bound for T < 1 (so labels come out a
    little low where the tail is long and flat). Renormalising among the k alone overstates
    every label by the tail's share (about 13 % for SmolLM2's one-letter answers at k = 20)."""
    pairs = [(text, math.exp(logprob)) for text, logprob in top]
    if not pairs:
        raise ValueError("no top logprobs in the answer")
    power = 1.0 / temperature
    tail = max(0.0, 1.0 - sum(p for _, p in pairs))
    p_min = min(p for _, p in pairs)
    total = sum(p**power for _, p in pairs) + tail * p_min ** (power - 1.0)
    out: dict[str, float] = {}
    for text, p in pairs:
        label = classify(text)
        if label is not None:
            out[label] = out.get(label, 0.0) + p**power / total
    out = dict(sorted(out.items()))
    out[OTHER] = max(0.0, 1.0 - sum(out.values()))
    return out
