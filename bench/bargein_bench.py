"""Barge-in: how fast the caller stops when the trainee talks over it, and whether the
trainee's first words survive the hand-over from the monitor to the listener.

Each trial renders a long angry caller line (pyttsx3), plays it in real time (no sound card:
`ClockPlayer`), and pushes an espeak-ng trainee sentence into the microphone at a random moment
0.8–2.5 s into the line (`PushedMicrophone`, read in real time like PyAudio). Reported:

- reaction: the trainee's first sound → the caller's playback stopped (p50, p95);
- first words kept: share of trials whose transcript (Whisper tiny.en) starts with the
  sentence's first two words;
- start error: |recorded start of the trainee's turn − true start| (p50, p95).

    python bench/bargein_bench.py [--trials 12]
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from pathlib import Path

from stats import pct

from trainer.personas import Voice
from trainer.voice.listen import MicrophoneListener
from trainer.voice.playback import ClockPlayer
from trainer.voice.pushed import PushedMicrophone
from trainer.voice.stt import WhisperTranscriber
from trainer.voice.style import style_for
from trainer.voice.tts import EspeakSpeaker, Pyttsx3Speaker
from trainer.voice.wav import read_speech

CALLER = ["I have been waiting three weeks for my refund and nobody has called me back.",
          "This is absolutely ridiculous and I want it sorted out today."]
TRAINEE = ["Sorry to cut in, I can fix your refund right now.",
           "Okay, let me stop you there and sort this out.",
           "Right, I hear you, and I am booking it today."]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def trial(whisper: WhisperTranscriber, clip: Path, sentence: str, offset: float,
          folder: Path) -> tuple[float, bool, float]:
    mic = PushedMicrophone()
    listener = MicrophoneListener(mic, whisper, 0.6, echo=None, barge_in=True)
    listener.open()
    speaker = Pyttsx3Speaker(write=lambda s: None, player=ClockPlayer(),
                             barge_in=listener.barge_signal)
    started = time.monotonic()
    mic.push(read_speech(clip), started + offset)
    spoken = speaker.say(CALLER, style_for(Voice(), 8), None)
    stopped = time.monotonic()
    heard = listener.listen(folder / "turn.wav")
    listener.close()
    speaker.close()
    assert spoken.interrupted, "the caller was not interrupted"
    first_sound = started + offset
    kept = _words(heard.text)[:2] == _words(sentence)[:2]
    start_error = abs((heard.started or 0.0) - first_sound)
    return stopped - first_sound, kept, start_error


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=12)
    args = parser.parse_args()
    whisper = WhisperTranscriber()
    rng = random.Random(0)
    reactions, kept, errors = [], 0, []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clips = []
        for i, sentence in enumerate(TRAINEE):
            spoken = EspeakSpeaker(write=lambda s: None).say([sentence], style_for(Voice(), 3),
                                                            folder / f"trainee{i}.wav")
            assert spoken.audio is not None
            clips.append((spoken.audio, sentence))
        for n in range(args.trials):
            clip, sentence = clips[n % len(clips)]
            reaction, ok, err = trial(whisper, clip, sentence, rng.uniform(0.8, 2.5), folder)
            reactions.append(reaction)
            errors.append(err)
            kept += ok
    print(f"barge-in over {args.trials} trials (onset window 0.2 s, 64 ms microphone chunks)")
    print(f"{'measure':<44} {'p50':>6} {'p95':>6}")
    print(f"{'reaction: first sound -> caller stopped (s)':<44} {pct(reactions, 0.5):>6.2f} "
          f"{pct(reactions, 0.95):>6.2f}")
    print(f"{'start of the turn, recorded vs true (s)':<44} {pct(errors, 0.5):>6.2f} "
          f"{pct(errors, 0.95):>6.2f}")
    print(f"first two words kept: {kept}/{args.trials}")


if __name__ == "__main__":
    main()
