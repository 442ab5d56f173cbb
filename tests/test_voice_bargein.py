"""The microphone path and barge-in, on a pushed microphone read in real time (no sound card
here): calibration, endpointing, the monitor that fires when the trainee talks over the caller,
and the hand-over of that speech to the listener so no word is lost."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from trainer.voice.bargein import MicrophoneMonitor
from trainer.voice.listen import MicrophoneListener
from trainer.voice.measures import speech_span
from trainer.voice.playback import ClockPlayer, EventBargeIn
from trainer.voice.pushed import PushedMicrophone
from trainer.voice.stt import Transcription, Word
from trainer.voice.wav import write_wav

RATE = 16000


def tone(seconds: float, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


class SpanTranscriber:
    """'speech', timed from where the audio is loud (a stand-in for Whisper's word times)."""

    def transcribe(self, audio: np.ndarray) -> Transcription:
        span = speech_span(audio, RATE)
        if span is None:
            return Transcription("")
        return Transcription("speech", [Word("speech", span[0], span[1])])


def wait_for(check: object, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_monitor_fires_on_sustained_speech_not_on_a_click() -> None:
    mic = PushedMicrophone()
    monitor = MicrophoneMonitor(mic.__enter__(), lambda: 300.0, onset=0.2, preroll=0.3)
    monitor.start()
    mic.push(tone(0.05), time.monotonic() + 0.1)
    assert not wait_for(monitor.signal.triggered, 0.8)
    at = time.monotonic() + 0.1
    mic.push(tone(1.0), at)
    assert wait_for(monitor.signal.triggered)
    assert monitor.onset_at == pytest.approx(at, abs=0.1)
    chunks = monitor.stop()
    audio = np.frombuffer(b"".join(chunks), "<i2").astype(np.float32) / 32768
    span = speech_span(audio, RATE)
    assert span is not None and 0.2 <= span[0] <= 0.45  # the pre-roll kept before the onset
    assert not monitor.running and monitor.stop() == []


def test_monitor_without_a_barge_in_hands_over_nothing() -> None:
    mic = PushedMicrophone()
    monitor = MicrophoneMonitor(mic.__enter__(), lambda: 300.0)
    monitor.start()
    time.sleep(0.4)
    assert monitor.stop() == [] and not monitor.signal.triggered()


def test_microphone_listener_calibrates_and_endpoints(tmp_path: Path) -> None:
    mic = PushedMicrophone()
    listener = MicrophoneListener(mic, SpanTranscriber(), pause_threshold=0.5, echo=None)
    listener.open()
    assert listener.recognizer.dynamic_energy_threshold is False
    at = time.monotonic() + 0.3
    mic.push(tone(1.0), at)
    heard = listener.listen(tmp_path / "t.wav")
    listener.close()
    assert heard.text == "speech" and (tmp_path / "t.wav").exists()
    assert heard.started == pytest.approx(at, abs=0.15)
    assert heard.ended == pytest.approx(at + 1.0, abs=0.15)
    assert "barged_in" not in heard.measures and listener.barge_signal is None


def test_barge_in_hands_the_interrupting_speech_to_the_listener(tmp_path: Path) -> None:
    mic = PushedMicrophone()
    listener = MicrophoneListener(mic, SpanTranscriber(), pause_threshold=0.5, echo=None,
                                  barge_in=True)
    listener.open()  # the caller's line starts: the monitor watches
    assert listener.barge_signal is not None
    at = time.monotonic() + 0.3
    mic.push(tone(1.2), at)  # the trainee talks over the caller
    assert wait_for(listener.barge_signal.triggered)
    time.sleep(0.2)  # the speaker notices and stops; the call loop asks for the trainee's turn
    heard = listener.listen(tmp_path / "t.wav")
    assert heard.measures["barged_in"] is True
    assert heard.started == pytest.approx(at, abs=0.15)  # from the first sound, nothing lost
    assert heard.ended == pytest.approx(at + 1.2, abs=0.15)
    assert not listener.barge_signal.triggered()  # watching again for the next caller line
    listener.close()


def test_push_to_talk_has_no_barge_in() -> None:
    listener = MicrophoneListener(PushedMicrophone(), SpanTranscriber(), push_to_talk=True,
                                  barge_in=True, echo=None)
    assert listener.barge_signal is None


def test_terminal_push_to_talk_enter_starts_and_stops_the_turn(
        monkeypatch: pytest.MonkeyPatch) -> None:
    mic = PushedMicrophone(noise_dbfs=-70.0)
    answers = iter(["", "", "/end"])

    def enter(_prompt: str) -> str:
        answer = next(answers)
        if answer == "" and not getattr(enter, "talking", False):
            enter.talking = True  # type: ignore[attr-defined]
            mic.push(tone(0.6), at=time.monotonic() + 0.1)  # said while "talking"
        elif answer == "":
            time.sleep(1.0)  # Enter again a second later: the turn ends there
        return answer

    monkeypatch.setattr("builtins.input", enter)
    listener = MicrophoneListener(mic, SpanTranscriber(), push_to_talk=True, echo=None,
                                  calibrate_seconds=0.1)
    heard = listener.listen(None)
    assert heard.text == "speech" and heard.measures["push_to_talk"] is True
    assert listener.listen(None).ended_call  # /end hangs up
    listener.close()


def test_clock_player_takes_the_wav_length_and_stops_on_request(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", tone(0.6), RATE)
    player = ClockPlayer()
    started = time.monotonic()
    assert player.play(path, lambda: False)
    assert time.monotonic() - started == pytest.approx(0.6, abs=0.1)
    barge = EventBargeIn()
    started = time.monotonic()
    timer = __import__("threading").Timer(0.2, barge.event.set)
    timer.start()
    assert not player.play(path, barge.triggered)
    assert time.monotonic() - started == pytest.approx(0.2, abs=0.1)


def test_no_speech_for_the_timeout_is_a_silent_turn() -> None:
    listener = MicrophoneListener(PushedMicrophone(), SpanTranscriber(), echo=None,
                                  silence_timeout=0.8)
    started = time.monotonic()
    heard = listener.listen(None)
    listener.close()
    assert heard.text == "" and heard.measures["silent_for_s"] == 0.8
    assert time.monotonic() - started < 3.0
