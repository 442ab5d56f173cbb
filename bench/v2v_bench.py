"""Voice-to-voice latency, end of turn included: the old pipeline and the new in one run.

A scripted voice call: the trainee's turns are espeak-ng WAVs pushed in real time into the
microphone's listener path (`PushedMicrophone` → `MicrophoneListener`), each starting 0.4 s
after the caller's line has finished playing; Whisper tiny.en transcribes, the director and the
embedded caller answer, pyttsx3 speaks, and playback takes the line's real length
(`ClockPlayer`). Per trainee turn, from the end of the trainee's last word:

    end of turn + transcription (the listener returns) → director → the caller's first sound
    (a spoken reaction or a fact opener where the persona has one, else the model's first
    clause or sentence) → its synthesis  =  voice-to-voice (first caller audio ready)

and, separately, the time to the caller's first words the model wrote (after the reaction).

Pipelines, alternating call by call so machine load hits both alike:
- old: energy pause 0.6 s, Whisper's 30 s window, first sentence to speech, the persona's
  prompt read only after the opening line, no spoken reaction (``timing.reactions`` off);
- new: Silero VAD + Smart-Turn + the words so far (transcribed during pauses, Whisper's short
  window), first clause to speech, the persona's prompt read while the opening line plays, the
  reply's whole prompt read ahead at a pause that sounds finished, the persona's reactions.

The machine's generation speed (tokens/s, embedded model) is printed beside the figures.

    python bench/v2v_bench.py [--calls 2] [--persona irate-dana] [--only new]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from machine import tokens_per_second
from stats import pct
from voice_call_bench import LINES  # the same scripted trainee

from trainer.caller import Caller
from trainer.config import Settings, load_settings
from trainer.director import Director
from trainer.models import chat_model
from trainer.personas import Persona, Reactions, find_persona
from trainer.practice import director_model, trusted_director
from trainer.session import Call, run_call
from trainer.store import SessionWriter, load_session
from trainer.voice import factory
from trainer.voice.base import EndOfInput, Heard, Spoken, VoiceStyle
from trainer.voice.playback import ClockPlayer
from trainer.voice.pushed import PushedMicrophone
from trainer.voice.stt import WhisperTranscriber
from trainer.voice.tts import Pyttsx3Speaker
from trainer.voice.wav import SPEECH_RATE, read_speech

GAP_S = 0.4  # the trainee starts this long after the caller's line has played


def make_clips(folder: Path) -> list[np.ndarray]:
    clips = []
    for n, line in enumerate(LINES):
        path = folder / f"{n:02d}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), line],
                       check=True)
        audio = read_speech(path)
        loud = np.flatnonzero(np.abs(audio) > 0.01)
        clips.append(audio[: loud[-1] + 1])
    return clips


class ScriptedTrainee:
    """Wraps the microphone listener: each `listen` pushes the next clip GAP_S from now (the
    trainee starts talking) and notes when its last word ends and when the listener returned."""

    def __init__(self, mic: PushedMicrophone, listener: Any, clips: list[np.ndarray]) -> None:
        self.mic, self.inner, self.clips = mic, listener, list(clips)
        self.ends: list[float] = []  # monotonic time each clip's speech ended
        self.returned: list[float] = []  # monotonic time the listener returned

    def listen(self, save_as: Path | None) -> Heard:
        if not self.clips:
            raise EndOfInput
        clip = self.clips.pop(0)
        at = time.monotonic() + GAP_S
        self.mic.push(clip, at)
        self.ends.append(at + clip.size / SPEECH_RATE)
        heard = self.inner.listen(save_as)
        self.returned.append(time.monotonic())
        return heard

    def close(self) -> None:
        self.inner.close()


@dataclass
class TimedSpeaker:
    """Wraps a speaker: notes when each line's first audio was ready (monotonic)."""

    speaker: Any
    first_audio: list[float | None] = field(default_factory=list)

    def say(self, sentences: Iterable[str], style: VoiceStyle, save_as: Path | None) -> Spoken:
        spoken: Spoken = self.speaker.say(sentences, style, save_as)
        self.first_audio.append(spoken.first_audio_at)
        return spoken

    def close(self) -> None:
        self.speaker.close()


def _settings(new: bool) -> Settings:
    return load_settings(turn_detection="smart" if new else "pause").settings


def _without_reactions(persona: Persona) -> Persona:
    timing = persona.timing.model_copy(update={"reactions": Reactions()})
    return persona.model_copy(update={"timing": timing})


def one_call(persona: Persona, clips: list[np.ndarray], new: bool, seed: int,
             whisper: dict[bool, WhisperTranscriber]) -> list[dict[str, Any]]:
    settings = _settings(new)
    persona = persona if new else _without_reactions(persona)
    mic = PushedMicrophone()
    listener = factory.microphone_listener(mic, settings, whisper[new], echo=None)
    listener.open()
    trainee = ScriptedTrainee(mic, listener, clips)
    speaker = TimedSpeaker(Pyttsx3Speaker(write=lambda _s: None, player=ClockPlayer()))
    writer = SessionWriter(settings.sessions_dir, persona.id, {"mode": "bench"})
    call = Call(persona, Caller(persona, chat_model("caller", settings, seed=seed),
                                first_clause=new),
                Director(persona, director_model(settings, seed), seed=seed,
                         model_triggers=trusted_director(settings)),
                speaker, trainee, writer, max_turns=len(clips), warm_opening=new,
                style_for=factory.style_for_persona)
    try:
        result = run_call(call)
    finally:
        factory.close(speaker, trainee)
    turns = load_session(result.session_dir).turns
    rows = []
    for n, (trainee_turn, caller_turn) in enumerate(zip(turns[1::2], turns[2::2], strict=False)):
        tm, cm = trainee_turn.measures or {}, caller_turn.measures or {}
        first_audio = speaker.first_audio[n + 1]
        if first_audio is None or "first_sentence_s" not in cm:
            continue
        end = trainee.ends[n]
        first_s = cm["first_sentence_s"]
        synthesis = cm.get("first_audio_s", first_s) - first_s
        started = first_audio - cm.get("first_audio_s", first_s)  # the line's stream began
        words_s = cm.get("model_words_s", first_s)
        rows.append({
            "end_of_turn": trainee.returned[n] - end - tm.get("transcribe_s", 0.0),
            "transcription": tm.get("transcribe_s", 0.0),
            "director": tm.get("director_s", 0.0),
            "handoff": started - trainee.returned[n] - tm.get("director_s", 0.0),
            "first_sound": first_s,
            "synthesis": synthesis,
            "voice_to_voice": first_audio - end,
            "model_words": words_s,
            "voice_to_words": started + words_s + synthesis - end,
            "reaction": float(bool(cm.get("reaction"))),
            "cut": float(trainee_turn.text.count(" ") + 1 < len(LINES[n].split()) * 0.6),
            "end_wait": tm.get("end_wait_s"),  # the turn detector's; None for the energy rule
            "ended_by": str(tm.get("end_of_turn", "pause")),
        })
    return rows


LABELS = {
    "end_of_turn": "end of turn (silence + decision)",
    "transcription": "transcription left after it",
    "director": "director",
    "handoff": "hand-off (turn saved, line started)",
    "first_sound": "caller's first piece ready",
    "synthesis": "its synthesis",
    "voice_to_voice": "voice-to-voice (first caller sound)",
    "model_words": "model's first words ready",
    "voice_to_words": "voice-to-model's first words",
}


def report(rows: dict[str, list[dict[str, Any]]]) -> None:
    names = list(rows)
    head = "".join(f"{n + ' p50':>11}{n + ' p95':>11}" for n in names)
    print(f"{'stage (s)':<36}{head}")
    for key, label in LABELS.items():
        cells = ""
        for n in names:
            v = [r[key] for r in rows[n]]
            cells += f"{statistics.median(v):11.2f}{pct(v, 0.95):11.2f}"
        print(f"{label:<36}{cells}")
    if {"old", "new"} <= set(rows):
        for key in ("voice_to_voice", "voice_to_words"):
            old = [r[key] for r in rows["old"]]
            new = [r[key] for r in rows["new"]]
            print(f"new / old {LABELS[key]}: p50 {statistics.median(new) / statistics.median(old):.2f}"
                  f", p95 {pct(new, 0.95) / pct(old, 0.95):.2f}")
    for n in names:
        reasons = Counter(r["ended_by"] for r in rows[n])
        waits = [r["end_wait"] for r in rows[n] if r["end_wait"] is not None]
        print(f"{n}: turns ended by " + ", ".join(f"{k} {v}" for k, v in reasons.most_common())
              + (f"; silence waited p50 {statistics.median(waits):.2f} s" if waits else ""))
    for n in names:
        print(f"{n}: {len(rows[n])} turns, {int(sum(r['reaction'] for r in rows[n]))} began with "
              f"a spoken reaction, {int(sum(r['cut'] for r in rows[n]))} transcripts with under "
              f"60% of the words (a cut-off turn)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persona", default="irate-dana")
    ap.add_argument("--calls", type=int, default=2, help="calls per pipeline")
    ap.add_argument("--only", choices=["old", "new"])
    args = ap.parse_args()
    settings = load_settings().settings
    persona = find_persona(args.persona, settings.persona_dirs())
    pipelines = [p for p in ("old", "new") if args.only in (None, p)]
    whisper = {True: WhisperTranscriber(), False: WhisperTranscriber(window_s=None)}
    speed_before = tokens_per_second(settings)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        clips = make_clips(Path(tmp))
        print("warm-up call (not counted): loads the models")
        one_call(persona, clips[:2], True, 100, whisper)
        rows: dict[str, list[dict[str, Any]]] = {p: [] for p in pipelines}
        for n in range(args.calls):
            for p in pipelines:
                got = one_call(persona, clips, p == "new", n, whisper)
                rows[p] += got
                v = [r["voice_to_voice"] for r in got]
                print(f"  call {n + 1} {p}: voice-to-voice p50 {statistics.median(v):.2f} s",
                      flush=True)
    speed_after = tokens_per_second(settings)
    print(f"\n{len(LINES)} trainee turns per call, {args.calls} calls per pipeline "
          f"({args.persona}), embedded models, {settings.threads} threads; generation "
          f"{speed_before:.1f} tok/s before, {speed_after:.1f} tok/s after; load average "
          f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    report(rows)


if __name__ == "__main__":
    main()
