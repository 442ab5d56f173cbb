"""Per-behaviour logistic regressions over sentence embeddings, and the word weights that pick
the span carrying a behaviour. Trained by ``python -m trainer.behaviour.train``; the weights
ship beside this file."""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["GRADER_WEIGHTS", "WEIGHTS", "Classifier", "load_classifier", "span"]

WEIGHTS = Path(__file__).with_name("weights.npz")  # over e5 embeddings: the live reader
META = Path(__file__).with_name("weights.json")
GRADER_WEIGHTS = Path(__file__).with_name("weights_grader.npz")  # over the chat model's own
GRADER_META = Path(__file__).with_name("weights_grader.json")
_TOKEN = re.compile(r"[\w']+")


@dataclass(frozen=True)
class Classifier:
    """``probabilities(X)[i, j]``: sentence i shows behaviour ``names[j]``; the biases are
    shifted so that each behaviour's tuned threshold sits at 0.5."""

    names: tuple[str, ...]
    w: np.ndarray  # (behaviours, dim)
    b: np.ndarray  # (behaviours,)
    vocab: dict[str, int]
    word_weights: np.ndarray  # (behaviours, vocab): log-odds of a word in that behaviour
    digest: str = ""  # SHA-256 of the weights file, first 12 hex digits (pins a grade's reader)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.w.T + self.b
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def word_weight(self, behaviour: str, word: str) -> float:
        i = self.vocab.get(word.lower())
        return 0.0 if i is None else float(self.word_weights[self.names.index(behaviour), i])


def load_classifier(path: Path = WEIGHTS) -> Classifier | None:
    """The shipped classifier, or None when no weights have been trained."""
    if not path.exists():
        return None
    data = path.read_bytes()  # read once: hashed for the digest, then parsed
    digest = hashlib.sha256(data).hexdigest()[:12]
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        names = tuple(str(n) for n in z["names"])
        vocab = {str(v): i for i, v in enumerate(z["vocab"])}
        return Classifier(names, z["w"].astype(np.float32), z["b"].astype(np.float32), vocab,
                          z["word_weights"].astype(np.float32), digest)


def meta() -> dict[str, object]:
    return json.loads(META.read_text()) if META.exists() else {}


def span(clf: Classifier, behaviour: str, sentence: str) -> str:
    """The run of words in ``sentence`` that most carries ``behaviour`` (maximum-sum run of
    word weights); the whole sentence when no word stands out."""
    tokens = list(_TOKEN.finditer(sentence))
    best, best_span, run, run_start = 0.0, None, 0.0, 0
    for i, m in enumerate(tokens):
        weight = clf.word_weight(behaviour, m.group())
        if run <= 0:
            run, run_start = weight, i
        else:
            run += weight
        if run > best:
            best, best_span = run, (run_start, i)
    if best_span is None:
        return sentence
    a, b = best_span
    if 2 * (b - a + 1) > len(tokens):  # most of the sentence: the sentence reads better
        return sentence
    return sentence[tokens[a].start():tokens[b].end()]
