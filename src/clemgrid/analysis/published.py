"""The clembench v1.6 score file (as analysed by Bhavsar et al., 2024) in clemgrid's matrix layout.

The file has one row per *config*: a model name that often carries the access route or the
quantisation in it (``llama-3-70b-groq``, ``meta-llama-3-8b-instruct-gguf-q4``) and a Backend
column that says ``remote`` for third-party APIs. The paper's Tables 2 and 3 compare the same
weights across routes, so here every config is split into (model, backend, quant):

- backend: the Backend column, except ``remote``, which becomes the provider named by the
  row's Link host (:data:`REMOTE_HOSTS`);
- quant: ``none`` unless the backend is llama.cpp, where the GGUF file type follows from the
  name's ``-gguf-q4`` / ``-gguf-q8`` suffix (:data:`GGUF_QUANTS`; the file types are those the
  paper's Table 7 names);
- model: the config name, except for configs of the same weights listed in
  :data:`SAME_WEIGHTS`, which share one name so that they group together.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from clemgrid.records import MATRIX_SCHEMA

SOURCE = "clembench-v1.6"
GAMES = (
    "imagegame",
    "privateshared",
    "referencegame",
    "taboo",
    "wordle",
    "wordle_withclue",
    "wordle_withcritic",
)

# Link host of a `remote` row → the provider that served it.
REMOTE_HOSTS = {
    "groq.com": "groq",
    "www.together.ai": "together",
    "anyscale.com": "anyscale",
}

# Name suffix of a llama.cpp row → GGUF file type (paper, Table 7).
GGUF_QUANTS = {"-gguf-q4": "Q4_K_M", "-gguf-q8": "Q8_0"}

# Configs that run weights published under another name. Every config not listed here is
# the only config of its weights and keeps its own name. Names follow the Hugging Face repos.
LLAMA3_70B = "Meta-Llama-3-70B-Instruct"
LLAMA3_8B = "Meta-Llama-3-8B-Instruct"
COMMAND_R_PLUS = "c4ai-command-r-plus"
SAME_WEIGHTS = {
    "meta-llama-3-70b-instruct-hf": LLAMA3_70B,
    "meta-llama-3-70b-instruct-gguf-q4": LLAMA3_70B,
    "meta-llama-3-70b-instruct-gguf-q8": LLAMA3_70B,
    "llama-3-70b-groq": LLAMA3_70B,
    "llama-3-70b-together.ai": LLAMA3_70B,
    "llama-3-70b-instruct-anyscale": LLAMA3_70B,
    "meta-llama-3-8b-instruct-hf": LLAMA3_8B,
    "meta-llama-3-8b-instruct-gguf-q4": LLAMA3_8B,
    "meta-llama-3-8b-instruct-gguf-q8": LLAMA3_8B,
    "llama-3-8b-instruct-anyscale": LLAMA3_8B,
    # Cohere's API serves the weights published as CohereForAI/c4ai-command-r-plus; the paper
    # (Table 3) uses the API run as the unquantised reference for the GGUF runs.
    "command-r-plus": COMMAND_R_PLUS,
    "c4ai-command-r-plus-gguf-q4": COMMAND_R_PLUS,
    "c4ai-command-r-plus-gguf-q8": COMMAND_R_PLUS,
}


def read_wide(csv: str | Path) -> pd.DataFrame:
    """The score file as published, column names stripped of their stray spaces."""
    wide = pd.read_csv(csv)
    wide.columns = [c.strip() for c in wide.columns]
    return wide


def _backend(row: pd.Series) -> str:
    backend = row["Backend"].strip()
    if backend != "remote":
        return backend
    host = urlparse(row["Link"]).hostname
    if host not in REMOTE_HOSTS:
        raise ValueError(
            f"{row['Model Name']}: remote row with unknown provider link {row['Link']!r}"
        )
    return REMOTE_HOSTS[host]


def _quant(name: str, backend: str) -> str:
    if backend != "llama.cpp":
        return "none"
    for suffix, quant in GGUF_QUANTS.items():
        if name.endswith(suffix):
            return quant
    raise ValueError(f"{name}: llama.cpp row without a known GGUF suffix")


def configs(csv: str | Path) -> pd.DataFrame:
    """One row per config: its name, the (model, backend, quant) it stands for, its provider
    and link, and the file's own clemscore and averages (to check recomputed ones against)."""
    wide = read_wide(csv)
    rows = []
    for _, row in wide.iterrows():
        name = row["Model Name"].strip()
        backend = _backend(row)
        rows.append(
            {
                "config": name,
                "model": SAME_WEIGHTS.get(name, name),
                "backend": backend,
                "quant": _quant(name, backend),
                "provider": row["Model Provider"].strip(),
                "link": row["Link"] if isinstance(row["Link"], str) else None,
                "clemscore": row["clemscore"],
                "avg_pct_played": row["all, Average % Played"],
                "avg_quality": row["all, Average Quality Score"],
            }
        )
    table = pd.DataFrame(rows)
    duplicated = table.duplicated(["model", "backend", "quant"], keep=False)
    if duplicated.any():
        raise ValueError(
            f"configs collapse onto one key: {table.loc[duplicated, 'config'].tolist()}"
        )
    return table


def published_matrix(csv: str | Path) -> pd.DataFrame:
    """Long score matrix (MATRIX_SCHEMA columns): one row per config × game that was run.

    A game whose %played is empty was not run for that config and gets no row, so it does
    not count in the averages (as in clembench). Episode counts are not published: null.
    """
    wide = read_wide(csv)
    keys = configs(csv)[["model", "backend", "quant"]]
    frames = []
    for game in GAMES:
        part = keys.assign(
            game=game,
            source=SOURCE,
            n_episodes=pd.NA,
            pct_played=wide[f"{game}, % Played"].to_numpy(),
            quality=wide[f"{game}, Quality Score"].to_numpy(),
            quality_std=wide[f"{game}, Quality Score (std)"].to_numpy(),
        )
        frames.append(part[part["pct_played"].notna()])
    matrix = pd.concat(frames, ignore_index=True)[MATRIX_SCHEMA.names]
    matrix["n_episodes"] = matrix["n_episodes"].astype("Int32")
    return matrix.sort_values(["model", "backend", "quant", "game"], ignore_index=True)
