"""Playing a WAV through a player that can be stopped, and noticing the trainee barging in."""

from __future__ import annotations

import functools
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

__all__ = [
    "AplayPlayer",
    "BargeIn",
    "ClockPlayer",
    "EventBargeIn",
    "Player",
    "SilentPlayer",
    "default_player",
    "output_available",
]


class Player(Protocol):
    """Plays one WAV to the end, or until ``stop()`` turns true; returns False when stopped."""

    def play(self, path: Path, stop: Callable[[], bool]) -> bool: ...


class BargeIn(Protocol):
    """Polled during playback: true once the trainee has started talking over the caller."""

    def triggered(self) -> bool: ...


class EventBargeIn:
    """A barge-in signal set by another thread (a microphone energy gate, a key, a test)."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def triggered(self) -> bool:
        return self.event.is_set()


@functools.cache
def output_available() -> bool:
    """Whether ALSA lists a sound card for ``aplay`` (probed once; prints nothing)."""
    if not shutil.which("aplay"):
        return False
    try:
        found = subprocess.run(["aplay", "-l"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return False
    return "card " in found.stdout


class SilentPlayer:
    """No output device: the line is still rendered and shown, just not heard."""

    def play(self, path: Path, stop: Callable[[], bool]) -> bool:
        return not stop()


class ClockPlayer:
    """No sound, true timing: waits out each WAV's length (stoppable), so a call without a sound
    card keeps the clock of a real one (benchmarks, barge-in tests). ``played`` is the seconds
    played of the last WAV."""

    def __init__(self, poll: float = 0.02) -> None:
        self.poll = poll
        self.played = 0.0

    def play(self, path: Path, stop: Callable[[], bool]) -> bool:
        import wave

        with wave.open(str(path), "rb") as w:
            length = w.getnframes() / w.getframerate()
        started = time.monotonic()
        self.played = 0.0
        while self.played < length:
            if stop():
                return False
            time.sleep(min(self.poll, length - self.played))
            self.played = time.monotonic() - started
        return True


class AplayPlayer:
    """Plays through ALSA's ``aplay`` in a subprocess that is terminated on ``stop()``."""

    def __init__(self, poll: float = 0.03) -> None:
        self.poll = poll

    def play(self, path: Path, stop: Callable[[], bool]) -> bool:
        proc = subprocess.Popen(["aplay", "-q", str(path)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                proc.wait(timeout=self.poll)
                return True
            except subprocess.TimeoutExpired:
                if stop():
                    proc.terminate()
                    proc.wait()
                    return False


def default_player() -> Player:
    """`AplayPlayer` when there is a sound card, else `SilentPlayer`."""
    return AplayPlayer() if output_available() else SilentPlayer()
