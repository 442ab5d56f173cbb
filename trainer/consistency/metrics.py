"""Agreement metrics for grading consistency, each a small pure function.

Ratings are nominal labels (``"pass"``, ``"fail"``, ``"na"``); ``None`` is a missing rating (an
unscored run). Rating tables are *units × raters*: one row per item, one column per run (or per
grader). Every function returns ``None`` where the statistic is undefined rather than a number
that looks like a result.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CI",
    "ICC",
    "PrecisionRecall",
    "bootstrap_ci",
    "cohen_kappa",
    "confusion",
    "fail_precision_recall",
    "flip_rate",
    "gwet_ac1",
    "icc",
    "krippendorff_alpha",
    "percent_agreement",
    "vote_split",
    "vote_splits",
]

Label = str | None
Table = Sequence[Sequence[Label]]


@dataclass(frozen=True)
class CI:
    """A bootstrap percentile interval."""

    low: float
    high: float


@dataclass(frozen=True)
class ICC:
    """Intraclass correlations, two-way random effects, absolute agreement (McGraw & Wong
    ICC(A,1) and ICC(A,k); Shrout & Fleiss ICC(2,1) and ICC(2,k))."""

    single: float | None  # ICC(A,1): reliability of one run
    average: float | None  # ICC(A,k): reliability of the mean of k runs
    n: int
    k: int


@dataclass(frozen=True)
class PrecisionRecall:
    """Precision and recall of one class (``fail``): the errors that matter to a trainee."""

    precision: float | None
    recall: float | None
    tp: int
    fp: int
    fn: int


def _categories(table: Table) -> list[str]:
    return sorted({v for row in table for v in row if v is not None})


def krippendorff_alpha(table: Table) -> float | None:
    """Krippendorff's α, nominal, over units × raters (``None`` cells missing). Undefined
    (None) when fewer than two values occur or no unit has two ratings."""
    import krippendorff

    pairable = [row for row in table if sum(v is not None for v in row) >= 2]
    cats = _categories(pairable)
    if len(cats) < 2:
        return None
    code = {c: float(i) for i, c in enumerate(cats)}
    width = max(len(row) for row in pairable)
    data = np.full((width, len(pairable)), np.nan)
    for j, row in enumerate(pairable):
        for i, v in enumerate(row):
            if v is not None:
                data[i, j] = code[v]
    alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return None if math.isnan(alpha) else alpha


def gwet_ac1(table: Table, categories: Sequence[str] | None = None) -> float | None:
    """Gwet's AC1 for several raters with missing ratings (Gwet 2008, 2014 §4). Stays close to
    the observed agreement when one category dominates, where α and κ read falsely low.
    ``categories``: the scale (default: the categories that occur, at least two)."""
    counts = [Counter(v for v in row if v is not None) for row in table]
    rated = [c for c in counts if sum(c.values()) >= 1]
    pairable = [c for c in rated if sum(c.values()) >= 2]
    if not pairable:
        return None
    cats = list(categories) if categories else _categories(table)
    q = max(2, len(cats))
    pa = float(np.mean([sum(n * (n - 1) for n in c.values()) / (r * (r - 1))
                        for c in pairable for r in [sum(c.values())]]))
    pi = {k: float(np.mean([c[k] / sum(c.values()) for c in rated])) for k in cats}
    pe = sum(p * (1 - p) for p in pi.values()) / (q - 1)
    return None if pe >= 1 else (pa - pe) / (1 - pe)


def percent_agreement(table: Table) -> float | None:
    """Share of agreeing rating pairs within units (the observed agreement of AC1 and α)."""
    pairable = [Counter(v for v in row if v is not None) for row in table]
    pairable = [c for c in pairable if sum(c.values()) >= 2]
    if not pairable:
        return None
    return float(np.mean([sum(n * (n - 1) for n in c.values()) / (r * (r - 1))
                          for c in pairable for r in [sum(c.values())]]))


def _outcome(v: Label) -> str:
    return "unscored" if v is None else v


def flip_rate(table: Table) -> float | None:
    """Share of units with two or more runs whose outcomes are not unanimous (an unscored run
    counts as an outcome of its own: the trainee sees a different result)."""
    units = [row for row in table if len(row) >= 2]
    if not units:
        return None
    return sum(len({_outcome(v) for v in row}) > 1 for row in units) / len(units)


def vote_split(row: Sequence[Label]) -> str:
    """The split of one unit's runs, largest share first: ``"3-0"``, ``"2-1"``, ``"1-1-1"``."""
    counts = sorted(Counter(_outcome(v) for v in row).values(), reverse=True)
    if len(counts) == 1:
        counts.append(0)
    return "-".join(str(n) for n in counts)


def vote_splits(table: Table) -> dict[str, int]:
    """How many units show each split, most unanimous first."""
    found = Counter(vote_split(row) for row in table if row)
    return dict(sorted(found.items(), key=lambda kv: [-int(x) for x in kv[0].split("-")]))


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's κ between two raters over nominal labels; None when chance agreement is 1."""
    if len(a) != len(b):
        raise ValueError("cohen_kappa: the two raters must rate the same items")
    n = len(a)
    if n == 0:
        return None
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return None if pe >= 1 else (po - pe) / (1 - pe)


def fail_precision_recall(gold: Sequence[str], predicted: Sequence[str],
                          positive: str = "fail") -> PrecisionRecall:
    """Precision and recall of the ``positive`` class of the predictions against gold."""
    pairs = list(zip(gold, predicted, strict=True))
    tp = sum(g == positive and p == positive for g, p in pairs)
    fp = sum(g != positive and p == positive for g, p in pairs)
    fn = sum(g == positive and p != positive for g, p in pairs)
    return PrecisionRecall(tp / (tp + fp) if tp + fp else None,
                           tp / (tp + fn) if tp + fn else None, tp, fp, fn)


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, int]]:
    """Counts of ``confusion[gold][predicted]``."""
    table: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, predicted, strict=True):
        row = table.setdefault(g, {})
        row[p] = row.get(p, 0) + 1
    return table


def icc(scores: Sequence[Sequence[float]]) -> ICC:
    """ICC(A,1) and ICC(A,k) of an items × raters table of numbers (complete rows only)."""
    rows = [list(r) for r in scores if r and all(x is not None and math.isfinite(x) for x in r)]
    k = min((len(r) for r in rows), default=0)
    x = np.array([r[:k] for r in rows], dtype=float)
    n = len(rows)
    if n < 2 or k < 2:
        return ICC(None, None, n, k)
    grand = x.mean()
    msr = k * float(((x.mean(axis=1) - grand) ** 2).sum()) / (n - 1)
    msc = n * float(((x.mean(axis=0) - grand) ** 2).sum()) / (k - 1)
    sse = float(((x - grand) ** 2).sum()) - msr * (n - 1) - msc * (k - 1)
    mse = sse / ((n - 1) * (k - 1))
    single_den = msr + (k - 1) * mse + k * (msc - mse) / n
    average_den = msr + (msc - mse) / n
    return ICC((msr - mse) / single_den if single_den > 0 else None,
               (msr - mse) / average_den if average_den > 0 else None, n, k)


def bootstrap_ci(n_items: int, statistic: Callable[[Sequence[int]], float | None], *,
                 resamples: int = 1000, seed: int = 0, level: float = 0.95) -> CI | None:
    """Percentile interval of ``statistic(indices)`` over items resampled with replacement;
    resamples where the statistic is undefined are skipped. None if too few remain."""
    if n_items < 2 or resamples < 1:
        return None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        v = statistic(rng.integers(0, n_items, n_items).tolist())
        if v is not None and math.isfinite(v):
            values.append(v)
    if len(values) < max(10, resamples // 10):
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return CI(float(low), float(high))
