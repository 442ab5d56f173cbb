"""Voice commands: ``transcribe``, ``say`` and ``devices``, added to the main app by `register`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

__all__ = ["register"]

Engine = Literal["pyttsx3", "espeak", "hibari"]
SttEngine = Literal["whisper", "sphinx", "openai"]


def _error(message: str) -> None:
    print(message, file=sys.stderr)


def transcribe(
    files: Annotated[list[Path], typer.Argument(help="WAV files (PCM) to transcribe.")],
    engine: Annotated[SttEngine | None, typer.Option(help="Speech-to-text engine.")] = None,
) -> None:
    """Print the transcription of each WAV file (``file: text`` when there are several)."""
    from trainer.config import load_settings
    from trainer.voice.factory import build_transcriber
    from trainer.voice.wav import WavError, read_speech

    audio, failed = {}, False
    for path in files:
        try:
            audio[path] = read_speech(path)
        except WavError as exc:
            _error(str(exc))
            failed = True
    if audio:
        transcriber = build_transcriber(load_settings(stt_engine=engine).settings)
        for path, samples in audio.items():
            text = transcriber.transcribe(samples).text
            print(f"{path}: {text}" if len(files) > 1 else text)
    if failed:
        raise typer.Exit(1)


def say(
    text: Annotated[str, typer.Argument(help="The line to say.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="WAV file to write.")] = Path("say.wav"),
    mood: Annotated[float, typer.Option(min=0, max=10, help="Caller anger, 0 calm - 10 furious.")
                    ] = 3.0,
    persona: Annotated[str | None, typer.Option(help="Persona id or YAML: its base voice.")] = None,
    engine: Annotated[Engine | None, typer.Option(help="Voice engine (default: settings).")
                      ] = None,
) -> None:
    """Render a line in a persona's voice at a given mood (and play it if there is a sound card)."""
    from trainer.config import load_settings
    from trainer.personas import Voice, find_persona
    from trainer.voice.factory import build_speaker, close
    from trainer.voice.style import style_for
    from trainer.voice.tts import split_sentences

    settings = load_settings().settings
    base = find_persona(persona, settings.persona_dirs()).voice if persona else Voice()
    speaker = build_speaker(settings, notify=_error, engine=engine or base.engine)
    try:
        style = style_for(base, mood)
        spoken = speaker.say(split_sentences(text), style, out)
    finally:
        close(speaker)
    if spoken.audio is None:
        _error(f"{out}: no audio rendered (tts_engine is 'none' or synthesis failed)")
        raise typer.Exit(1)
    print(f"wrote {out} (rate {style.rate} wpm, pitch {style.pitch}, volume {style.volume})")


def devices() -> None:
    """List sound input and output devices."""
    from trainer.voice.devices import list_devices

    found = list_devices()
    if not found:
        print("no sound devices found: calls run in text mode, WAV files still work")
    for d in found:
        print(f"{d.kind:6} {d.index:>6}  {d.name}{'  (default)' if d.default else ''}")


def register(app: typer.Typer) -> None:
    """Add the voice commands to the main CLI."""
    app.command()(transcribe)
    app.command()(say)
    app.command()(devices)
