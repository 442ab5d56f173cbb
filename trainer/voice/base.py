"""The seams between the call loop and audio: a `Speaker` says the caller's lines, a `Listener`
hears the trainee. The call loop knows nothing of where audio comes from or goes to, so a
browser, a phone line or a test can stand behind these interfaces."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

__all__ = ["EndOfInput", "Heard", "Listener", "Speaker", "Spoken", "VoiceStyle"]


class EndOfInput(Exception):
    """The trainee's input is exhausted (end of script, end of file): the call ends. An optional
    argument names why (e.g. ``EndOfInput("disconnected")``); it becomes the call's ending."""


@dataclass(frozen=True)
class VoiceStyle:
    """How a line is voiced: the persona's base voice moved by the caller's mood."""

    voice: str = "gmw/en-us"
    rate: int = 170  # words per minute
    pitch: int = 50  # 0-99 (espeak)
    volume: float = 0.9  # 0-1
    engine: str = "default"


@dataclass(frozen=True)
class Spoken:
    """What a speaker produced for one caller line."""

    text: str  # the sentences actually said, joined
    audio: Path | None = None  # the line's WAV, when audio was rendered
    first_audio_at: float | None = None  # monotonic time the first sentence's audio was ready
    interrupted: bool = False  # the trainee barged in and playback stopped


@dataclass(frozen=True)
class Heard:
    """What a listener heard for one trainee turn. Empty text means silence."""

    text: str
    audio: Path | None = None
    started: float | None = None  # monotonic time the trainee started speaking, if known
    ended: float | None = None  # monotonic time the trainee stopped speaking, if known
    measures: dict[str, Any] = field(default_factory=dict)
    ended_call: bool = False  # the trainee chose to end the call (e.g. typed /end)


class Speaker(Protocol):
    """Says the caller's line. ``sentences`` may be a live stream from the model: a speaker
    should start on the first sentence while the rest is still being generated."""

    def say(self, sentences: Iterable[str], style: VoiceStyle, save_as: Path | None) -> Spoken:
        ...


class Listener(Protocol):
    """Hears one trainee turn; raises `EndOfInput` when there is no more input."""

    def listen(self, save_as: Path | None) -> Heard:
        ...
