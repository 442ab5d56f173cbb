"""A microphone whose audio is pushed in from elsewhere — a browser's stream, a benchmark's or a
test's clips — and read by SpeechRecognition in real time, exactly like PyAudio's stream:
between pushes it hears a quiet room. The listener, endpointing and barge-in code cannot tell
it from a sound card."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

__all__ = ["PushedMicrophone"]


class PushedMicrophone:
    """Enter it like ``sr.Microphone``; `push` places 16 kHz mono float32 audio at a monotonic
    time (a time already past plays from now). Room noise is ``noise_dbfs`` white noise."""

    SAMPLE_RATE, SAMPLE_WIDTH, CHUNK = 16000, 2, 1024

    def __init__(self, noise_dbfs: float = -60.0, seed: int = 0) -> None:
        self.noise = 10 ** (noise_dbfs / 20)
        self.rng = np.random.default_rng(seed)
        self.clips: list[tuple[int, np.ndarray]] = []  # (first sample, samples)
        self.t0: float | None = None
        self.pos = 0  # samples delivered so far
        self._stream_end = 0  # where the last streamed push (no ``at``) ends
        self.stream: Any = None
        self.lock = threading.Lock()

    def __enter__(self) -> Any:
        import speech_recognition as sr

        mic = self

        class Source(sr.AudioSource):
            SAMPLE_RATE, SAMPLE_WIDTH, CHUNK = mic.SAMPLE_RATE, mic.SAMPLE_WIDTH, mic.CHUNK
            stream = mic

            def __init__(self) -> None:
                pass

        self.stream = self
        return Source()

    def __exit__(self, *exc: object) -> None:
        self.stream = None

    def _start(self) -> float:
        if self.t0 is None:
            self.t0 = time.monotonic()
        return self.t0

    def push(self, samples: np.ndarray, at: float | None = None) -> None:
        """Hear ``samples`` from monotonic time ``at``. Without ``at`` the audio is a stream
        (a browser's frames): it follows the audio pushed before it, or starts now when that
        has all been heard."""
        with self.lock:
            t0 = self._start()
            if at is None:
                start = max(self.pos, self._stream_end)  # pos is "now" (a chunk ahead at most)
                self._stream_end = start + len(samples)
            else:
                start = max(self.pos, round((at - t0) * self.SAMPLE_RATE))
            self.clips = [c for c in self.clips if c[0] + len(c[1]) > self.pos]
            self.clips.append((start, samples.astype(np.float32)))

    def read(self, size: int) -> bytes:
        """The next ``size`` samples as 16-bit PCM, returned when they have been 'heard'."""
        with self.lock:
            t0 = self._start()
            lo, hi = self.pos, self.pos + size
            self.pos = hi
            clips = list(self.clips)
        time.sleep(max(0.0, t0 + hi / self.SAMPLE_RATE - time.monotonic()))
        out = self.rng.normal(0, self.noise, size)
        for start, samples in clips:
            a, b = max(lo, start), min(hi, start + len(samples))
            if a < b:
                out[a - lo:b - lo] += samples[a - start:b - start]
        return bytes((np.clip(out, -1, 1) * 32767).astype("<i2").tobytes())
