"""End of turn with fakes: the detector's state machine, the early transcriber, and the
microphone listener driven by them on a pushed microphone (real time, no models)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from trainer.voice.early import EarlyTranscriber
from trainer.voice.listen import MicrophoneListener, TurnDetection
from trainer.voice.measures import speech_span
from trainer.voice.pushed import PushedMicrophone
from trainer.voice.stt import Transcription, Word
from trainer.voice.turn import (
    WINDOW,
    WINDOW_S,
    TurnDetector,
    TurnParams,
    finishing_wait,
    words_finished,
    words_need_more,
)

RATE = 16000


def tone(seconds: float, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def quiet(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.float32)


def energy_vad(window: np.ndarray) -> float:
    """Stands in for Silero: loud is speech."""
    return 1.0 if float(np.sqrt(np.mean(window**2))) > 0.01 else 0.0


class ScriptedTurnModel:
    """Answers P(finished) from a script, one answer per question; records the audio asked."""

    def __init__(self, answers: list[float]) -> None:
        self.answers = answers
        self.asked: list[float] = []  # seconds of audio each question carried

    def __call__(self, audio: np.ndarray) -> float:
        self.asked.append(audio.size / RATE)
        return self.answers.pop(0)


def run(detector: TurnDetector, audio: np.ndarray):  # type: ignore[no-untyped-def]
    for i in range(0, audio.size - WINDOW + 1, WINDOW):
        end = detector.feed(audio[i:i + WINDOW])
        if end is not None:
            return end
    return None


def test_a_finished_turn_ends_half_a_second_after_the_last_word() -> None:
    model = ScriptedTurnModel([0.9])
    detector = TurnDetector(energy_vad, model, TurnParams())
    end = run(detector, np.concatenate([quiet(0.5), tone(1.0), quiet(2.0)]))
    assert end is not None and end.reason == "finished"
    assert end.speech_start is not None and end.speech_end is not None
    assert end.speech_start * WINDOW_S == pytest.approx(0.5, abs=0.07)
    assert end.speech_end * WINDOW_S == pytest.approx(1.5, abs=0.07)
    assert (end.decided_at - end.speech_end) * WINDOW_S == pytest.approx(0.5, abs=0.04)
    assert model.asked[0] == pytest.approx(0.3 + 1.0 + 0.2, abs=0.1)  # asked at 0.2 s
    assert end.probabilities == (0.9,)


def test_a_mid_sentence_pause_does_not_end_the_turn() -> None:
    model = ScriptedTurnModel([0.1, 0.8])  # "I can offer you…" then "…a refund."
    detector = TurnDetector(energy_vad, model, TurnParams())
    audio = np.concatenate([tone(0.8), quiet(1.0), tone(0.6), quiet(1.0)])
    end = run(detector, audio)
    assert end is not None and end.reason == "finished"
    assert end.speech_end * WINDOW_S == pytest.approx(2.4, abs=0.07)
    assert len(model.asked) == 2 and model.asked[1] > model.asked[0]


def test_an_unfinished_turn_ends_at_the_silence_fallback() -> None:
    detector = TurnDetector(energy_vad, ScriptedTurnModel([0.2]), TurnParams(max_pause_s=1.5))
    end = run(detector, np.concatenate([tone(0.6), quiet(3.0)]))
    assert end is not None and end.reason == "max_pause"
    assert (end.decided_at - end.speech_end) * WINDOW_S == pytest.approx(1.5, abs=0.04)


@pytest.mark.parametrize(("text", "more"), [
    ("I can offer you a refund, or", True),
    ("I can offer you a refund or...", True),
    ("If you could give me your postcode,", True),
    ("So I'll send you the, um.", True),
    ("I'm so sorry to hear that", False),
    ("I'm so sorry to hear that.", False),
    ("What can I help you with?", False),
    ("", False),
])
def test_words_need_more_only_on_a_sign_that_the_turn_goes_on(text: str, more: bool) -> None:
    assert words_need_more(text) is more


@pytest.mark.parametrize(("text", "finished"), [
    ("I'm so sorry to hear that.", True),
    ("What can I help you with?", True),
    ("Okay.", True),
    ("I can offer you a refund or...", False),
    ("I can offer you a refund, or", False),
    ("The order was sent on", False),
    ("Your refund will be back on your card within.", False),
    ("So I'll send you the, um.", False),
    ("", None),
])
def test_words_finished_reads_whispers_punctuation_and_the_last_word(
        text: str, finished: bool | None) -> None:
    assert words_finished(text) is finished


def test_finished_words_without_the_model_end_the_turn_after_the_confirm_silence() -> None:
    texts = iter(["I can offer you a refund, or", "I can offer you a refund or a replacement."])
    detector = TurnDetector(energy_vad, ScriptedTurnModel([0.9, 0.0]),
                            TurnParams(confirm_s=1.0), transcript=lambda _d: next(texts))
    end = run(detector, np.concatenate([tone(0.6), quiet(1.5), tone(0.6), quiet(3.0)]))
    assert end is not None and end.reason == "confirmed"  # the model alone would have cut
    assert end.speech_end * WINDOW_S == pytest.approx(2.7, abs=0.07)
    assert (end.decided_at - end.speech_end) * WINDOW_S == pytest.approx(1.0, abs=0.04)
    assert end.texts[0] == "I can offer you a refund, or"


@pytest.mark.parametrize(("p_done", "text", "wait"), [
    (0.0, "I can offer you.", 1.3),  # the model doubts finished words: the confirm wait
    (0.3, "I can offer you a refund.", 1.3),  # ... however it leans ("…a refund, or" heard so)
    (0.6, "I can offer you.", 0.5),  # finished by the model
    (0.0, "Which one would you prefer?", 0.8),  # a question hands the floor over
    (0.9, "I can offer you a refund, or", 3.0),  # words that need more
    (0.9, "I can offer you a refund or...", 3.0),
    (0.1, "So what I'm going to do is send it to", 3.0),
    (0.0, "I'm so sorry to hear that", 1.3),  # left open by Whisper: no sign either way
    (0.9, "if you can give me your post code", 1.3),  # ... whatever the model says
    (0.2, None, 3.0),  # no words: the model alone, unsure
    (0.7, None, 0.5),
])
def test_the_wait_after_finished_words_the_model_doubts_is_shorter_after_a_question(
        p_done: float, text: str | None, wait: float) -> None:
    assert finishing_wait(TurnParams(), p_done, text) == pytest.approx(wait, abs=0.01)


def test_model_and_words_agreeing_end_the_turn_at_once() -> None:
    detector = TurnDetector(energy_vad, ScriptedTurnModel([0.7]), TurnParams(),
                            transcript=lambda _d: "That's all, thanks.")
    end = run(detector, np.concatenate([tone(0.6), quiet(2.0)]))
    assert end is not None and end.reason == "finished"
    assert (end.decided_at - end.speech_end) * WINDOW_S == pytest.approx(0.5, abs=0.04)


def test_without_a_turn_model_a_plain_pause_ends_the_turn() -> None:
    detector = TurnDetector(energy_vad, None, TurnParams(pause_s=0.6))
    end = run(detector, np.concatenate([tone(0.6), quiet(0.4), tone(0.3), quiet(1.0)]))
    assert end is not None and end.reason == "pause"
    assert end.speech_end * WINDOW_S == pytest.approx(1.3, abs=0.07)


def test_a_click_is_not_speech_and_silence_times_out() -> None:
    detector = TurnDetector(energy_vad, ScriptedTurnModel([]), TurnParams(silence_timeout=1.0))
    end = run(detector, np.concatenate([quiet(0.2), tone(0.04), quiet(1.5)]))
    assert end is not None and end.reason == "no_speech" and end.speech_start is None


def test_turn_audio_keeps_the_preroll_and_a_short_tail() -> None:
    detector = TurnDetector(energy_vad, ScriptedTurnModel([0.9]),
                            TurnParams(preroll_s=0.3, tail_s=0.3))
    run(detector, np.concatenate([quiet(1.0), tone(1.0), quiet(1.0)]))
    audio, first = detector.turn_audio()
    assert audio.size / RATE == pytest.approx(0.3 + 1.0 + 0.3, abs=0.12)
    assert first * WINDOW_S == pytest.approx(0.7, abs=0.1)


def test_the_pause_hook_sees_the_turn_so_far() -> None:
    seen: list[float] = []
    detector = TurnDetector(energy_vad, ScriptedTurnModel([0.1, 0.9]), TurnParams(),
                            on_pause=lambda d: seen.append(d.audio().size / RATE))
    run(detector, np.concatenate([tone(0.5), quiet(0.5), tone(0.5), quiet(0.5)]))
    assert len(seen) == 2 and seen[1] > seen[0] + 0.5


class CountingTranscriber:
    """Text is the audio's length in tenths of a second, as a finished sentence ("w12."); counts
    and can delay calls."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls: list[float] = []
        self.delay = delay

    def transcribe(self, audio: np.ndarray) -> Transcription:
        self.calls.append(audio.size / RATE)
        time.sleep(self.delay)
        n = round(audio.size / RATE * 10)
        span = speech_span(audio, RATE) or (0.0, audio.size / RATE)
        return Transcription(f"w{n}.", [Word(f"w{n}.", *span)], 0.0)


def test_early_transcription_is_reused_when_nothing_was_said_after_the_pause() -> None:
    inner = CountingTranscriber(delay=0.1)
    early = EarlyTranscriber(inner)
    audio = tone(1.0)
    early.pause(audio, speech_end=RATE)
    result = early.finish(np.concatenate([audio, quiet(0.1)]), speech_end=RATE)
    assert result.text == "w10." and early.reused and inner.calls == [1.0]
    early.close()


def test_speech_after_the_pause_is_transcribed_at_the_end() -> None:
    inner = CountingTranscriber()
    early = EarlyTranscriber(inner)
    early.pause(tone(1.0), speech_end=RATE)
    result = early.finish(tone(2.0), speech_end=2 * RATE)
    assert not early.reused and result.text == "w20."
    early.close()


def test_a_long_turn_is_committed_at_pauses_and_only_the_tail_is_left() -> None:
    inner = CountingTranscriber()
    early = EarlyTranscriber(inner, commit_after_s=2.0)
    early.pause(tone(3.0), speech_end=3 * RATE)
    time.sleep(0.05)
    early.pause(tone(4.0), speech_end=4 * RATE)  # commits the first 3 s, transcribes 1 s
    time.sleep(0.05)
    result = early.finish(tone(5.0), speech_end=5 * RATE)  # speech after: the 2 s tail now
    assert inner.calls == [3.0, 1.0, 2.0]
    assert result.text == "w30. w20."
    assert result.words[1].start == pytest.approx(3.0) and result.words[1].end == pytest.approx(5.0)
    early.close()


class EndsAt:
    """Hears "I can offer you a refund." whose last word ends ``short`` s before the audio."""

    def __init__(self, short: float) -> None:
        self.short = short

    def transcribe(self, audio: np.ndarray) -> Transcription:
        end = audio.size / RATE - self.short
        return Transcription("I can offer you a refund.", [Word("refund.", end - 0.4, end)], 0.0)


@pytest.mark.parametrize(("short", "read"), [(0.4, "I can offer you a refund"),
                                             (0.1, "I can offer you a refund.")])
def test_speech_past_the_last_word_heard_is_not_a_finished_sentence(short: float, read: str) -> None:
    """Whisper dropped the "or" of "…a refund, or": the speech went on after its last word, so
    the words are not shown as finished (the turn waits for more instead of ending)."""
    early = EarlyTranscriber(EndsAt(short))
    early.pause(tone(2.0), speech_end=2 * RATE)
    assert early.text_so_far() == "I can offer you a refund."
    assert early.words_so_far() == read
    early.close()


def _listener(model: ScriptedTurnModel | None, transcriber: CountingTranscriber,
              **params: float) -> tuple[PushedMicrophone, MicrophoneListener]:
    mic = PushedMicrophone()
    detection = TurnDetection(energy_vad, model, TurnParams(**params))
    listener = MicrophoneListener(mic, transcriber, echo=None, turn=detection)
    listener.open()
    return mic, listener


def test_listener_holds_the_turn_through_a_pause_and_reuses_the_early_text(tmp_path: Path) -> None:
    model = ScriptedTurnModel([0.1, 0.9])
    mic, listener = _listener(model, CountingTranscriber())
    at = time.monotonic() + 0.3
    mic.push(np.concatenate([tone(0.8), quiet(0.8), tone(0.6)]), at)
    heard = listener.listen(tmp_path / "t.wav")
    ended = time.monotonic()
    listener.close()
    assert heard.started == pytest.approx(at, abs=0.1)
    assert heard.ended == pytest.approx(at + 2.2, abs=0.1)
    assert ended - (at + 2.2) == pytest.approx(0.5, abs=0.12)  # the decision came 0.5 s after
    assert heard.measures["end_of_turn"] == "finished" and heard.measures["stt_reused"] is True
    assert heard.measures["end_wait_s"] == pytest.approx(0.5, abs=0.04)
    assert (tmp_path / "t.wav").exists()


def test_listener_silence_timeout_with_the_detector() -> None:
    _mic, listener = _listener(ScriptedTurnModel([]), CountingTranscriber())
    listener.silence_timeout = 0.6
    started = time.monotonic()
    heard = listener.listen(None)
    listener.close()
    assert heard.text == "" and heard.measures["silent_for_s"] == 0.6
    assert time.monotonic() - started < 1.5


def test_barge_in_speech_is_handed_to_the_detector(tmp_path: Path) -> None:
    mic = PushedMicrophone()
    listener = MicrophoneListener(mic, CountingTranscriber(), echo=None, barge_in=True,
                                  turn=TurnDetection(energy_vad, ScriptedTurnModel([0.9])))
    listener.open()
    assert listener.barge_signal is not None
    at = time.monotonic() + 0.3
    mic.push(tone(1.2), at)
    deadline = time.monotonic() + 3
    while not listener.barge_signal.triggered() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    heard = listener.listen(tmp_path / "t.wav")
    listener.close()
    assert heard.measures["barged_in"] is True
    assert heard.started == pytest.approx(at, abs=0.15)
    assert heard.ended == pytest.approx(at + 1.2, abs=0.15)


def test_pushing_from_another_thread_while_listening(tmp_path: Path) -> None:
    """The web app pushes frames as they arrive; the listener reads them in real time."""
    mic, listener = _listener(ScriptedTurnModel([0.9]), CountingTranscriber())
    audio = np.concatenate([tone(1.0), quiet(0.5)])

    def stream() -> None:
        for i in range(0, audio.size, 320):  # 20 ms frames, as a browser sends them
            mic.push(audio[i:i + 320])
            time.sleep(0.02)

    pusher = threading.Thread(target=stream)
    pusher.start()
    heard = listener.listen(None)
    pusher.join()
    listener.close()
    assert heard.measures["end_of_turn"] == "finished"
    # the 20 ms sleeps overshoot when the cores are busy (1.16 s seen at load 15)
    assert heard.measures["speech_seconds"] == pytest.approx(1.0, abs=0.3)
