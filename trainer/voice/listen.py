"""Listeners that hear the trainee as audio: the microphone and WAV files share one path from
captured audio (`sr.AudioData`) to a `Heard`: transcribe, measure, save the turn's WAV."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from trainer.voice.bargein import MicrophoneMonitor, replay_then_live
from trainer.voice.base import EndOfInput, Heard
from trainer.voice.devices import quiet_alsa
from trainer.voice.early import EarlyTranscriber
from trainer.voice.measures import measure_turn, speech_span
from trainer.voice.playback import EventBargeIn
from trainer.voice.stt import Transcriber
from trainer.voice.text import END_COMMANDS
from trainer.voice.turn import (
    WINDOW,
    WINDOW_S,
    EndOfTurn,
    TurnDetector,
    TurnParams,
    TurnScorer,
    words_need_more,
)
from trainer.voice.wav import SPEECH_RATE, WavError, check_wav

__all__ = [
    "MicrophoneListener",
    "TurnDetection",
    "WavFileListener",
    "hear",
    "open_microphone_or_none",
    "wav_files",
]

Echo = Callable[[str], None]


def _samples(audio: Any) -> np.ndarray:
    raw = audio.get_raw_data(convert_rate=SPEECH_RATE, convert_width=2)
    return np.frombuffer(raw, "<i2").astype(np.float32) / 32768


def hear(audio: Any, capture_start: float, transcriber: Transcriber,
         save_as: Path | None) -> Heard:
    """The shared path: captured audio (``sr.AudioData`` whose first sample was captured at
    monotonic time ``capture_start``) → text, timing of the speech within it, measures, WAV."""
    samples = _samples(audio)
    result = transcriber.transcribe(samples)
    found = ((result.words[0].start, result.words[-1].end) if result.words
             else speech_span(samples, SPEECH_RATE) if result.text else None)
    span = (float(found[0]), float(found[1])) if found else None  # numpy scalars break JSON
    measures = {**measure_turn(samples, SPEECH_RATE, result.words).to_dict(),
                "transcribe_s": round(result.seconds, 3)}
    if span:
        measures["speech_offset"] = round(span[0], 3)  # where the speech starts in the WAV
    if save_as is not None:
        save_as.parent.mkdir(parents=True, exist_ok=True)
        save_as.write_bytes(audio.get_wav_data())
    return Heard(text=result.text, audio=save_as,
                 started=capture_start + span[0] if span else None,
                 ended=capture_start + span[1] if span else None, measures=measures)


def _seconds(audio: Any) -> float:
    return len(audio.frame_data) / (audio.sample_rate * audio.sample_width)


def _recognizer(pause_threshold: float) -> Any:
    import speech_recognition as sr

    recognizer = sr.Recognizer()
    recognizer.pause_threshold = pause_threshold
    recognizer.non_speaking_duration = min(recognizer.non_speaking_duration, pause_threshold)
    return recognizer


def wav_files(folder: Path) -> list[Path]:
    """The WAV files of an audio script in name order, each checked; raises `WavError`."""
    if not folder.is_dir():
        raise WavError(f"{folder}: not a folder of WAV files")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".wav")
    if not files:
        raise WavError(f"{folder}: no .wav files")
    for path in files:
        check_wav(path)
    return files


class WavFileListener:
    """The trainee's turns from WAV files, one per turn in order, each read through
    ``sr.AudioFile`` + ``Recognizer.record`` like microphone audio; `EndOfInput` after the last.

    Each file plays as if the trainee started talking when `listen` was called. With
    ``realtime`` the listener waits out the file's length before transcribing, as a microphone
    would, so the call clock stays true (voice-to-voice latency, turn order); without it, calls
    run faster but a turn's ``ended`` can lie ahead of the clock."""

    def __init__(self, files: Iterable[Path], transcriber: Transcriber,
                 echo: Echo | None = None, realtime: bool = False) -> None:
        self.files = list(files)
        for path in self.files:
            check_wav(path)
        self.transcriber = transcriber
        self.echo = echo
        self.realtime = realtime
        self.recognizer = _recognizer(0.8)

    @classmethod
    def from_folder(cls, folder: Path, transcriber: Transcriber, echo: Echo | None = None,
                    realtime: bool = False) -> WavFileListener:
        return cls(wav_files(folder), transcriber, echo, realtime)

    def listen(self, save_as: Path | None) -> Heard:
        import speech_recognition as sr

        if not self.files:
            raise EndOfInput
        path = self.files.pop(0)
        started = time.monotonic()
        with sr.AudioFile(str(path)) as source:
            audio = self.recognizer.record(source)
        if self.realtime:
            time.sleep(max(0.0, started + _seconds(audio) - time.monotonic()))
        heard = hear(audio, started, self.transcriber, save_as)
        if self.echo:
            self.echo(f"You ({path.name}): {heard.text or '(silence)'}")
        return heard


def _probe_device(pyaudio: Any, device_index: int | None) -> str | None:
    pa = pyaudio.PyAudio()
    try:
        info = (pa.get_default_input_device_info() if device_index is None
                else pa.get_device_info_by_index(device_index))
        if int(info.get("maxInputChannels", 0)) < 1:
            return "that device has no input channels"
    except (OSError, ValueError):
        return "no microphone found"
    finally:
        pa.terminate()
    return None


def open_microphone_or_none(device_index: int | None = None,
                            notify: Echo = print) -> Any | None:
    """A working ``sr.Microphone`` (16 kHz), or None after one line saying why (no PyAudio,
    no device, device will not open). Prints no ALSA noise."""
    try:
        import pyaudio
        import speech_recognition as sr
    except ImportError:
        notify("no microphone support (PyAudio missing: pip install 'trainer[mic]', which needs "
               "portaudio19-dev); continuing in text mode")
        return None
    with quiet_alsa():
        problem = _probe_device(pyaudio, device_index)
        if problem is None:
            mic = sr.Microphone(device_index=device_index, sample_rate=SPEECH_RATE)
            with mic as source:
                if source.stream is None:
                    problem = "the microphone would not open"
    if problem:
        notify(f"{problem}; continuing in text mode")
        return None
    return mic


@dataclass(frozen=True)
class TurnDetection:
    """The end-of-turn models for `MicrophoneListener`: a VAD (with ``reset``) and the turn
    model (None: a plain VAD pause ends the turn)."""

    vad: Any
    turn_model: TurnScorer | None
    params: TurnParams = field(default_factory=TurnParams)


@dataclass(frozen=True)
class _Endpointed:
    audio: Any  # sr.AudioData
    capture_start: float
    end: EndOfTurn
    speech_end: int  # sample index in the audio where the speech ends


def _pcm(samples: np.ndarray) -> Any:
    import speech_recognition as sr

    data = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    return sr.AudioData(data, SPEECH_RATE, 2)


class _Finished:
    """The early transcriber's result for this turn, behind the `Transcriber` interface."""

    def __init__(self, early: EarlyTranscriber, speech_end: int) -> None:
        self.early, self.speech_end = early, speech_end

    def transcribe(self, audio: np.ndarray) -> Any:
        return self.early.finish(audio, self.speech_end)


class PushToTalk(Protocol):
    """Who decides when the trainee talks, in push-to-talk: ``active`` says whether this turn
    is push-to-talk (a web page can switch it per turn); `wait_press` blocks until the trainee
    starts talking (False: hang up), `wait_release` until they stop and their audio is in."""

    @property
    def active(self) -> bool: ...

    def wait_press(self) -> bool: ...

    def wait_release(self) -> None: ...


class KeyboardPushToTalk:
    """The terminal's push-to-talk: Enter starts and stops the turn; /end hangs up."""

    active = True

    def wait_press(self) -> bool:
        return _ask("[Enter] to talk, /end to hang up: ").strip().lower() not in END_COMMANDS

    def wait_release(self) -> None:
        _ask("… talking; [Enter] to stop ")


class MicrophoneListener:
    """The trainee's voice: calibrated to the room once, then each turn ends when ``turn``'s
    detector decides the trainee finished (a VAD pause checked by the turn model) — or, without
    ``turn``, after ``pause_threshold`` seconds of quiet (SpeechRecognition's energy rule), or,
    with ``push_to_talk``, when Enter stops it (or when a `PushToTalk` given instead, such as
    a web page's button, says the trainee let go). With ``turn``, what the trainee said is
    transcribed at each pause, so little is left to transcribe when they stop.
    The microphone stays open for the call: call `close` at the end.

    The microphone is an ``sr.Microphone`` or anything entered like one whose source has
    ``stream.read(CHUNK)`` returning 16-bit mono PCM at 16 kHz (`PushedMicrophone`)."""

    def __init__(self, microphone: Any, transcriber: Transcriber, pause_threshold: float = 0.6,
                 push_to_talk: bool | PushToTalk = False, echo: Echo | None = print,
                 calibrate_seconds: float = 0.5, barge_in: bool = False,
                 silence_timeout: float = 10.0, turn: TurnDetection | None = None) -> None:
        self.microphone = microphone
        self.silence_timeout = silence_timeout  # no speech for this long: the turn is silence
        self.transcriber = transcriber
        self.turn = turn
        self.early = EarlyTranscriber(transcriber) if turn is not None else None
        # Called with the words so far when, at a pause, they read as a finished turn: the
        # call loop can start on the reply before the turn is confirmed.
        self.on_words: Callable[[str], None] | None = None
        self.ptt: PushToTalk | None = (KeyboardPushToTalk() if push_to_talk is True
                                       else push_to_talk or None)
        self.push_to_talk = push_to_talk is True
        self.echo = echo
        self.calibrate_seconds = calibrate_seconds
        self.recognizer = _recognizer(pause_threshold)
        # Barge-in needs automatic endpointing: in push-to-talk the trainee decides when to talk
        # (a page that switches push-to-talk per turn keeps it for its automatic turns).
        self.barge_signal = EventBargeIn() if barge_in and not self.push_to_talk else None
        self._monitor: MicrophoneMonitor | None = None
        self._source: Any = None

    def open(self) -> Any:
        """Open and calibrate the microphone (first use does it anyway); with barge-in, start
        watching for the trainee talking over the caller's first line."""
        if self._source is None:
            with quiet_alsa():
                self._source = self.microphone.__enter__()
            if self._source.stream is None:
                raise OSError("the microphone would not open")
            self.recognizer.adjust_for_ambient_noise(self._source, self.calibrate_seconds)
            # The dynamic threshold drifts while someone talks and splits long turns.
            self.recognizer.dynamic_energy_threshold = False
            if self.barge_signal is not None:
                self._monitor = MicrophoneMonitor(self._source,
                                                  lambda: self.recognizer.energy_threshold,
                                                  signal=self.barge_signal)
                self._monitor.start()
        return self._source

    def close(self) -> None:
        """Release the microphone (and the early transcriber's thread)."""
        if self.early is not None:
            self.early.close()
        if self._monitor is not None:
            self._monitor.stop()
            self._monitor = None
        if self._source is not None:
            self.microphone.__exit__(None, None, None)
            self._source = None

    def listen(self, save_as: Path | None) -> Heard:
        source = self.open()
        barged = self._monitor.stop() if self._monitor is not None else []
        try:
            if self.ptt is not None and self.ptt.active:
                captured = self._push_to_talk(source, self.ptt)
                if captured is None:
                    return Heard(text="", ended_call=True)
                audio, capture_start = captured
            elif self.turn is not None:
                return self._detected(replay_then_live(source, barged) if barged else source,
                                      save_as, bool(barged))
            else:
                endpointed = self._endpointed(
                    replay_then_live(source, barged) if barged else source)
                if endpointed is None:
                    return self._silence()
                audio, capture_start = endpointed
            heard = hear(audio, capture_start, self.transcriber, save_as)
        finally:
            if self._monitor is not None:
                self._monitor.start()  # the caller answers next: watch for a barge-in
        if barged:
            heard.measures["barged_in"] = True
        if self.ptt is not None and self.ptt.active:
            heard.measures["push_to_talk"] = True
        if self.echo:
            self.echo(f"You: {heard.text or '(silence)'}")
        return heard

    def _detected(self, source: Any, save_as: Path | None, barged: bool) -> Heard:
        """One turn ended by the end-of-turn detector, transcribed mostly during its pauses."""
        endpointed = self._detect(source)
        if endpointed is None:
            return self._silence()
        assert self.early is not None
        heard = hear(endpointed.audio, endpointed.capture_start,
                     _Finished(self.early, endpointed.speech_end), save_as)
        end = endpointed.end
        heard.measures.update({
            "end_of_turn": end.reason,
            "end_wait_s": round((end.decided_at - (end.speech_end or 0)) * WINDOW_S, 3),
            "stt_reused": self.early.reused})
        if end.probabilities:
            heard.measures["turn_probability"] = round(end.probabilities[-1], 3)
        if barged:
            heard.measures["barged_in"] = True
        if self.echo:
            self.echo(f"You: {heard.text or '(silence)'}")
        return heard

    def _detect(self, source: Any) -> _Endpointed | None:
        """Read the source window by window until the detector ends the turn; None when no
        speech came for ``silence_timeout`` seconds."""
        assert self.turn is not None and self.early is not None
        early = self.early
        early.begin()
        if hasattr(self.turn.vad, "reset"):
            self.turn.vad.reset()
        detector = TurnDetector(
            self.turn.vad, self.turn.turn_model,
            replace(self.turn.params, silence_timeout=self.silence_timeout),
            on_pause=lambda d: early.pause(d.audio(), _speech_end_sample(d)),
            transcript=lambda _d: self._words_so_far())
        pending = np.zeros(0, np.float32)
        while True:
            chunk = source.stream.read(source.CHUNK)
            read_at = time.monotonic()
            if not chunk:
                raise EndOfInput
            pending = np.concatenate([pending, np.frombuffer(chunk, "<i2") / 32768])
            while pending.size >= WINDOW:
                end = detector.feed(pending[:WINDOW].astype(np.float32))
                pending = pending[WINDOW:]
                if end is not None:
                    if end.reason == "no_speech":
                        return None
                    samples, first = detector.turn_audio()
                    start = read_at - pending.size / SPEECH_RATE - (detector.fed - first) * WINDOW_S
                    return _Endpointed(_pcm(samples), start, end, _speech_end_sample(detector))

    def _words_so_far(self) -> str | None:
        """The pause's transcription (waited for), passed on when the turn may end here (no sign
        that it goes on: see `words_need_more`)."""
        assert self.early is not None
        text = self.early.words_so_far()
        if text and self.on_words is not None and not words_need_more(text):
            self.on_words(text)
        return text

    def _silence(self) -> Heard:
        if self.echo:
            self.echo("You: (silence)")
        return Heard(text="", measures={"silent_for_s": self.silence_timeout})

    def _endpointed(self, source: Any) -> tuple[Any, float] | None:
        """The next phrase and the monotonic time its audio starts; None after
        ``silence_timeout`` seconds without speech."""
        import speech_recognition as sr

        try:
            audio = self.recognizer.listen(source, timeout=self.silence_timeout,
                                           phrase_time_limit=120)
        except sr.WaitTimeoutError:
            return None
        returned = time.monotonic()
        # listen() keeps non_speaking_duration of the trailing pause and drops the rest.
        dropped = self.recognizer.pause_threshold - self.recognizer.non_speaking_duration
        return audio, returned - max(0.0, dropped) - _seconds(audio)

    def _push_to_talk(self, source: Any, ptt: PushToTalk) -> tuple[Any, float] | None:
        import speech_recognition as sr

        if not ptt.wait_press():
            return None
        frames: list[bytes] = []
        stop = threading.Event()
        recorder = threading.Thread(target=_record_until, args=(source, frames, stop), daemon=True)
        capture_start = time.monotonic()
        recorder.start()
        try:
            ptt.wait_release()
        finally:
            stop.set()
            recorder.join()
        audio = sr.AudioData(b"".join(frames), source.SAMPLE_RATE, source.SAMPLE_WIDTH)
        return audio, capture_start


def _speech_end_sample(detector: TurnDetector) -> int:
    return ((detector.speech_end or 0) - detector.first_kept) * WINDOW


def _ask(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        raise EndOfInput from None


def _record_until(source: Any, frames: list[bytes], stop: threading.Event) -> None:
    while not stop.is_set():
        frames.append(source.stream.read(source.CHUNK))
