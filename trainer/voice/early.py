"""Transcription that is nearly done when the trainee stops talking.

Whenever the trainee pauses (the end-of-turn detector's short silence), what they said so far
is transcribed on a background thread at low priority. When the turn ends with no speech
after that pause — the usual case: the pause *was* the end — the text is already there or
nearly. Long turns are committed piece by piece at pauses, so the end of the turn only has to
transcribe the tail since the last committed pause, in Whisper's short (fast) window.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from trainer.voice.stt import Transcriber, Transcription, Word
from trainer.voice.wav import SPEECH_RATE

__all__ = ["EarlyTranscriber"]

COMMIT_AFTER_S = 6.0  # once the uncommitted audio at a pause is this long, commit it
# Speech that goes on this long after the last word a pause's transcription heard: words were
# missed ("I can offer you a refund, or" heard as "I can offer you a refund.").
UNHEARD_S = float(os.environ.get("TRAINER_TURN_UNHEARD_S", "0.25"))


def _lower_priority() -> None:
    """Run this worker thread at a lower priority than the call loop and the language model."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


@dataclass(frozen=True)
class _Job:
    key: int  # the speech end (sample index) the job's audio runs up to
    offset: int  # first sample transcribed (the committed part is before it)
    end: int  # last sample transcribed
    future: Future[Transcription]


def _shifted(words: list[Word], seconds: float) -> list[Word]:
    return [Word(w.text, w.start + seconds, w.end + seconds, w.probability) for w in words]


class EarlyTranscriber:
    """Wraps a `Transcriber` for one turn at a time: `begin`, `pause` whenever the trainee
    pauses, then `finish` with the turn's whole audio. Its worker is a single thread."""

    def __init__(self, transcriber: Transcriber, commit_after_s: float = COMMIT_AFTER_S) -> None:
        self.transcriber = transcriber
        self.commit_after = int(commit_after_s * SPEECH_RATE)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="early-stt",
                                        initializer=_lower_priority)
        self.begin()

    def begin(self) -> None:
        """A new turn: forget the last one's partial results."""
        self._committed: tuple[int, str, list[Word]] = (0, "", [])
        self._job: _Job | None = None
        self.reused = False  # whether the last `finish` used a pause's transcription

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def pause(self, audio: np.ndarray, speech_end: int) -> None:
        """The trainee paused: transcribe ``audio`` (the turn so far; its speech ends at sample
        ``speech_end``) in the background, after the committed part."""
        self._commit_done()
        offset = self._committed[0]
        if self._job is not None and not self._job.future.done():
            self._job.future.cancel()  # still queued: a newer pause supersedes it
        piece = audio[offset:].copy()
        self._job = _Job(speech_end, offset, audio.size,
                         self._pool.submit(self.transcriber.transcribe, piece))

    def _commit_done(self) -> None:
        """Commit a finished pause transcription that covers a long enough stretch."""
        job = self._job
        if job is None or not job.future.done() or job.future.cancelled():
            return
        if job.end - job.offset < self.commit_after:
            return
        result = job.future.result()
        _start, text, words = self._committed
        self._committed = (job.end, f"{text} {result.text}".strip(),
                           words + _shifted(result.words, job.offset / SPEECH_RATE))
        self._job = None

    def text_so_far(self) -> str | None:
        """What the trainee said up to the latest pause (waits for its transcription); None
        before any pause."""
        job = self._job
        if job is None or job.future.cancelled():
            return None
        return f"{self._committed[1]} {job.future.result().text}".strip()

    def words_so_far(self) -> str | None:
        """`text_so_far` as the end-of-turn detector should read it: where the speech went on
        past the last word heard by more than ``UNHEARD_S`` (Whisper dropped a trailing "or"),
        the sentence is not shown as finished (its end mark is removed)."""
        text = self.text_so_far()
        job = self._job
        if not text or job is None:
            return text
        words = job.future.result().words
        spoken = (job.key - job.offset) / SPEECH_RATE
        if words and spoken - words[-1].end > UNHEARD_S:
            return text.rstrip(".?!")
        return text

    def finish(self, audio: np.ndarray, speech_end: int) -> Transcription:
        """The turn's text: the pause transcription if nothing was said after it, else the
        committed part plus the tail transcribed now. ``seconds`` is the time waited here."""
        started = time.perf_counter()
        job, self.reused = self._job, False
        offset, text, words = self._committed
        tail: Transcription | None = None
        if job is not None and job.key == speech_end and not job.future.cancelled():
            tail, self.reused = job.future.result(), True
        if tail is None:
            tail = self.transcriber.transcribe(audio[offset:])
        waited = time.perf_counter() - started
        return Transcription(f"{text} {tail.text}".strip(),
                             words + _shifted(tail.words, offset / SPEECH_RATE), waited)

    def transcribe(self, audio: np.ndarray) -> Transcription:
        """A `Transcriber` for audio outside a detected turn (pushed-to-talk): no reuse."""
        return self.transcriber.transcribe(audio)
