"""Voice integration: real speech synthesis (pyttsx3/espeak-ng, hibari) through the real
listener path and the real Whisper tiny.en, and the voice commands on a CLI app."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from trainer.personas import Voice
from trainer.voice import commands
from trainer.voice.listen import WavFileListener
from trainer.voice.stt import WhisperTranscriber
from trainer.voice.style import style_for
from trainer.voice.tts import EspeakSpeaker, HibariSpeaker, Pyttsx3Speaker, StreamingSpeaker
from trainer.voice.wav import check_wav, write_wav

pytestmark = pytest.mark.integration

LINES = [
    "I would like to cancel my subscription today.",
    "Can you tell me when the engineer will arrive?",
]


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def whisper() -> WhisperTranscriber:
    return WhisperTranscriber()


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def render(speaker: StreamingSpeaker, folder: Path, anger: float) -> list[Path]:
    paths = []
    for i, line in enumerate(LINES):
        spoken = speaker.say([line], style_for(Voice(), anger), folder / f"{i:02d}.wav")
        assert spoken.audio is not None
        paths.append(spoken.audio)
    speaker.close()
    return paths


@pytest.mark.parametrize(("make", "anger"), [
    (lambda: Pyttsx3Speaker(write=lambda s: None), 2.0),
    (lambda: EspeakSpeaker(write=lambda s: None), 9.0),
    (lambda: HibariSpeaker(write=lambda s: None), 6.0),
])
def test_tts_to_wav_to_listener_round_trip(
        tmp_path: Path, whisper: WhisperTranscriber, make: Callable[[], StreamingSpeaker],
        anger: float) -> None:
    files = render(make(), tmp_path / "script", anger)
    listener = WavFileListener(files, whisper)
    for i, line in enumerate(LINES):
        heard = listener.listen(tmp_path / f"heard{i}.wav")
        expected, got = words(line), words(heard.text)
        missing = [w for w in expected if w not in got]
        assert len(missing) <= 1, (heard.text, line)
        assert heard.measures["words_per_minute"] > 60
        assert heard.measures["loudness_dbfs"] > -40
        assert check_wav(tmp_path / f"heard{i}.wav").frames > 0


def test_silence_and_noise_are_heard_as_silence(tmp_path: Path,
                                                whisper: WhisperTranscriber) -> None:
    rng = np.random.default_rng(0)
    quiet = write_wav(tmp_path / "01.wav", np.zeros(32000, np.float32), 16000)
    hiss = write_wav(tmp_path / "02.wav",
                     (rng.standard_normal(48000) * 0.05).astype(np.float32), 16000)
    listener = WavFileListener([quiet, hiss], whisper)
    assert listener.listen(None).text == ""
    assert listener.listen(None).text == ""


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    commands.register(app)
    return app


def test_say_then_transcribe_on_the_cli(tmp_path: Path, app: typer.Typer) -> None:
    runner = CliRunner()
    out = tmp_path / "line.wav"
    said = runner.invoke(app, ["say", "Please cancel my order today.", "--mood", "8",
                               "-o", str(out), "--engine", "espeak"])
    assert said.exit_code == 0, said.output
    assert check_wav(out).frames > 0
    heard = runner.invoke(app, ["transcribe", str(out)])
    assert heard.exit_code == 0, heard.output
    assert {"cancel", "my", "order", "today"} <= set(words(heard.output))


def test_transcribe_names_bad_files_and_fails(tmp_path: Path, app: typer.Typer) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio" * 10)
    result = CliRunner().invoke(app, ["transcribe", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: not a WAV file" in result.output


def test_devices_never_crashes(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["devices"])
    assert result.exit_code == 0 and result.output.strip()
