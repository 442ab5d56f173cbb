"""Voice benchmark: speech-to-text accuracy and speed, and how intelligible each voice is.

    python bench/voice_bench.py [--no-sphinx]

1. Transcription: the same espeak-ng WAVs (20 customer-service sentences, 186 words) through
   Whisper tiny.en (beam 5, the default; and greedy), Whisper base and Sphinx — Whisper both in
   its short 10 s window (the default for turns under 9.5 s) and the 30 s one: word error rate
   (WER, after Whisper's English normaliser) and real-time factor (RTF: seconds to transcribe /
   seconds of audio; below 1 is faster than real time).
2. Intelligibility: each voice (pyttsx3 and espeak-ng calm and angry, hibari) rendered, then
   transcribed back by tiny.en: WER, and milliseconds to render a sentence.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jiwer
from whisper_normalizer.english import EnglishTextNormalizer

from trainer.config import load_settings
from trainer.personas import Voice
from trainer.voice.base import VoiceStyle
from trainer.voice.stt import SphinxTranscriber, Transcriber, WhisperTranscriber, whisper_base_path
from trainer.voice.style import style_for
from trainer.voice.tts import EspeakSpeaker, HibariSpeaker, Pyttsx3Speaker, StreamingSpeaker
from trainer.voice.wav import SPEECH_RATE, read_speech

SENTENCES = [
    "I have been waiting on hold for over an hour.",
    "My internet has not worked since Monday morning.",
    "I want to speak to your manager right now.",
    "You charged my card twice for the same order.",
    "Nobody ever calls me back when they promise to.",
    "Can you please tell me when the engineer will arrive?",
    "I would like to cancel my subscription today.",
    "The package was delivered to the wrong address again.",
    "This is the third time I have called about this problem.",
    "Thank you, that is exactly what I needed to hear.",
    "I completely understand why you are frustrated, and I am sorry.",
    "Let me check the tracking number for you right now.",
    "Your refund will be back on your card within five working days.",
    "I can either send a replacement or give you a full refund.",
    "Just to confirm, the parcel never arrived at your flat?",
    "I will call you back on Thursday by three o'clock.",
    "That should never have happened, and it is our mistake.",
    "Can I take your account number, please?",
    "I am booking an engineer for tomorrow morning.",
    "If the language continues, I will have to end this call.",
]
# Whisper's own English normaliser (as in its published WER figures): case, punctuation,
# contractions and spelled numbers ("five" / "5") are not word errors.
NORMALISE = EnglishTextNormalizer()


@dataclass(frozen=True)
class Score:
    wer: float
    rtf: float
    per_item_ms: float


def wer(references: list[str], hypotheses: list[str]) -> float:
    return float(jiwer.wer([NORMALISE(r) for r in references],
                           [NORMALISE(h or "") or "-" for h in hypotheses]))


def render(speaker: StreamingSpeaker, style: VoiceStyle, folder: Path) -> tuple[list[Path], float]:
    """Each sentence to its own WAV; returns the files and the mean milliseconds per sentence."""
    folder.mkdir(parents=True, exist_ok=True)
    paths, started = [], time.perf_counter()
    for i, sentence in enumerate(SENTENCES):
        spoken = speaker.say([sentence], style, folder / f"{i:02d}.wav")
        assert spoken.audio is not None, f"{sentence}: not rendered"
        paths.append(spoken.audio)
    speaker.close()
    return paths, (time.perf_counter() - started) * 1000 / len(SENTENCES)


def transcribe_all(transcriber: Transcriber, paths: list[Path]) -> tuple[list[str], float]:
    """The transcripts and the real-time factor over all files."""
    texts, busy, audio_seconds = [], 0.0, 0.0
    for path in paths:
        audio = read_speech(path)
        result = transcriber.transcribe(audio)
        texts.append(result.text)
        busy += result.seconds
        audio_seconds += audio.size / SPEECH_RATE
    return texts, busy / audio_seconds


def stt_rows(folder: Path, whisper: WhisperTranscriber, sphinx: bool) -> list[tuple[str, Score]]:
    """The trainee's voice (espeak-ng at anger 3) through every transcriber."""
    paths, _ = render(EspeakSpeaker(write=_mute), style_for(Voice(), 3), folder / "stt")
    engines: list[tuple[str, Callable[[], Transcriber]]] = [
        ("tiny.en beam 5", lambda: whisper),
        ("tiny.en beam 5, 30 s", lambda: WhisperTranscriber(window_s=None)),
        ("tiny.en greedy", lambda: WhisperTranscriber(beam_size=1)),
        ("tiny.en greedy, 30 s", lambda: WhisperTranscriber(beam_size=1, window_s=None)),
    ]
    try:
        base = whisper_base_path(load_settings().settings.models_dir)
        engines.append(("base beam 5", lambda: WhisperTranscriber(base)))
        engines.append(("base beam 5, 30 s", lambda: WhisperTranscriber(base, window_s=None)))
    except RuntimeError as exc:
        print(f"skipping Whisper base: {exc}")
    if sphinx:
        engines.append(("sphinx", SphinxTranscriber))
    rows = []
    for name, make in engines:
        transcriber = make()
        texts, rtf = transcribe_all(transcriber, paths)
        rows.append((name, Score(wer(SENTENCES, texts), rtf, rtf * 1000)))
    return rows


VOICES: list[tuple[str, Callable[[], StreamingSpeaker], float]] = [
    ("pyttsx3 calm (anger 0)", lambda: Pyttsx3Speaker(write=_mute), 0),
    ("pyttsx3 angry (anger 10)", lambda: Pyttsx3Speaker(write=_mute), 10),
    ("espeak calm (anger 0)", lambda: EspeakSpeaker(write=_mute), 0),
    ("espeak angry (anger 10)", lambda: EspeakSpeaker(write=_mute), 10),
    ("hibari calm (anger 0)", lambda: HibariSpeaker(write=_mute), 0),
    ("hibari angry (anger 10)", lambda: HibariSpeaker(write=_mute), 10),
]


def voice_rows(folder: Path, whisper: WhisperTranscriber) -> list[tuple[str, Score, VoiceStyle]]:
    rows = []
    for i, (name, make, anger) in enumerate(VOICES):
        style = style_for(Voice(), anger)
        paths, per_sentence_ms = render(make(), style, folder / f"voice{i}")
        texts, rtf = transcribe_all(whisper, paths)
        rows.append((name, Score(wer(SENTENCES, texts), rtf, per_sentence_ms), style))
    return rows


def _mute(_text: str) -> None:
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-sphinx", action="store_true", help="skip Sphinx (slow)")
    args = parser.parse_args()
    started = time.perf_counter()
    whisper = WhisperTranscriber()
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stt = stt_rows(folder, whisper, not args.no_sphinx)
        voices = voice_rows(folder, whisper)
    print(f"Speech-to-text on {len(SENTENCES)} espeak-ng sentences (whisper load {load_s:.1f} s)")
    print(f"{'engine':<22} {'WER':>6} {'RTF':>6} {'ms per audio s':>15}")
    for name, score in stt:
        print(f"{name:<22} {score.wer:>6.1%} {score.rtf:>6.3f} {score.per_item_ms:>15.0f}")
    print(f"\nIntelligibility: each voice transcribed back by tiny.en ({len(SENTENCES)} sentences)")
    print(f"{'voice':<26} {'rate':>5} {'pitch':>5} {'vol':>5} {'WER':>6} {'render ms':>10}")
    for name, score, style in voices:
        print(f"{name:<26} {style.rate:>5} {style.pitch:>5} {style.volume:>5.2f} "
              f"{score.wer:>6.1%} {score.per_item_ms:>10.0f}")


if __name__ == "__main__":
    main()
