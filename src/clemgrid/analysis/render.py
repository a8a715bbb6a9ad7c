"""One renderer for every table the pipeline writes, Markdown or LaTeX, from a column spec.

A table is a frame and a list of :class:`Column` (which field, its header, how a value prints,
its alignment, what a missing value prints as). The renderer decides what is missing (None,
NaN, ``pd.NA``) once for all tables; a missing value prints as an en dash, which Markdown
spells ``–`` and LaTeX ``--`` (:data:`MISSING`). LaTeX tables are bare booktabs ``tabular``\\s
(the paper wraps them in its own floats) unless :func:`floating` wraps one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Literal

import numpy as np
import pandas as pd

Target = Literal["markdown", "latex"]
MISSING: dict[str, str] = {"markdown": "–", "latex": "--"}
"""A missing value: one en dash, in each target's spelling."""
EMPTY = "(none in this run)"
"""What a LaTeX table without rows says in its one spanning row."""


def is_missing(value: object) -> bool:
    """None, ``pd.NA``, ``pd.NaT`` or a NaN float."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


@dataclass(frozen=True)
class Column:
    """One column: ``key`` is a field of the frame or a function of a row (see :func:`rows`),
    for cells that combine fields. ``format`` turns a
    present value into the cell's text (default: the target's text, escaped). A missing value
    prints as ``missing``: ``True`` is the target's :data:`MISSING`, a string replaces it,
    ``False`` hands missing values to ``format`` too."""

    key: str | Callable[[Any], Any]
    header: str | None = None
    format: Callable[[Any], str] | None = None
    align: Literal["l", "r", "c"] = "l"
    missing: str | bool = True

    def title(self) -> str:
        if self.header is not None:
            return self.header
        if callable(self.key):
            raise ValueError("a column keyed by a function needs a header")
        return self.key

    def value(self, row: Any) -> Any:
        return self.key(row) if callable(self.key) else getattr(row, self.key)

    def cell(self, row: Any, target: Target) -> str:
        value = self.value(row)
        if self.missing is not False and is_missing(value):
            return MISSING[target] if self.missing is True else str(self.missing)
        return (self.format or TEXT[target])(value)


# --- cell formats ------------------------------------------------------------------------------


def markdown_text(value: object) -> str:
    """Text in a Markdown table cell: a ``|`` would end the cell."""
    return str(value).replace("|", "\\|")


def fixed(digits: int) -> Callable[[Any], str]:
    """A number to ``digits`` decimals (Python's rounding, minus sign as is)."""
    return lambda value: f"{value:.{digits}f}"


def auto(digits: int) -> Callable[[Any], str]:
    """Floats to ``digits`` decimals, a missing value as :data:`MISSING`, anything else as
    Markdown text: for columns whose type the data decides (counts stay integers)."""

    def format(value: Any) -> str:
        if is_missing(value):
            return MISSING["markdown"]
        if isinstance(value, float | np.floating):
            return f"{value:.{digits}f}"
        return markdown_text(value)

    return format


_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def escape(text: object) -> str:
    """``text`` as LaTeX text: the special characters escaped (and ``<``, ``>``, which only
    some font encodings print as such)."""
    return "".join(_SPECIAL.get(c, c) for c in str(text))


TEXT: dict[str, Callable[[Any], str]] = {"markdown": markdown_text, "latex": escape}


# --- tables ------------------------------------------------------------------------------------


def rows(frame: pd.DataFrame) -> list[SimpleNamespace]:
    """The frame's rows with each field as an attribute, whatever its column's name (``avg
    %played`` too: ``getattr(row, "avg %played")``)."""
    names = [str(c) for c in frame.columns]
    return [
        SimpleNamespace(**dict(zip(names, values, strict=True)))
        for values in frame.itertuples(index=False, name=None)
    ]


def cells(frame: pd.DataFrame, columns: Sequence[Column], target: Target) -> list[list[str]]:
    return [[c.cell(row, target) for c in columns] for row in rows(frame)]


def _center(text: str, width: int) -> str:
    """``text`` centred, the odd space on the right (as tabulate pads)."""
    left = (width - len(text)) // 2
    return " " * left + text + " " * (width - len(text) - left)


_JUSTIFY: dict[str, Callable[[str, int], str]] = {"l": str.ljust, "r": str.rjust, "c": _center}
_RULE: dict[str, Callable[[int], str]] = {
    "l": lambda w: ":" + "-" * (w + 1),
    "r": lambda w: "-" * (w + 1) + ":",
    "c": lambda w: ":" + "-" * w + ":",
}


def markdown(frame: pd.DataFrame, columns: Sequence[Column], padded: bool = False) -> str:
    """A Markdown (pipe) table ending in a newline. ``padded`` pads every column to its widest
    cell (headers get two spaces more), as ``DataFrame.to_markdown`` (tabulate's ``pipe``
    format) does, for tables read in a terminal; alignment colons follow ``Column.align``
    there."""
    header = [c.title() for c in columns]
    body = cells(frame, columns, "markdown")
    if not padded:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines) + "\n"
    widths = [max([len(h) + 2, *(len(row[i]) for row in body)]) for i, h in enumerate(header)]

    def line(texts: Sequence[str]) -> str:
        justified = (
            _JUSTIFY[c.align](t, w) for c, t, w in zip(columns, texts, widths, strict=True)
        )
        return "| " + " | ".join(justified) + " |"

    rule = "|" + "|".join(_RULE[c.align](w) for c, w in zip(columns, widths, strict=True)) + "|"
    return "\n".join([line(header), rule, *map(line, body)]) + "\n"


def latex(
    frame: pd.DataFrame,
    columns: Sequence[Column],
    breaks: Sequence[int] = (),
    footer: Sequence[str] = (),
    empty: str | None = EMPTY,
) -> str:
    """A booktabs ``tabular`` of ``frame`` (see :func:`tabular`); headers are LaTeX as given."""
    return tabular(
        [c.title() for c in columns],
        cells(frame, columns, "latex"),
        "".join(c.align for c in columns),
        breaks,
        footer,
        empty,
    )


def tabular(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    align: str,
    breaks: Sequence[int] = (),
    footer: Sequence[str] = (),
    empty: str | None = EMPTY,
) -> str:
    """A booktabs tabular of already formatted cells; a ``\\midrule`` before each row index in
    ``breaks``; ``footer`` lines span the table below a rule; without rows one spanning row
    says ``empty`` (``None``: nothing). Cells are LaTeX (escape data yourself)."""
    if len(align) != len(header):
        raise ValueError(f"align {align!r} has {len(align)} columns, the header {len(header)}")
    lines = [
        f"\\begin{{tabular}}{{{align}}}",
        "\\toprule",
        " & ".join(header) + " \\\\",
        "\\midrule",
    ]
    for i, row in enumerate(rows):
        if len(row) != len(header):
            raise ValueError(f"row {i} has {len(row)} cells, the header {len(header)}")
        if i in breaks and i > 0:
            lines.append("\\midrule")
        lines.append(" & ".join(row) + " \\\\")
    if not rows and empty is not None:
        lines.append(f"\\multicolumn{{{len(header)}}}{{c}}{{{empty}}} \\\\")
    if footer:
        lines.append("\\midrule")
        lines += [f"\\multicolumn{{{len(header)}}}{{l}}{{{line}}} \\\\" for line in footer]
    lines += ["\\bottomrule", "\\end{tabular}", ""]
    return "\n".join(lines)


def floating(tabular: str, caption: str | None = None, label: str | None = None) -> str:
    """``tabular`` in a centred ``table`` float with its caption and label (raw LaTeX)."""
    lines = ["\\begin{table}", "\\centering"]
    if caption is not None:
        lines.append(f"\\caption{{{caption}}}")
    if label is not None:
        lines.append(f"\\label{{{label}}}")
    return "\n".join([*lines, tabular.rstrip("\n"), "\\end{table}", ""])
