"""The caller's mood drives the voice: anger speeds it up, raises it and makes it louder."""

from __future__ import annotations

from typing import Protocol

from trainer.voice.base import VoiceStyle

__all__ = ["NEUTRAL_ANGER", "BaseVoice", "style_for"]

NEUTRAL_ANGER = 3.0  # the persona's base voice is how it sounds at this anger (0-10)
_RATE_GAIN = 0.15  # +15% words per minute at full anger (faster loses espeak intelligibility)
_VOLUME_GAIN = 0.2
_PITCH_GAIN = 12  # espeak pitch steps (0-99) at full anger


class BaseVoice(Protocol):
    """A persona's voice settings (`trainer.personas.Voice`)."""

    @property
    def voice(self) -> str: ...
    @property
    def rate(self) -> int: ...
    @property
    def pitch(self) -> int: ...
    @property
    def volume(self) -> float: ...
    @property
    def engine(self) -> str: ...


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def style_for(base: BaseVoice, anger: float) -> VoiceStyle:
    """The persona's voice moved by anger (0-10): above `NEUTRAL_ANGER` faster, louder and higher,
    below it slower and softer. Monotonic in anger and deterministic."""
    level = (_clamp(anger, 0, 10) - NEUTRAL_ANGER) / (10 - NEUTRAL_ANGER)  # -0.43 .. 1
    return VoiceStyle(
        voice=base.voice,
        rate=round(_clamp(base.rate * (1 + _RATE_GAIN * level), 80, 320)),
        pitch=round(_clamp(base.pitch + _PITCH_GAIN * level, 0, 99)),
        volume=round(_clamp(base.volume * (1 + _VOLUME_GAIN * level), 0.1, 1.0), 3),
        engine=base.engine,
    )
