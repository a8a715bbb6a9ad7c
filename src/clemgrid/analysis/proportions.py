"""Small statistics on choice proportions (seed 004's C-rates).

Wilson intervals stay inside [0, 1] and behave at rates near 0 or 1, where the 7B models'
C-rates (70-90 %) and some teachers' sit; the normal approximation does not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy.stats import norm

from clemgrid.analysis import settings


def z_level() -> float:
    """The two-sided normal quantile of :data:`settings.LEVEL` (1.96 at 95 %), read at call
    time so a changed level reaches every interval."""
    return float(norm.ppf(1 - settings.interval_alpha() / 2))


def wilson(k: int, n: int, z: float | None = None) -> tuple[float, float]:
    """Wilson score interval of k successes in n trials (at :data:`settings.LEVEL` unless a
    quantile ``z`` is given); (0, 1) when n == 0."""
    if n <= 0:
        return 0.0, 1.0
    z = z_level() if z is None else z
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if k <= 0 else max(0.0, centre - half)  # exact bounds where rounding misses them
    high = 1.0 if k >= n else min(1.0, centre + half)
    return low, high


def two_proportion_z(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """Pooled two-sided z-test of p1 == p2: (z, p-value). No variance (both rates 0 or both 1,
    or an empty sample) gives (0, 1): no evidence of a difference."""
    if n1 <= 0 or n2 <= 0:
        return 0.0, 1.0
    pooled = (k1 + k2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return 0.0, 1.0
    z = (k1 / n1 - k2 / n2) / math.sqrt(variance)
    return z, math.erfc(abs(z) / math.sqrt(2))


def _normalised(weights: Sequence[float]) -> list[float]:
    total = sum(weights)
    if total <= 0 or any(w < 0 for w in weights):
        raise ValueError(f"not a distribution: {list(weights)}")
    return [w / total for w in weights]


def jensen_shannon(p: Sequence[float], q: Sequence[float]) -> float:
    """Jensen-Shannon divergence in bits (0 = same distribution, 1 = disjoint supports).
    Counts are accepted: each side is normalised first."""
    if len(p) != len(q):
        raise ValueError("distributions of different lengths")
    p, q = _normalised(p), _normalised(q)
    m = [(a + b) / 2 for a, b in zip(p, q, strict=True)]

    def kl(a: list[float]) -> float:
        return sum(x * math.log2(x / y) for x, y in zip(a, m, strict=True) if x > 0)

    return max(0.0, (kl(p) + kl(q)) / 2)


def cosine(p: Sequence[float], q: Sequence[float]) -> float:
    """Cosine similarity of two answer distributions (count vectors)."""
    norm = math.sqrt(sum(a * a for a in p)) * math.sqrt(sum(b * b for b in q))
    if norm == 0:
        raise ValueError("cosine of a zero vector")
    return sum(a * b for a, b in zip(p, q, strict=True)) / norm


def bridging(p_base: float, p_student: float, p_teacher: float) -> float | None:
    """(|p_base - p_T| - |p_student - p_T|) / |p_base - p_T|: the share of the base-teacher
    distance the student closed (1 = reached the teacher, < 0 = moved away, overshooting past
    the teacher counts as distance again). None where base and teacher agree."""
    gap = abs(p_base - p_teacher)
    if gap == 0:
        return None
    return (gap - abs(p_student - p_teacher)) / gap
