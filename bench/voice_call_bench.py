"""Voice-to-voice latency over a scripted voice call on the embedded models.

The trainee's turns are espeak-ng WAVs fed through the same listener path as the microphone
(WAV → SpeechRecognition → Whisper tiny.en); the caller is the embedded model; the caller's
voice is pyttsx3/espeak. Per trainee turn it reports the stages between the end of the
trainee's speech and the first caller audio being ready:

    transcription → director → caller's first sentence → speech synthesis of that sentence

The endpointing silence (how long the microphone waits to decide the trainee has finished,
``pause_threshold``) is reported separately: it is a setting, not work.

    python bench/voice_call_bench.py [--persona irate-dana] [--calls 2]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from stats import pct

from trainer.config import load_settings
from trainer.personas import find_persona
from trainer.practice import CallOptions, practise
from trainer.store import load_session
from trainer.voice import factory

LINES = [
    "Hello, thanks for calling. Can I have your order number please?",
    "I am so sorry, that sounds really frustrating after three calls.",
    "So just to confirm, the table arrived cracked and two chairs are missing?",
    "I can send a replacement, or refund you in full and collect the set.",
    "Which one would you prefer?",
    "I will book it now, and you will get an email within one hour.",
]


def make_wavs(folder: Path) -> Path:
    for n, line in enumerate(LINES):
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w",
                        str(folder / f"{n:02d}.wav"), line], check=True)
    return folder


def one_call(persona_id: str, wavs: Path, seed: int) -> list[dict[str, float]]:
    settings = load_settings(tts_engine="pyttsx3").settings
    persona = find_persona(persona_id, settings.persona_dirs())
    speaker = factory.build_speaker(settings, write=lambda _s: None, engine="default")
    # realtime: each WAV takes its own length to "say", as a person would, so the caller
    # reads the call so far into its cache meanwhile, as in a live call.
    listener = factory.build_listener("wavs", settings, wavs, echo=None, realtime=True)
    try:
        result = practise(persona, settings, speaker, listener,
                          CallOptions(max_turns=len(LINES), seed=seed, mode="bench"))
    finally:
        factory.close(speaker, listener)
    turns = load_session(result.session_dir).turns
    rows = []
    for trainee, caller in zip(turns[1::2], turns[2::2], strict=False):
        tm, cm = trainee.measures or {}, caller.measures or {}
        if "first_sentence_s" not in cm:
            continue
        row = {"transcription": tm.get("transcribe_s", 0.0), "director": tm.get("director_s", 0.0),
               "first_sentence": cm["first_sentence_s"],
               "synthesis": cm.get("first_audio_s", cm["first_sentence_s"]) - cm["first_sentence_s"]}
        row["voice_to_voice"] = sum(row.values())
        rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persona", default="irate-dana")
    ap.add_argument("--calls", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wavs = make_wavs(Path(tmp))
        one_call(args.persona, wavs, seed=100)  # warm-up: loads models, fills caches
        rows = [r for n in range(args.calls) for r in one_call(args.persona, wavs, seed=n)]
    pause = load_settings().settings.pause_threshold
    print(f"\n{len(rows)} trainee turns over {args.calls} scripted voice calls "
          f"({args.persona}), embedded models, 2 cores")
    print(f"{'stage':<34}{'p50 s':>8}{'p95 s':>8}")
    for key in ("transcription", "director", "first_sentence", "synthesis", "voice_to_voice"):
        v = [r[key] for r in rows]
        label = {"first_sentence": "caller first sentence",
                 "voice_to_voice": "voice-to-voice (excl. endpointing)"}.get(key, key)
        print(f"{label:<34}{statistics.median(v):8.2f}{pct(v, 0.95):8.2f}")
    print(f"{'endpointing silence (setting)':<34}{pause:8.2f}{pause:8.2f}")


if __name__ == "__main__":
    main()
