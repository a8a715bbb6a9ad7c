"""One score per model: the access route the paper treats as the model's default.

Some weights were run through several routes (local Hugging Face, llama.cpp GGUF, third-party
API hosts). Size analyses need one point per model, and the paper's Figure 4 uses the
"default inference method, not quantised": unquantised, local Hugging Face inference where
the weights were run locally, else the vendor's own API, and a third-party host only where
the model was run nowhere else.
"""

from __future__ import annotations

import pandas as pd

THIRD_PARTY_HOSTS = ("groq", "together", "anyscale")
LOCAL = "huggingface-local"


def _rank(backend: str) -> int:
    if backend == LOCAL:
        return 0
    return 2 if backend in THIRD_PARTY_HOSTS else 1


def default_route(scores: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``scores`` (any frame with model/backend/quant) that are default routes."""
    unquantised = scores[scores["quant"] == "none"]
    groups = ["model", "source"] if "source" in scores.columns else ["model"]
    ranked = unquantised.assign(_rank=unquantised["backend"].map(_rank))
    ranked = ranked.sort_values([*groups, "_rank"], kind="stable")
    return ranked.drop_duplicates(groups).drop(columns="_rank").reset_index(drop=True)
