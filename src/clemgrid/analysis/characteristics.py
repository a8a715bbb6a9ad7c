"""Attach model characteristics (size, training data, lineage) to clemscore rows.

The characteristics file names models differently from the score file (case, ``-hf``
suffixes, trailing spaces, API vs. weights names), so the link is an explicit table,
``resources/mapping/model_names.csv`` (see its README): a row is only joined when that table
says which entry it is, and every row left out is reported with the reason.

``open_weights`` is the negation of the file's ``Commercial`` flag. In this file the flag is
1 exactly for the models that are only reachable through their vendor's API (OpenAI,
Anthropic, Google Gemini, Mistral's medium/large); Cohere's command-r models are served by
an API here but their weights are public, and the flag is 0 for them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

# Characteristics column (stripped) → name used here.
COLUMNS = {
    "Model Name": "characteristics_name",
    "Model Provider": "provider",
    "Parameter Size (in billions)": "params_b",
    "Training Data Size (in trillions)": "tokens_t",
    "Base Model": "base_model",
    "Instruction Tuning Data": "tuning_data",
    "Release Date": "release_date",
    "Context Length (in thousands)": "context_k",
    "Commercial": "commercial",
}
NO_MAPPING = "no mapping entry"
NOT_IN_CHARACTERISTICS = "mapped name missing in characteristics"
NO_PARAMS = "missing parameter count"


def read_characteristics(csv: str | Path) -> pd.DataFrame:
    """The characteristics file with stripped names, typed columns and ``open_weights``."""
    raw = pd.read_csv(csv)
    raw.columns = [c.strip() for c in raw.columns]
    frame = raw[list(COLUMNS)].rename(columns=COLUMNS)
    for column in ("characteristics_name", "provider", "base_model", "tuning_data"):
        frame[column] = frame[column].str.strip()
    frame["release_date"] = pd.to_datetime(frame["release_date"], format="%m/%d/%Y")
    frame["open_weights"] = frame["commercial"] == 0
    return frame.drop(columns="commercial")


def read_mapping(csv: str | Path) -> pd.DataFrame:
    mapping = pd.read_csv(csv, dtype=str)
    if mapping["model"].duplicated().any():
        raise ValueError(f"{csv}: a model is mapped twice")
    return mapping[["model", "characteristics_name", "family"]]


def join_characteristics(
    scores: pd.DataFrame, characteristics_csv: str | Path, mapping_csv: str | Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clemscore rows with their model's characteristics, and the rows that got none.

    Returns ``(joined, dropped)``. ``joined`` keeps every column of ``scores`` and adds the
    characteristics (params_b, tokens_t, base_model, tuning_data, release_date, open_weights,
    ...) and the mapping's ``family``; a row is joined only if it has a parameter count, as
    every analysis here is a function of size. ``dropped`` has the key columns of each
    left-out row, the name it was mapped to (if any), ``open_weights`` (missing where the entry
    is) and ``reason``.
    """
    facts = read_characteristics(characteristics_csv)
    merged = scores.merge(read_mapping(mapping_csv), on="model", how="left", validate="m:1")
    merged = merged.merge(
        facts, on="characteristics_name", how="left", validate="m:1", indicator="_found"
    )
    reason = pd.Series(pd.NA, index=merged.index, dtype="string")
    reason[merged["params_b"].isna()] = NO_PARAMS
    reason[merged["_found"] == "left_only"] = NOT_IN_CHARACTERISTICS
    reason[merged["characteristics_name"].isna()] = NO_MAPPING
    keys = [c for c in ("model", "backend", "quant", "source") if c in scores.columns]
    dropped = merged.loc[reason.notna(), [*keys, "characteristics_name", "open_weights"]].assign(
        reason=reason[reason.notna()]
    )
    joined = merged.loc[reason.isna()].drop(columns="_found")
    return joined.reset_index(drop=True), dropped.reset_index(drop=True)
