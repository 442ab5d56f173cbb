"""Text-mode speaker and listeners: the terminal and scripted lines."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from trainer.validation import read_text
from trainer.voice.base import EndOfInput, Heard, Spoken, VoiceStyle

__all__ = ["KeyboardListener", "ScriptListener", "TextSpeaker"]

END_COMMANDS = {"/end", "/quit", "/hangup", "/bye"}


def _heard(line: str, started: float) -> Heard:
    text = line.strip()
    if text.lower() in END_COMMANDS:
        return Heard(text="", started=started, ended=time.monotonic(), ended_call=True)
    return Heard(text=text, started=started, ended=time.monotonic())


class TextSpeaker:
    """Prints the caller's sentences as they arrive."""

    def __init__(self, write: Callable[[str], None] | None = None, name: str = "Caller") -> None:
        self.write = write or (lambda s: print(s, end="", flush=True))
        self.name = name

    def say(self, sentences: Iterable[str], style: VoiceStyle, save_as: Path | None) -> Spoken:
        said: list[str] = []
        first: float | None = None
        self.write(f"{self.name}: ")
        for sentence in sentences:
            first = first or time.monotonic()
            self.write(("" if not said else " ") + sentence)
            said.append(sentence)
        self.write("\n")
        return Spoken(text=" ".join(said), first_audio_at=first)


class KeyboardListener:
    """Reads the trainee's reply from the terminal; ``/end`` ends the call, EOF too."""

    def __init__(self, prompt: str = "You: ") -> None:
        self.prompt = prompt

    def listen(self, save_as: Path | None) -> Heard:
        started = time.monotonic()
        try:
            line = input(self.prompt)
        except EOFError:
            raise EndOfInput from None
        return _heard(line, started)


class ScriptListener:
    """Takes the trainee's lines from a list (``--script FILE``: one line per turn)."""

    def __init__(self, lines: Iterable[str], echo: Callable[[str], None] | None = None) -> None:
        self.lines = list(lines)
        self.echo = echo

    @classmethod
    def from_file(cls, path: Path, echo: Callable[[str], None] | None = None) -> ScriptListener:
        text = read_text(path, ValueError, "cannot read script")
        return cls(text.splitlines(), echo)

    def listen(self, save_as: Path | None) -> Heard:
        if not self.lines:
            raise EndOfInput
        line = self.lines.pop(0)
        if self.echo:
            self.echo(f"You: {line}")
        return _heard(line, time.monotonic())
