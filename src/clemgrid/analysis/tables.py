"""The paper's comparison tables, rebuilt from a clemscore frame.

Each table is a fixed list of rows (the rows the paper prints, in its order), looked up in
``scores`` (the output of :func:`clemgrid.scoring.clemscores`, keyed by model, backend and
quant). A listed row the frame does not hold stays in the table with empty scores and a
``status`` saying so, instead of silently vanishing.

- Table 1: instruction-tuned derivatives of one base model (mistral-7b-v0.1, llama-2-70b);
  Table 4 (appendix) adds the gemma-7b and mixtral-8x7b families.
- Table 2 (appendix Table 6): the same Llama-3 weights through different access routes.
- Table 3 (appendix Table 7): unquantised weights vs. GGUF Q8_0 and Q4_K_M under llama.cpp.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from clemgrid.analysis import render
from clemgrid.analysis.published import COMMAND_R_PLUS, LLAMA3_8B, LLAMA3_70B
from clemgrid.analysis.render import Column, escape, fixed

SCORES = ["clemscore", "avg_pct_played", "avg_quality"]
FOUND = "ok"
MISSING = "not in the score frame"
LOCAL = "huggingface-local"


class Row(NamedTuple):
    group: str  # base model (Tables 1, 4) or model (Tables 2, 3)
    model: str
    backend: str = LOCAL
    quant: str = "none"


MISTRAL_7B = "mistral-7b-v0.1"
LLAMA2_70B = "llama-2-70b-hf"
TABLE1 = [
    Row(MISTRAL_7B, "starling-lm-7b-beta"),
    Row(MISTRAL_7B, "mistral-7b-instruct-v0.1"),
    Row(MISTRAL_7B, "openchat-3.5-0106"),
    Row(MISTRAL_7B, "openchat-3.5-1210"),
    Row(MISTRAL_7B, "openchat-3.5"),
    Row(LLAMA2_70B, "llama-2-70b-chat-hf"),
    Row(LLAMA2_70B, "tulu-2-dpo-70b"),
    Row(LLAMA2_70B, "wizardlm-70b-v1.0"),
    Row(LLAMA2_70B, "sheep-duck-llama-2-70b-v1.1"),
]
TABLE4 = [
    Row("gemma-7b", "gemma-7b-it"),
    Row("gemma-7b", "gemma-1.1-7b-it"),
    Row("gemma-7b", "codegemma-7b-it"),
    *TABLE1[5:],
    *TABLE1[:5],
    Row("mixtral-8x7b-v0.1", "mixtral-8x7b-instruct-v0.1"),
    Row("mixtral-8x7b-v0.1", "nous-hermes-2-mixtral-8x7b-sft", "together"),
    Row("mixtral-8x7b-v0.1", "dolphin-2.5-mixtral-8x7b", "together"),
]
TABLE2 = [
    Row(LLAMA3_70B, LLAMA3_70B, "groq"),
    Row(LLAMA3_70B, LLAMA3_70B, "together"),
    Row(LLAMA3_70B, LLAMA3_70B, LOCAL),
    Row(LLAMA3_70B, LLAMA3_70B, "anyscale"),
    Row(LLAMA3_8B, LLAMA3_8B, "together"),
    Row(LLAMA3_8B, LLAMA3_8B, LOCAL),
    Row(LLAMA3_8B, LLAMA3_8B, "anyscale"),
    Row(LLAMA3_8B, LLAMA3_8B, "groq"),
]
TABLE3 = [
    row
    for model, reference in ((LLAMA3_8B, LOCAL), (COMMAND_R_PLUS, "cohere"), (LLAMA3_70B, LOCAL))
    for row in (
        Row(model, model, reference),
        Row(model, model, "llama.cpp", "Q8_0"),
        Row(model, model, "llama.cpp", "Q4_K_M"),
    )
]
SPECS = {"1": TABLE1, "2": TABLE2, "3": TABLE3, "4": TABLE4}

BACKEND_LABELS = {
    "groq": "Groq",
    "together": "Together AI",
    LOCAL: "HuggingFace (local)",
    "anyscale": "Anyscale",
    "cohere": "Cohere API",
    "llama.cpp": "llama.cpp",
}
QUANT_LABELS = {"none": "unquantised", "Q8_0": "GGUF Q8_0", "Q4_K_M": "GGUF Q4_K_M"}
HEADERS = {
    "group": "Base model",
    "model": "Model",
    "backend": "Backend",
    "quant": "Quantisation",
    "clemscore": "Clemscore",
    "avg_pct_played": "Avg. % played",
    "avg_quality": "Avg. quality",
    "tuning_data": "Instruction-tuning data",
}
TUNING_WIDTH = "5.5cm"  # the tuning-data lists wrap in a box of this width
# Columns shown in print, per table; a group label is printed once per block of rows.
SHOWN = {
    "1": ["group", "model", *SCORES],
    "2": ["model", "backend", *SCORES],
    "3": ["model", "quant", "backend", *SCORES],
    "4": ["group", "model", *SCORES],
}


def build(scores: pd.DataFrame, number: str) -> pd.DataFrame:
    """Table ``number`` ("1"-"4"): the spec's rows with their scores and a ``status``."""
    keys = ["model", "backend", "quant"]
    spec = pd.DataFrame(SPECS[number], columns=list(Row._fields))
    found = scores[[*keys, *SCORES]].drop_duplicates(keys)
    table = spec.merge(found, on=keys, how="left", validate="1:1", indicator="_found")
    table["status"] = table.pop("_found").map({"both": FOUND, "left_only": MISSING}).astype(str)
    return table.assign(table=number)[["table", *Row._fields, *SCORES, "status"]]


def table1(scores: pd.DataFrame) -> pd.DataFrame:
    return build(scores, "1")


def table2(scores: pd.DataFrame) -> pd.DataFrame:
    return build(scores, "2")


def table3(scores: pd.DataFrame) -> pd.DataFrame:
    return build(scores, "3")


def table4(scores: pd.DataFrame) -> pd.DataFrame:
    return build(scores, "4")


def latex(
    table: pd.DataFrame,
    caption: str | None = None,
    label: str | None = None,
    floating: bool = True,
    marks: Mapping[str, str] | None = None,
) -> str:
    """Booktabs LaTeX of a built table; missing scores print as ``--``, text is escaped.

    ``floating=False`` gives the bare ``tabular`` (no caption or label), for a document that
    wraps it in its own float. ``marks`` maps a row status to LaTeX appended to the row's model
    (Tables 1, 4) or backend (Tables 2, 3) for rows whose scores come from elsewhere than the
    score file. A ``tuning_data`` column, where
    the table has one, is shown last, wrapped.
    """
    number = table["table"].iloc[0]
    extra = ["tuning_data"] if "tuning_data" in table else []
    shown = table[[*SHOWN[number], *extra]].copy()
    marked = [(marks or {}).get(status, "") for status in table["status"]]
    if "backend" in shown:
        shown["backend"] = shown["backend"].map(lambda b: BACKEND_LABELS.get(b, b))
    if "quant" in shown:
        shown["quant"] = shown["quant"].map(QUANT_LABELS)
    blank_repeats = "group" if "group" in shown else "model"
    shown[blank_repeats] = shown[blank_repeats].where(
        shown[blank_repeats] != shown[blank_repeats].shift(), ""
    )
    # the mark goes on the first column that is never blanked: model, or backend under a model
    on = "model" if blank_repeats == "group" else "backend"
    shown[on] = [escape(v) + mark for v, mark in zip(shown[on], marked, strict=True)]
    labels = [c for c in shown.columns if c not in [*SCORES, *extra]]
    texts = [
        Column(c, header=escape(HEADERS[c]), format=str if c == on else escape) for c in labels
    ]
    numbers = [Column(c, header=escape(HEADERS[c]), format=fixed(2), align="r") for c in SCORES]
    wrapped = [Column(c, header=escape(HEADERS[c]), format=_wrapped, missing="") for c in extra]
    tabular = render.latex(shown, [*texts, *numbers, *wrapped], empty=None)
    return tabular if not floating else render.floating(tabular, caption, label)


def _wrapped(text: object) -> str:
    return f"\\parbox[t]{{{TUNING_WIDTH}}}{{\\raggedright {escape(text)}}}"


def to_csv(table: pd.DataFrame, path: str | Path) -> None:
    table.to_csv(path, index=False)


def to_latex(
    table: pd.DataFrame,
    path: str | Path,
    caption: str | None = None,
    label: str | None = None,
    floating: bool = True,
    marks: Mapping[str, str] | None = None,
) -> None:
    Path(path).write_text(latex(table, caption, label, floating, marks), encoding="utf-8")
