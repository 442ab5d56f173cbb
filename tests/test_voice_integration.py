"""Voice integration: real speech synthesis (pyttsx3/espeak-ng, hibari) through the real
listener path and the real Whisper tiny.en, and the voice commands on a CLI app."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from trainer.personas import Voice
from trainer.voice import commands
from trainer.voice.listen import MicrophoneListener, WavFileListener
from trainer.voice.playback import ClockPlayer
from trainer.voice.pushed import PushedMicrophone
from trainer.voice.stt import WhisperTranscriber
from trainer.voice.style import style_for
from trainer.voice.tts import EspeakSpeaker, HibariSpeaker, Pyttsx3Speaker, StreamingSpeaker
from trainer.voice.wav import check_wav, read_speech, write_wav

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


CALLER_LINE = ["I have been waiting three weeks for my refund and nobody has called me back.",
               "This is absolutely ridiculous and I want it sorted out today.",
               "I am not hanging up until somebody fixes it."]


def trainee_clip(text: str, path: Path) -> np.ndarray:
    """The trainee's words in espeak's voice, as microphone samples."""
    said = EspeakSpeaker(write=lambda s: None).say([text], style_for(Voice(), 3), path)
    assert said.audio is not None
    return read_speech(said.audio)


def barge_in_microphone(whisper: WhisperTranscriber) -> tuple[PushedMicrophone,
                                                                  MicrophoneListener]:
    mic = PushedMicrophone()
    listener = MicrophoneListener(mic, whisper, 0.6, echo=None, barge_in=True)
    listener.open()
    return mic, listener


def test_barge_in_stops_the_real_caller_voice_and_keeps_the_trainees_words(
        tmp_path: Path, whisper: WhisperTranscriber) -> None:
    clip = trainee_clip("Sorry to interrupt, I can fix your refund right now.",
                        tmp_path / "trainee-source.wav")
    mic, listener = barge_in_microphone(whisper)
    player = ClockPlayer()
    speaker = Pyttsx3Speaker(write=lambda s: None, player=player, barge_in=listener.barge_signal)
    started = time.monotonic()
    mic.push(clip, started + 1.5)
    spoken = speaker.say(CALLER_LINE, style_for(Voice(), 8), tmp_path / "caller.wav")
    stopped = time.monotonic()
    heard = listener.listen(tmp_path / "trainee.wav")
    listener.close()
    speaker.close()
    assert spoken.interrupted and spoken.text == CALLER_LINE[0]  # the rest was never played
    assert stopped - started < 3.0  # the first sentence alone plays for ~4 s
    assert heard.measures["barged_in"] is True
    assert heard.started is not None and heard.started < stopped  # recorded as an overlap
    got = words(heard.text)
    assert got[:2] == ["sorry", "to"] and "refund" in got, heard.text  # first words kept


class CueingPlayer(ClockPlayer):
    """Plays in real time and, as caller line n starts, has the trainee's clip n (if any)
    spoken into the microphone ``delay`` seconds later: a trainee who talks over the caller."""

    def __init__(self, mic: PushedMicrophone, clips: dict[int, np.ndarray],
                 delay: float) -> None:
        super().__init__()
        self.mic, self.clips, self.delay, self.line = mic, clips, delay, -1

    def play(self, path: Path, stop: Callable[[], bool]) -> bool:
        if path.name == "000.wav":  # the first sentence of a new caller line
            self.line += 1
            if self.line in self.clips:
                self.mic.push(self.clips[self.line], time.monotonic() + self.delay)
        return super().play(path, stop)


def test_a_talked_over_caller_is_graded_as_not_let_vent(tmp_path: Path,
                                                        whisper: WhisperTranscriber) -> None:
    """Barge-in end to end: real voice, pushed microphone, real Whisper, the call loop, the
    transcript on disk, then the grader's detector citing the turn that talked over the caller."""
    from fakes import ScriptedChat

    from trainer.caller import Caller
    from trainer.director import Director
    from trainer.grading.detectors import detect
    from trainer.personas import find_persona
    from trainer.session import Call, run_call
    from trainer.store import SessionWriter, load_session

    clip = trainee_clip("Okay okay, I can send you a replacement today.",
                        tmp_path / "trainee.wav")
    mic, listener = barge_in_microphone(whisper)
    speaker = Pyttsx3Speaker(write=lambda s: None, barge_in=listener.barge_signal,
                             player=CueingPlayer(mic, {0: clip}, 1.5))
    persona = find_persona("irate-dana", [Path(__file__).resolve().parent.parent / "personas"])
    writer = SessionWriter(tmp_path / "sessions", persona.id, {"caller_name": persona.name})
    call = Call(persona, Caller(persona, ScriptedChat(replies=["Excuse me, I wasn't finished!"])),
                Director(persona, seed=0), speaker, listener, writer, max_turns=1)
    result = run_call(call)
    listener.close()
    speaker.close()
    assert result.ended_by == "turn_limit", result.error
    turns = load_session(result.session_dir).turns
    assert [t.speaker for t in turns] == ["caller", "trainee", "caller"]
    assert turns[0].interrupted and len(turns[0].text) < len(persona.opening)
    assert "replacement" in turns[1].text.lower() and "interrupt" in turns[1].triggers
    assert turns[1].start < turns[0].end and (turns[1].measures or {})["barged_in"]
    let_vent = detect(load_session(result.session_dir))["let_vent"]
    assert let_vent.verdict == "fail" and let_vent.evidence[0].turn == 1


def test_two_pyttsx3_speakers_at_once_both_finish(tmp_path: Path) -> None:
    """Two calls in one web app each speak through pyttsx3: espeak-ng is one engine per process
    (pyttsx3.init hands both speakers the same one), so rendering must take turns, not hang."""
    import threading

    done: list[int] = []

    def talk(n: int) -> None:
        speaker = Pyttsx3Speaker(write=lambda s: None)
        for i in range(6):
            spoken = speaker.say([f"Line {i} of speaker {n}. It goes on a little."],
                                 style_for(Voice(), 3.0 * n), tmp_path / f"{n}-{i}.wav")
            assert spoken.audio is not None and check_wav(spoken.audio).frames > 0
        speaker.close()
        done.append(n)

    threads = [threading.Thread(target=talk, args=(n,), daemon=True) for n in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert sorted(done) == [1, 2, 3], "a speaker hung"
