"""Speech out and speech in: speakers (TTS), listeners (microphone, WAV files, keyboard)."""

from trainer.voice.base import EndOfInput, Heard, Listener, Speaker, Spoken, VoiceStyle
from trainer.voice.text import KeyboardListener, ScriptListener, TextSpeaker

__all__ = [
    "EndOfInput",
    "Heard",
    "KeyboardListener",
    "Listener",
    "ScriptListener",
    "Speaker",
    "Spoken",
    "TextSpeaker",
    "VoiceStyle",
]
