"""Speakers that render the caller's line sentence by sentence and play it while the rest of the
line is still being generated. Every sentence's WAV is checked; a failed sentence is retried,
then shown as text only: the call goes on."""

from __future__ import annotations

import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trainer.voice.base import Spoken, VoiceStyle
from trainer.voice.playback import BargeIn, Player, default_player
from trainer.voice.wav import WavError, check_wav, concat_wavs, write_wav

__all__ = [
    "EspeakSpeaker",
    "HibariSpeaker",
    "Pyttsx3Speaker",
    "StreamingSpeaker",
    "SynthesisError",
    "espeak_to_wav",
    "split_sentences",
]

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+")


class SynthesisError(RuntimeError):
    """A sentence could not be rendered to a usable WAV."""


def split_sentences(text: str) -> list[str]:
    """Split text at sentence ends (for rendering a whole line given at once)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def espeak_to_wav(text: str, style: VoiceStyle, path: Path) -> None:
    """Render with the ``espeak-ng`` command line (deterministic, ~20 ms a sentence)."""
    if not shutil.which("espeak-ng"):
        raise SynthesisError("espeak-ng not found: apt-get install espeak-ng")
    args = ["espeak-ng", "-v", style.voice, "-s", str(style.rate),
            "-a", str(round(style.volume * 100)), "-p", str(style.pitch), "-w", str(path), text]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SynthesisError(f"espeak-ng: {exc}") from None
    if done.returncode:
        raise SynthesisError(f"espeak-ng: {done.stderr.strip() or done.returncode}")


@dataclass
class _Line:
    """One caller line in flight: sentences queued for the performer thread, what was said."""

    folder: Path
    queue: queue.Queue[tuple[str, Future[Path | None]] | None] = field(
        default_factory=queue.Queue)
    said: list[str] = field(default_factory=list)
    rendered: list[Path] = field(default_factory=list)
    first_audio_at: float | None = None
    interrupted: threading.Event = field(default_factory=threading.Event)


class StreamingSpeaker:
    """Base of the audio speakers. Sentences are rendered one at a time by a single worker
    thread (in order), and a performer thread shows and plays each as soon as it is ready, so
    the first sentence plays while the model is still generating the next.

    Subclasses implement ``_render(text, style, path)``; it runs only on the worker thread.
    """

    def __init__(self, write: Callable[[str], None] | None = None, name: str = "Caller",
                 player: Player | None = None, barge_in: BargeIn | None = None) -> None:
        self.write = write or (lambda s: print(s, end="", flush=True))
        self.name = name
        self.player = player or default_player()
        self.barge_in = barge_in
        self.failures = 0  # sentences shown as text because rendering failed
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")

    def _render(self, text: str, style: VoiceStyle, path: Path) -> None:
        raise NotImplementedError

    def _fallback(self, text: str, style: VoiceStyle, path: Path) -> None:
        raise SynthesisError("no fallback")

    def close(self) -> None:
        """Stop the worker thread (call at the end of the call)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def say(self, sentences: Iterable[str], style: VoiceStyle, save_as: Path | None) -> Spoken:
        line = _Line(Path(tempfile.mkdtemp(prefix="trainer-say-")))
        performer = threading.Thread(target=self._perform, args=(line,), daemon=True)
        performer.start()
        try:
            self._feed(sentences, style, line)
        finally:
            line.queue.put(None)
            performer.join()
        audio = self._save_line(line.rendered, save_as)
        shutil.rmtree(line.folder, ignore_errors=True)
        return Spoken(text=" ".join(line.said), audio=audio, first_audio_at=line.first_audio_at,
                      interrupted=line.interrupted.is_set())

    def _feed(self, sentences: Iterable[str], style: VoiceStyle, line: _Line) -> None:
        for index, sentence in enumerate(sentences):
            if line.interrupted.is_set():
                break  # leaving the iterator stops the model generating the rest
            if sentence.strip():
                path = line.folder / f"{index:03d}.wav"
                future = self._pool.submit(self._render_checked, sentence.strip(), style, path,
                                           line)
                line.queue.put((sentence.strip(), future))

    def _render_checked(self, text: str, style: VoiceStyle, path: Path,
                        line: _Line) -> Path | None:
        for attempt in (self._render, self._render, self._fallback):
            try:
                attempt(text, style, path)
                check_wav(path)
            except (SynthesisError, WavError, OSError):
                path.unlink(missing_ok=True)
                continue
            if line.first_audio_at is None:
                line.first_audio_at = time.monotonic()
            return path
        self.failures += 1
        return None

    def _perform(self, line: _Line) -> None:
        self.write(f"{self.name}: ")
        while (item := line.queue.get()) is not None:
            sentence, future = item
            path = future.result()
            if line.interrupted.is_set():
                continue
            self.write(("" if not line.said else " ") + sentence)
            line.said.append(sentence)
            if path is not None:
                line.rendered.append(path)
                if not self.player.play(path, self._barged):
                    line.interrupted.set()
        self.write(" [interrupted]\n" if line.interrupted.is_set() else "\n")

    def _barged(self) -> bool:
        return self.barge_in is not None and self.barge_in.triggered()

    @staticmethod
    def _save_line(rendered: list[Path], save_as: Path | None) -> Path | None:
        if save_as is None or not rendered:
            return None
        save_as.parent.mkdir(parents=True, exist_ok=True)
        return concat_wavs([(p, None) for p in rendered], save_as, check_wav(rendered[0]).rate)


def _quiet_pyttsx3() -> None:
    """pyttsx3 2.99 prints "Audio saved to …" on stdout for every file it writes."""
    import pyttsx3.drivers.espeak as driver

    driver.print = lambda *args, **kwargs: None


# espeak-ng's library holds one synthesiser per process, and pyttsx3.init() hands every caller
# the same engine: two calls speaking at once (the web app) hang or crash without turns taken.
_PYTTSX3_LOCK = threading.Lock()


class Pyttsx3Speaker(StreamingSpeaker):
    """The default voice: pyttsx3 on espeak-ng, one ``save_to_file`` per sentence, one sentence
    at a time in the process (a sentence takes ~10–50 ms); a missing or empty WAV is retried
    once, then rendered by the ``espeak-ng`` command line instead (pyttsx3 2.99 drops about 1
    file in 20)."""

    _engine: Any = None

    def _render(self, text: str, style: VoiceStyle, path: Path) -> None:
        with _PYTTSX3_LOCK:
            self._render_alone(text, style, path)

    def _render_alone(self, text: str, style: VoiceStyle, path: Path) -> None:
        if self._engine is None:
            import pyttsx3

            _quiet_pyttsx3()
            self._engine = pyttsx3.init()
        engine = self._engine
        try:
            engine.setProperty("voice", style.voice)
            engine.setProperty("rate", style.rate)
            engine.setProperty("volume", style.volume)
            engine.setProperty("pitch", style.pitch)
            engine.save_to_file(text, str(path))
            engine.runAndWait()
        except Exception as exc:  # pyttsx3 raises assorted types (RuntimeError, KeyError, ...)
            raise SynthesisError(f"pyttsx3: {exc}") from None

    def _fallback(self, text: str, style: VoiceStyle, path: Path) -> None:
        espeak_to_wav(text, style, path)


class EspeakSpeaker(StreamingSpeaker):
    """The ``espeak-ng`` command line only: no engine state, deterministic."""

    def _render(self, text: str, style: VoiceStyle, path: Path) -> None:
        espeak_to_wav(text, style, path)


class HibariSpeaker(StreamingSpeaker):
    """A small neural voice (hibari-tts, 24 kHz, in the package). Mood moves its speed, loudness
    and pitch (the model's f0 track is scaled; the spectral envelope is kept)."""

    base_rate = 170  # words per minute that hibari's speed 1.0 stands for

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            import hibari  # noqa: F401 - fail at start-up, not on the first line
        except ImportError:
            raise RuntimeError("the hibari voice needs: pip install 'trainer[neural]'") from None
        self._voices: dict[str, Any] = {}
        self._pool.submit(self._model, "heart")  # load while the call starts

    def _model(self, name: str) -> Any:
        from hibari import Hibari
        from hibari.voices import VOICES, voice_path

        if name not in VOICES:
            name = "heart"
        try:
            voice_path(name, download_missing=False)  # other voices would download: never
        except FileNotFoundError:
            name = "heart"
        if name not in self._voices:
            self._voices[name] = Hibari(voice=name)
        return self._voices[name]

    def _render(self, text: str, style: VoiceStyle, path: Path) -> None:
        tts = self._model(style.voice)
        speed = style.rate / self.base_rate
        f0_scale = 2 ** ((style.pitch - 50) / 4 / 12)  # 4 espeak pitch steps ≈ a semitone
        try:
            parts = [self._synth(tts, ps, speed, f0_scale) for ps in tts.phonemize(text)]
        except Exception as exc:  # onnxruntime and the G2P raise assorted types
            raise SynthesisError(f"hibari: {exc}") from None
        if not parts:
            raise SynthesisError("hibari: nothing to say")
        audio = np.concatenate(parts) * (style.volume / 0.9)
        write_wav(path, audio, tts.sample_rate)

    @staticmethod
    def _synth(tts: Any, phonemes: str, speed: float, f0_scale: float) -> np.ndarray:
        from hibari import dsp

        ids = np.asarray([tts.ids(phonemes)], np.int64)
        out = tts.sess.run(None, {"ids": ids, "speed": np.asarray([speed], np.float32)})
        lh, th, ln, lr, phi, f0 = (o[0] for o in out)
        rng = np.random.default_rng(0)
        return np.asarray(dsp.synth(lh, th, ln, lr, phi, f0 * f0_scale, rng), np.float32)
