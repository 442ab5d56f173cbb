"""Voice package unit tests: audio measures, WAV checks, mood-driven style, the streaming speaker
with fakes, the WAV-file listener with a fake transcriber, the no-microphone fallback."""

from __future__ import annotations

import itertools
import struct
import sys
import threading
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from trainer.config import Settings
from trainer.personas import Voice
from trainer.transcript import Turn
from trainer.voice import factory, listen, measures
from trainer.voice.base import EndOfInput, VoiceStyle
from trainer.voice.playback import EventBargeIn, SilentPlayer
from trainer.voice.recording import call_measures, write_call_wav
from trainer.voice.stt import Transcription, Word
from trainer.voice.style import style_for
from trainer.voice.text import KeyboardListener, TextSpeaker
from trainer.voice.tts import StreamingSpeaker, SynthesisError, split_sentences
from trainer.voice.wav import (
    WavError,
    check_wav,
    concat_wavs,
    read_speech,
    read_wav,
    resample,
    write_wav,
)

RATE = 16000


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "home"))


def tone(seconds: float, amplitude: float, rate: int = RATE, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def silence(seconds: float, rate: int = RATE) -> np.ndarray:
    return np.zeros(int(seconds * rate), np.float32)


# --- measures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amplitude", "expected"), [(1.0, -3.01), (0.5, -9.03), (0.1, -23.01)])
def test_loudness_of_a_sine_is_its_rms_in_dbfs(amplitude: float, expected: float) -> None:
    assert measures.loudness_dbfs(tone(1.0, amplitude)) == pytest.approx(expected, abs=0.05)


def test_loudness_of_silence_is_the_floor() -> None:
    assert measures.loudness_dbfs(silence(1.0)) == measures.SILENCE_DBFS
    assert measures.loudness_dbfs(np.zeros(0, np.float32)) == measures.SILENCE_DBFS


def test_speech_span_finds_the_sound_between_silences() -> None:
    audio = np.concatenate([silence(0.5), tone(1.2, 0.3), silence(0.8)])
    start, end = measures.speech_span(audio, RATE) or (None, None)
    assert start == pytest.approx(0.5, abs=0.03)
    assert end == pytest.approx(1.7, abs=0.03)
    assert measures.speech_span(silence(1.0), RATE) is None


def test_words_per_minute_from_word_timestamps() -> None:
    words = [Word(f"w{i}", i * 0.5, i * 0.5 + 0.4) for i in range(10)]  # 10 words in 4.9 s
    assert measures.words_per_minute(words) == pytest.approx(10 * 60 / 4.9)
    assert measures.words_per_minute([]) is None


def test_measure_turn_uses_the_speech_for_loudness() -> None:
    audio = np.concatenate([silence(1.0), tone(2.0, 0.5), silence(1.0)])
    m = measures.measure_turn(audio, RATE, [])
    assert m.duration == pytest.approx(4.0)
    assert m.speech_seconds == pytest.approx(2.0, abs=0.05)
    assert m.loudness_dbfs == pytest.approx(-9.03, abs=0.2)
    assert m.words_per_minute is None


def test_relative_loudness_gap_overlap_and_talk_ratio() -> None:
    assert measures.relative_to_median([-20.0, -26.0, -14.0]) == [0.0, -6.0, 6.0]
    assert measures.response_gap(10.0, 10.4) == pytest.approx(0.4)
    assert measures.overlapped(10.0, 9.5) and not measures.overlapped(10.0, 10.5)
    assert measures.response_gap(None, 3.0) is None
    assert measures.talk_time_ratio(30, 90) == pytest.approx(0.25)
    assert measures.talk_time_ratio(0, 0) is None


# --- WAV checks ----------------------------------------------------------------------------------


def _float_wav(path: Path) -> Path:
    data = np.zeros(100, np.float32).tobytes()
    fmt = struct.pack("<IHHIIHH", 16, 3, 1, RATE, RATE * 4, 4, 32)
    path.write_bytes(b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + fmt
                     + b"data" + struct.pack("<I", len(data)) + data)
    return path


def _no_frames_wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
    return path


@pytest.mark.parametrize(("make", "reason"), [
    (_float_wav, "not PCM"),
    (_no_frames_wav, "empty"),
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"this is not audio at all" * 20), "not a WAV file"),
    (lambda p: None, "no such file"),
])
def test_bad_wavs_are_named_with_a_reason(tmp_path: Path, make: Callable[[Path], object],
                                          reason: str) -> None:
    path = tmp_path / "bad.wav"
    make(path)
    with pytest.raises(WavError) as caught:
        check_wav(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert reason in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_read_wav_handles_pcm_widths_and_stereo(tmp_path: Path, width: int) -> None:
    audio = tone(0.5, 0.5)
    stereo = np.stack([audio, audio], axis=1).ravel()
    ints = np.round(stereo * (2 ** (8 * width - 1) - 1)).astype(np.int64)
    if width == 1:
        data = (ints + 128).astype(np.uint8).tobytes()
    else:
        data = b"".join(int(v).to_bytes(width, "little", signed=True) for v in ints)
    path = tmp_path / f"w{width}.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(width)
        w.setframerate(RATE)
        w.writeframes(data)
    back, rate = read_wav(path)
    assert rate == RATE
    assert np.allclose(back, audio, atol=0.01)


def test_resample_and_read_speech_give_16k_mono(tmp_path: Path) -> None:
    assert resample(tone(1.0, 0.5, 22050), 22050, RATE).size == RATE
    path = write_wav(tmp_path / "a.wav", tone(2.0, 0.5, 24000), 24000)
    speech = read_speech(path)
    assert speech.dtype == np.float32 and speech.size == 2 * RATE


def test_concat_wavs_places_parts_at_offsets_across_rates(tmp_path: Path) -> None:
    a = write_wav(tmp_path / "a.wav", tone(1.0, 0.5, 22050), 22050)
    b = write_wav(tmp_path / "b.wav", tone(0.5, 0.5, RATE), RATE)
    out = concat_wavs([(a, 0.0), (b, 2.0), (a, None)], tmp_path / "call.wav")
    audio, rate = read_wav(out)
    assert rate == RATE and audio.size == pytest.approx(3.5 * RATE, abs=2)
    assert measures.loudness_dbfs(audio[int(1.1 * RATE): int(1.9 * RATE)]) == \
        measures.SILENCE_DBFS


# --- style ---------------------------------------------------------------------------------------


def test_style_rises_with_anger_and_is_deterministic() -> None:
    styles = [style_for(Voice(), anger) for anger in np.linspace(0, 10, 21)]
    for calmer, angrier in itertools.pairwise(styles):
        assert angrier.rate >= calmer.rate
        assert angrier.volume >= calmer.volume
        assert angrier.pitch >= calmer.pitch
    assert styles[0].rate < Voice().rate < styles[-1].rate
    assert styles[0].pitch < styles[-1].pitch and styles[0].volume < styles[-1].volume
    assert style_for(Voice(), 7.3) == style_for(Voice(), 7.3)


def test_style_keeps_the_persona_voice_and_limits() -> None:
    base = Voice(voice="gmw/en-us-nyc", rate=300, pitch=95, volume=1.0, engine="espeak")
    style = style_for(base, 10)
    assert (style.voice, style.engine) == ("gmw/en-us-nyc", "espeak")
    assert style.rate <= 320 and style.pitch <= 99 and style.volume <= 1.0


# --- the streaming speaker, with fake rendering --------------------------------------------------


class ToneSpeaker(StreamingSpeaker):
    """Renders each sentence as a short tone; sentences containing "FAIL" cannot be rendered."""

    def __init__(self, **kwargs: object) -> None:
        self.shown: list[str] = []
        self.attempts = 0
        super().__init__(self.shown.append, player=kwargs.pop("player", SilentPlayer()),
                         **kwargs)  # type: ignore[arg-type]

    def _render(self, text: str, style: VoiceStyle, path: Path) -> None:
        self.attempts += 1
        if "FAIL" in text:
            raise SynthesisError("cannot")
        write_wav(path, tone(0.2, 0.3, 22050), 22050)


def slow(sentences: list[str], delay: float, log: list[float]) -> Iterator[str]:
    for s in sentences:
        time.sleep(delay)
        log.append(time.monotonic())
        yield s


def test_first_sentence_is_ready_before_the_rest_is_generated(tmp_path: Path) -> None:
    speaker, yielded = ToneSpeaker(), []
    spoken = speaker.say(slow(["One.", "Two.", "Three."], 0.2, yielded), VoiceStyle(),
                         tmp_path / "line.wav")
    speaker.close()
    assert spoken.first_audio_at is not None and spoken.first_audio_at < yielded[1]
    assert spoken.text == "One. Two. Three."
    assert spoken.audio and check_wav(spoken.audio).seconds == pytest.approx(0.6, abs=0.01)
    assert "".join(speaker.shown) == "Caller: One. Two. Three.\n"


def test_a_failed_sentence_is_retried_then_shown_as_text(tmp_path: Path) -> None:
    speaker = ToneSpeaker()
    spoken = speaker.say(["Hello.", "FAIL here.", "Bye."], VoiceStyle(), tmp_path / "l.wav")
    speaker.close()
    assert spoken.text == "Hello. FAIL here. Bye."
    assert speaker.failures == 1 and speaker.attempts == 4  # two tries for the failing one
    assert spoken.audio and check_wav(spoken.audio).seconds == pytest.approx(0.4, abs=0.01)


def test_barge_in_stops_playback_and_the_rest_of_the_line(tmp_path: Path) -> None:
    barge = EventBargeIn()

    class StopsPlayer:
        def play(self, path: Path, stop: Callable[[], bool]) -> bool:
            barge.event.set()  # the trainee talks over the first sentence
            return not stop()

    speaker = ToneSpeaker(player=StopsPlayer(), barge_in=barge)
    spoken = speaker.say(slow(["One.", "Two.", "Three."], 0.1, []), VoiceStyle(), None)
    speaker.close()
    assert spoken.interrupted and spoken.text == "One."


def test_split_sentences() -> None:
    assert split_sentences("I waited. Nobody came! Why? ok") == ["I waited.", "Nobody came!",
                                                                  "Why?", "ok"]


# --- listeners -----------------------------------------------------------------------------------


class FakeTranscriber:
    def __init__(self) -> None:
        self.seen: list[np.ndarray] = []

    def transcribe(self, audio: np.ndarray) -> Transcription:
        self.seen.append(audio)
        if measures.loudness_dbfs(audio) < -50:
            return Transcription("")
        return Transcription("hello there", [Word("hello", 0.5, 0.9), Word("there", 1.0, 1.5)])


def test_wav_file_listener_hears_each_file_then_ends(tmp_path: Path) -> None:
    script = tmp_path / "script"
    write_wav(script / "01.wav", np.concatenate([silence(0.5, 22050), tone(1.0, 0.3, 22050)]),
              22050)
    write_wav(script / "02.wav", silence(1.0), RATE)
    fake = FakeTranscriber()
    heard_list = listen.WavFileListener.from_folder(script, fake, echo=None)
    before = time.monotonic()
    first = heard_list.listen(tmp_path / "t1.wav")
    assert first.text == "hello there" and first.audio == tmp_path / "t1.wav"
    assert first.started is not None and first.started - before == pytest.approx(0.5, abs=0.1)
    assert first.measures["words_per_minute"] == pytest.approx(120)
    assert check_wav(tmp_path / "t1.wav").seconds == pytest.approx(1.5, abs=0.01)
    assert fake.seen[0].size == pytest.approx(1.5 * RATE, abs=2)  # 16 kHz into the transcriber
    assert heard_list.listen(None).text == ""
    with pytest.raises(EndOfInput):
        heard_list.listen(None)


def test_a_bad_wav_in_an_audio_script_fails_up_front(tmp_path: Path) -> None:
    (tmp_path / "01.wav").write_bytes(b"junk")
    with pytest.raises(WavError, match=r"01\.wav: "):
        listen.wav_files(tmp_path)
    with pytest.raises(WavError, match="not a folder"):
        listen.wav_files(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(WavError, match=r"no \.wav files"):
        listen.wav_files(tmp_path / "empty")


def test_no_microphone_gives_one_line_and_no_alsa_noise(capfd: pytest.CaptureFixture[str]) -> None:
    notes: list[str] = []
    assert listen.open_microphone_or_none(notify=notes.append) is None
    assert len(notes) == 1 and "text mode" in notes[0]
    captured = capfd.readouterr()
    assert "ALSA" not in captured.err and "ALSA" not in captured.out


def test_no_pyaudio_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyaudio", None)
    notes: list[str] = []
    assert listen.open_microphone_or_none(notify=notes.append) is None
    assert "PyAudio" in notes[0]


def test_microphone_mode_falls_back_to_the_keyboard() -> None:
    notes: list[str] = []
    listener = factory.build_listener("microphone", Settings(), notify=notes.append)
    assert isinstance(listener, KeyboardListener) and len(notes) == 1


def test_factory_text_speaker_and_bad_mode() -> None:
    assert isinstance(factory.build_speaker(Settings(tts_engine="none")), TextSpeaker)
    with pytest.raises(ValueError, match="unknown listener mode"):
        factory.build_listener("telepathy", Settings())


# --- recording -----------------------------------------------------------------------------------


def test_call_measures_and_whole_call_wav(tmp_path: Path) -> None:
    audio = tmp_path / "audio"
    write_wav(audio / "000-caller.wav", tone(3.0, 0.3, 22050), 22050)
    write_wav(audio / "001-trainee.wav", np.concatenate([silence(0.4), tone(1.0, 0.1)]), RATE)
    write_wav(audio / "002-caller.wav", tone(2.0, 0.3, 22050), 22050)
    write_wav(audio / "003-trainee.wav", np.concatenate([silence(0.4), tone(1.0, 0.4)]), RATE)
    trainee = {"speech_offset": 0.4, "speech_seconds": 1.0}
    turns = [
        Turn(0, "caller", "Where is my order?", 0.0, 0.1, audio="audio/000-caller.wav"),
        Turn(1, "trainee", "Let me check.", 0.6, 1.6, audio="audio/001-trainee.wav",
             measures={**trainee, "loudness_dbfs": -23.0}),
        Turn(2, "caller", "Hurry up.", 2.0, 2.1, audio="audio/002-caller.wav"),
        Turn(3, "trainee", "Found it.", 1.9, 2.9, audio="audio/003-trainee.wav",
             measures={**trainee, "loudness_dbfs": -11.0}),
    ]
    result = call_measures(turns, tmp_path)
    assert result.talk_time_ratio == pytest.approx(2.0 / 7.0)
    assert result.turns[1]["response_gap"] == pytest.approx(0.5)
    assert result.turns[3]["overlap"] is True
    assert result.turns[3]["loudness_vs_median_db"] == pytest.approx(6.0)
    out = write_call_wav(turns, tmp_path)
    assert out == tmp_path / "audio" / "call.wav"
    assert check_wav(out).seconds == pytest.approx(3.0 + 1.4 + 2.0 + 1.4, abs=0.01)


def test_speaker_threads_end_on_close() -> None:
    speaker = ToneSpeaker()
    speaker.say(["Hi."], VoiceStyle(), None)
    speaker.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("tts")]


def test_realtime_wav_listener_waits_out_the_file(tmp_path: Path) -> None:
    write_wav(tmp_path / "01.wav", np.concatenate([silence(0.3), tone(1.7, 0.3)]), RATE)
    listener = listen.WavFileListener.from_folder(tmp_path, FakeTranscriber(), realtime=True)
    before = time.monotonic()
    heard = listener.listen(None)
    assert time.monotonic() - before >= 2.0
    assert heard.ended is not None and heard.ended <= time.monotonic()
