"""The analysis' statistical settings, declared once.

Every test decision, every interval and every text that names their levels reads these
constants at call time (``settings.ALPHA``, not a copy), so setting them once changes all tests,
intervals, headers and notes together.
"""

from __future__ import annotations

import pandas as pd

ALPHA = 0.05
"""Significance level of every test decision (a test rejects where p < ALPHA)."""

LEVEL = 0.95
"""Coverage of every confidence or prediction interval (bootstrap, OLS, mixed, GAM bands)."""


def interval_alpha(level: float | None = None) -> float:
    """``1 - level`` as the alpha that statsmodels' ``conf_int`` and ``summary_frame`` take,
    rounded so 0.95 gives exactly 0.05 (not 0.050000000000000044)."""
    return round(1 - (LEVEL if level is None else level), 12)


def percent(level: float | None = None) -> str:
    """An interval level in percent as text, ``"95"`` for 0.95 (headers, notes, labels)."""
    return f"{100 * (LEVEL if level is None else level):g}"


def rejects(p: object) -> bool:
    """Does a test with p-value ``p`` reject at :data:`ALPHA`? A missing p (None, NaN) does not."""
    return bool(pd.notna(p) and float(p) < ALPHA)  # type: ignore[arg-type]
