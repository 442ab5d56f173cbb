"""Small statistics shared by the benchmarks."""

from __future__ import annotations


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0–1) of the values, linearly interpolated."""
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)
