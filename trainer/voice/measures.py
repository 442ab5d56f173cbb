"""What only audio shows about the trainee: pace, loudness, timing, share of the talk.

Pure functions over numpy arrays and numbers. Times are seconds; loudness is dBFS (RMS, 0 dB is a
full-scale square wave), so a full-scale sine reads about -3 dBFS.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np

__all__ = [
    "SILENCE_DBFS",
    "Timed",
    "TurnMeasures",
    "duration",
    "loudness_dbfs",
    "measure_turn",
    "overlapped",
    "relative_to_median",
    "response_gap",
    "speech_span",
    "talk_time_ratio",
    "words_per_minute",
]

SILENCE_DBFS = -100.0  # the floor reported for digital silence instead of -inf


class Timed(Protocol):
    """Anything with a start and an end in seconds (a transcribed word)."""

    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...


def duration(audio: np.ndarray, rate: int) -> float:
    """Length of the audio in seconds."""
    return float(audio.size) / rate


def loudness_dbfs(audio: np.ndarray) -> float:
    """RMS level in dBFS; `SILENCE_DBFS` for silence or no samples."""
    if audio.size == 0:
        return SILENCE_DBFS
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    return max(SILENCE_DBFS, float(20 * np.log10(rms))) if rms > 0 else SILENCE_DBFS


def speech_span(audio: np.ndarray, rate: int, floor_db: float = 30.0,
                frame: float = 0.02) -> tuple[float, float] | None:
    """First and last moment (seconds) whose 20 ms frame is within ``floor_db`` of the loudest
    frame and above -60 dBFS; ``None`` when the audio is silent."""
    hop = max(1, int(rate * frame))
    n = audio.size // hop
    if n == 0:
        return None
    frames = audio[: n * hop].reshape(n, hop).astype(np.float64)
    levels = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    loud = np.flatnonzero(levels >= max(levels.max() - floor_db, -60.0))
    if loud.size == 0:
        return None
    return loud[0] * frame, (loud[-1] + 1) * frame


def words_per_minute(words: Sequence[Timed]) -> float | None:
    """Speaking rate from word timestamps: words over the span from first start to last end."""
    if not words:
        return None
    span = words[-1].end - words[0].start
    return len(words) * 60 / span if span > 0 else None


def relative_to_median(values: Sequence[float]) -> list[float]:
    """Each value minus the median of all (loudness of each turn against the trainee's norm)."""
    if not values:
        return []
    middle = statistics.median(values)
    return [round(v - middle, 2) for v in values]


def response_gap(caller_ended: float | None, trainee_started: float | None) -> float | None:
    """Seconds from the caller's last sound to the trainee's first (negative: overlap)."""
    if caller_ended is None or trainee_started is None:
        return None
    return trainee_started - caller_ended


def overlapped(caller_ended: float | None, trainee_started: float | None) -> bool:
    """The trainee started while the caller was still talking."""
    gap = response_gap(caller_ended, trainee_started)
    return gap is not None and gap < 0


def talk_time_ratio(trainee_seconds: float, caller_seconds: float) -> float | None:
    """The trainee's share of the talking, 0–1 ("listen more than you talk": below 0.5)."""
    total = trainee_seconds + caller_seconds
    return trainee_seconds / total if total > 0 else None


@dataclass(frozen=True)
class TurnMeasures:
    """The audio measures of one trainee turn (``speech_seconds``: first to last sound)."""

    duration: float
    speech_seconds: float
    words_per_minute: float | None
    loudness_dbfs: float

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in data.items()}


def measure_turn(audio: np.ndarray, rate: int, words: Sequence[Timed]) -> TurnMeasures:
    """Duration, speaking rate and loudness of one turn's audio (loudness over the speech only)."""
    span = (words[0].start, words[-1].end) if words else speech_span(audio, rate)
    speech = audio
    if span is not None:
        speech = audio[int(span[0] * rate): max(int(span[1] * rate), int(span[0] * rate) + 1)]
    return TurnMeasures(
        duration=duration(audio, rate),
        speech_seconds=(span[1] - span[0]) if span else 0.0,
        words_per_minute=words_per_minute(words),
        loudness_dbfs=loudness_dbfs(speech),
    )
