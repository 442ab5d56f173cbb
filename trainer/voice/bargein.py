"""Barge-in from a live microphone. While the caller talks, a monitor thread reads the open
microphone; when the trainee's voice stays above the room's calibrated energy threshold for
``onset`` seconds, it fires (the speaker stops playback) and keeps recording, so the listener
starts from the trainee's first word instead of losing it.

Off by default: through a loudspeaker the caller's own voice re-enters the microphone and
would interrupt itself. Use headphones.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from trainer.voice.playback import EventBargeIn

__all__ = ["MicrophoneMonitor", "replay_then_live"]

MAX_SECONDS = 120.0  # a barge-in turn longer than this is cut, like a listened turn


def _rms(chunk: bytes) -> float:
    samples = np.frombuffer(chunk, "<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0


class MicrophoneMonitor:
    """Watches an entered microphone source (``stream.read(CHUNK)``) between the trainee's turns.

    `start` when the caller starts talking, `stop` before the next turn is listened to: it
    returns the chunks from just before the barge-in (``preroll`` seconds) onwards, or nothing
    when the trainee did not barge in. ``signal`` is what the speaker polls during playback."""

    def __init__(self, source: Any, threshold: Callable[[], float], *, onset: float = 0.2,
                 preroll: float = 0.3, signal: EventBargeIn | None = None) -> None:
        self.source = source
        self.threshold = threshold
        self.signal = signal or EventBargeIn()
        self.chunk_s = source.CHUNK / source.SAMPLE_RATE
        self._onset_chunks = max(1, round(onset / self.chunk_s))
        self._keep = self._onset_chunks + max(1, round(preroll / self.chunk_s))
        self._chunks: deque[bytes] = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.onset_at: float | None = None  # monotonic time the barge-in speech started

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        """Begin watching (the caller is about to speak); clears the last barge-in."""
        if self._thread is not None:
            return
        self.signal.event.clear()
        self.onset_at = None
        self._chunks.clear()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="barge-in", daemon=True)
        self._thread.start()

    def stop(self) -> list[bytes]:
        """Stop watching; the audio of a barge-in so far (empty when there was none)."""
        if self._thread is None:
            return []
        self._stop.set()
        self._thread.join()
        self._thread = None
        return list(self._chunks) if self.signal.triggered() else []

    def _run(self) -> None:
        loud = 0
        limit = int(MAX_SECONDS / self.chunk_s)
        while not self._stop.is_set():
            chunk = self.source.stream.read(self.source.CHUNK)
            if not chunk:
                return  # the stream ended
            self._chunks.append(chunk)
            if self.signal.triggered():
                if len(self._chunks) > limit:
                    self._chunks.popleft()
                continue
            if len(self._chunks) > self._keep:
                self._chunks.popleft()
            loud = loud + 1 if _rms(chunk) > self.threshold() else 0
            if loud >= self._onset_chunks:
                self.onset_at = time.monotonic() - loud * self.chunk_s
                self.signal.event.set()


class _ReplayStream:
    def __init__(self, chunks: list[bytes], live: Any) -> None:
        self.chunks, self.live = deque(chunks), live

    def read(self, size: int) -> bytes:
        return self.chunks.popleft() if self.chunks else self.live.read(size)


def replay_then_live(source: Any, chunks: list[bytes]) -> Any:
    """An audio source for ``Recognizer.listen`` that yields ``chunks`` (already captured by the
    monitor) before reading on from the live ``source`` — one continuous recording."""
    import speech_recognition as sr

    class Replay(sr.AudioSource):
        SAMPLE_RATE, SAMPLE_WIDTH, CHUNK = source.SAMPLE_RATE, source.SAMPLE_WIDTH, source.CHUNK

        def __init__(self) -> None:
            self.stream = _ReplayStream(chunks, source.stream)

        def __enter__(self) -> Any:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    return Replay()
