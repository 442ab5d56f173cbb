"""End of turn: when has the trainee finished speaking?

A voice activity detector (Silero VAD, the ONNX model faster-whisper ships) scores every 32 ms
window. After a short silence (``stop_s``, 0.2 s) a turn model (Smart-Turn v3.2, the ONNX model
the ``pipecat-ai`` wheel ships) reads the last seconds of the turn's audio and says whether the
trainee finished; if not, the turn goes on until they speak again or the silence reaches
``max_pause_s`` (3 s). A mid-sentence pause ("I can offer you… a refund") does not end the turn;
a finished turn ends half a second after the last word — not sooner, or the gap between two
sentences of one turn would end it.

Without the turn model the detector ends a turn after ``pause_s`` of VAD silence.
`TurnDetector` is pure logic over windows (fakes drive it in tests); `SileroVad` and
`SmartTurn` are the real models, both run on one thread so they leave the cores to Whisper and
the language model.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from trainer.voice.wav import SPEECH_RATE

__all__ = [
    "WINDOW",
    "WINDOW_S",
    "EndOfTurn",
    "SileroVad",
    "SmartTurn",
    "TurnDetector",
    "TurnParams",
    "TurnScorer",
    "finishing_wait",
    "load_smart_turn",
    "smart_turn_path",
    "words_finished",
    "words_need_more",
]

WINDOW = 512  # samples at 16 kHz: the VAD's window, 32 ms
WINDOW_S = WINDOW / SPEECH_RATE
SMART_TURN_FILE = "smart-turn-v3.2-cpu.onnx"
SMART_TURN_INSTALL = "pip install --no-deps pipecat-ai==1.14.0"
TURN_MODEL_SECONDS = 8  # Smart-Turn reads the last 8 s of the turn

Vad = Callable[[np.ndarray], float]  # one 512-sample float32 window → P(speech)
TurnScorer = Callable[[np.ndarray], float]  # the turn's audio so far → P(finished)


def _session(path: Path, threads: int = 1) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = threads
    options.log_severity_level = 4
    return onnxruntime.InferenceSession(str(path), sess_options=options,
                                        providers=["CPUExecutionProvider"])


def silero_path() -> Path:
    """faster-whisper's Silero VAD v6 (ships in its wheel)."""
    import faster_whisper

    return Path(faster_whisper.__file__).parent / "assets" / "silero_vad_v6.onnx"


class SileroVad:
    """Silero VAD v6, streamed window by window (its LSTM state carries over); ~0.1 ms a window.
    Call `reset` between turns."""

    CONTEXT = 64  # samples of the previous window the model sees before each window

    def __init__(self, path: Path | None = None) -> None:
        self.session = _session(path or silero_path())
        self.reset()

    def reset(self) -> None:
        self.h = np.zeros((1, 1, 128), np.float32)
        self.c = np.zeros((1, 1, 128), np.float32)
        self.context = np.zeros(self.CONTEXT, np.float32)

    def __call__(self, window: np.ndarray) -> float:
        x = np.concatenate([self.context, window.astype(np.float32)])[None, :]
        out, self.h, self.c = self.session.run(None, {"input": x, "h": self.h, "c": self.c})
        self.context = x[0, -self.CONTEXT:]
        return float(np.asarray(out).reshape(-1)[-1])


def smart_turn_path() -> Path | None:
    """Smart-Turn v3.2's ONNX inside the installed ``pipecat-ai`` wheel, or None."""
    try:
        files = importlib.metadata.files("pipecat-ai") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in files:
        if f.name == SMART_TURN_FILE:
            path = Path(str(f.locate()))
            return path if path.exists() else None
    return None


def _features_module(model: Path) -> ModuleType:
    """pipecat's numpy-only Whisper feature extractor, loaded from its file (importing the
    ``pipecat`` package would pull in its dependencies, which ``--no-deps`` left out)."""
    source = model.parent.parent / "_whisper_features.py"
    spec = importlib.util.spec_from_file_location("_smart_turn_features", source)
    if spec is None or spec.loader is None or not source.exists():
        raise RuntimeError(f"{source}: Smart-Turn's feature extractor is missing")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SmartTurn:
    """Smart-Turn v3.2: the last 8 s of a turn → probability that the speaker finished."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        self.session = _session(path, threads)
        self.features = _features_module(path).compute_whisper_log_mel_features

    def __call__(self, audio: np.ndarray) -> float:
        n = TURN_MODEL_SECONDS * SPEECH_RATE
        audio = audio[-n:].astype(np.float32)
        audio = np.pad(audio, (n - audio.size, 0))  # zeros before, as pipecat does
        features = self.features(audio, do_normalize=True)[None, ...]
        out = self.session.run(None, {"input_features": features})
        return float(np.asarray(out[0]).reshape(-1)[0])


def load_smart_turn(notify: Callable[[str], None] | None = None) -> SmartTurn | None:
    """The turn model, or None after one line saying how to install it (the detector then
    ends a turn after a plain pause)."""
    path = smart_turn_path()
    if path is None:
        if notify:
            notify(f"no end-of-turn model (Smart-Turn; {SMART_TURN_INSTALL}): "
                   "a turn ends after a pause instead")
        return None
    try:
        return SmartTurn(path)
    except (RuntimeError, OSError, ValueError) as exc:
        if notify:
            notify(f"end-of-turn model unusable ({exc}): a turn ends after a pause instead")
        return None


@dataclass(frozen=True)
class TurnParams:
    """How the detector decides. Seconds unless named otherwise."""

    vad_on: float = 0.5  # VAD probability that counts as speech
    vad_off: float = 0.35  # ... and below which speech has stopped (hysteresis)
    start_s: float = 0.096  # speech this long starts a turn (a click does not)
    stop_s: float = 0.2  # silence before the turn model is asked and the words transcribed
    finish_s: float = 0.5  # the earliest end: a sentence gap is shorter (espeak: 0.3–0.45 s)
    threshold: float = 0.5  # turn-model probability that counts as finished
    confirm_s: float = 1.3  # silence that ends a turn whose finished words the model doubts
    question_s: float = 0.8  # ... at most, when those words end in a question mark
    max_pause_s: float = 3.0  # silence that ends a turn whatever the model says
    pause_s: float = 0.6  # without a turn model: the silence that ends a turn
    preroll_s: float = 0.3  # audio kept from before the speech started
    tail_s: float = 0.3  # silence kept after the last speech in the turn's audio
    silence_timeout: float = 10.0  # no speech at all for this long: a silent turn
    max_turn_s: float = 120.0  # a turn longer than this is cut

    @classmethod
    def from_env(cls, **overrides: Any) -> TurnParams:
        """Defaults, then ``TRAINER_TURN_*`` variables for tuning (e.g. TRAINER_TURN_STOP_S)."""
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            raw = os.environ.get(f"TRAINER_TURN_{name.upper()}")
            if raw is not None:
                values[name] = float(raw)
        return cls(**{**values, **overrides})


@dataclass(frozen=True)
class EndOfTurn:
    """How a turn ended. Window indices count from the first window fed."""

    reason: str  # "finished" (turn model and words agree), "confirmed" (finished words,
    # then confirm_s of silence), "max_pause", "pause" (the plain silence rule), "too_long",
    # "no_speech" (no speech for silence_timeout)
    speech_start: int | None  # first window of speech
    speech_end: int | None  # first window after the last speech
    decided_at: int  # windows fed when the decision came
    probabilities: tuple[float, ...] = ()  # the turn model's answers, in order
    texts: tuple[str | None, ...] = ()  # the transcript at each answer


# A turn whose last word is one of these is not over ("I can offer you a refund, or…"):
# conjunctions, articles, possessives, fillers. After a full stop (not a question mark, which
# strands prepositions: "What can I help you with?") prepositions too.
DANGLING = frozenset(("and", "or", "but", "because", "if", "which", "whose", "while", "than",
    "whether", "although", "though", "unless", "a", "an", "the", "my", "your", "our", "their",
    "its", "been", "being", "i", "we", "they", "he", "she", "um", "uh", "erm", "er", "hmm",
    "mm"))
DANGLING_BEFORE_STOP = DANGLING | frozenset(
    ("to", "of", "with", "within", "from", "into", "onto", "for", "at", "by"))


def words_finished(text: str) -> bool | None:
    """Whether a transcript reads as a finished turn: it ends with Whisper's full stop, question
    or exclamation mark and shows no sign of more (`words_need_more`). None: no words."""
    text = text.strip()
    if not text:
        return None
    if text[-1] not in ".?!" or words_need_more(text):
        return False
    return True if text.rstrip(".?!").split() else None


def words_need_more(text: str) -> bool:
    """Whether a transcript shows the turn goes on: it ends in "…", a comma or a word that needs
    more after it ("…a refund, or"; after a full stop prepositions too, which a question may
    strand). Unlike `words_finished`, no full stop is not a sign either way: Whisper leaves
    some finished lines open ("I'm so sorry to hear that")."""
    text = text.strip()
    if text.endswith(("...", "…", ",", ";", ":", "-", "—")):
        return True
    words = text.rstrip(".?!").split()
    if not words:
        return False
    last = words[-1].strip(",;:\"'").lower()
    return last in (DANGLING if text.endswith("?") else DANGLING_BEFORE_STOP)


def finishing_wait(params: TurnParams, p_done: float, text: str | None) -> float:
    """The silence that ends a turn, given the turn model's P(finished) and the words so far.

    Words that need more ("…a refund, or") wait for ``max_pause_s``; words Whisper left open
    with no sign that more is coming ("I'm so sorry to hear that") wait ``confirm_s``. A
    finished turn by the model ends at ``finish_s``. Finished words the model doubts wait
    ``confirm_s`` — or ``question_s`` after a question, which hands the floor over. (A wait
    that falls as the model leans finished was tried: on espeak-ng speech its probability is
    too noisy, and it cut off "I can offer you a refund, or… a replacement".) No words yet:
    the model alone."""
    finished = words_finished(text) if text is not None else None
    earliest = max(params.stop_s, params.finish_s)
    if finished is False:
        if text is not None and not words_need_more(text):  # left open: no sign either way
            return max(earliest, params.confirm_s)
        return params.max_pause_s
    if p_done >= params.threshold:
        return earliest
    if finished is None:
        return params.max_pause_s
    if text is not None and text.rstrip().endswith("?"):
        return max(earliest, min(params.confirm_s, params.question_s))
    return max(earliest, params.confirm_s)


@dataclass
class TurnDetector:
    """Feed 32 ms windows in order with `feed`; it returns an `EndOfTurn` once the turn is over.

    At a pause of ``stop_s`` the turn model is asked, and, given ``transcript``, what was said
    so far is read too: both agreeing the trainee finished ends the turn once the silence
    reaches ``finish_s`` (the models run meanwhile); finished words the model doubts end it
    after ``confirm_s``, or ``question_s`` after a question (`finishing_wait`); otherwise it
    ends after ``max_pause_s``.
    ``on_pause`` is called (with the detector) first — the moment to start transcribing what was said so far, which
    ``transcript`` then returns."""

    vad: Vad
    turn_model: TurnScorer | None
    params: TurnParams = field(default_factory=TurnParams)
    on_pause: Callable[[TurnDetector], None] | None = None
    transcript: Callable[[TurnDetector], str | None] | None = None
    windows: list[np.ndarray] = field(default_factory=list)  # the turn's audio from preroll on
    first_kept: int = 0  # index of windows[0]
    fed: int = 0
    speech_start: int | None = None
    speech_end: int | None = None  # first window after the latest speech
    asked_at: int | None = None  # speech_end the turn model was last asked about
    probabilities: list[float] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)  # the transcript at each question
    wait_s: float = 0.0  # the silence that ends the turn after the last question
    _run: int = 0  # consecutive speech windows
    _speaking: bool = False
    _pre: deque[np.ndarray] = field(default_factory=deque)

    def _n(self, seconds: float) -> int:
        return max(1, round(seconds / WINDOW_S))

    def audio(self, end: int | None = None) -> np.ndarray:
        """The turn's audio from the preroll up to window ``end`` (default: all fed)."""
        kept = self.windows if end is None else self.windows[:max(0, end - self.first_kept)]
        return np.concatenate(kept) if kept else np.zeros(0, np.float32)

    def feed(self, window: np.ndarray) -> EndOfTurn | None:
        index, self.fed = self.fed, self.fed + 1
        p = self.vad(window)
        if self.speech_start is None:
            return self._before_speech(window, index, p)
        self.windows.append(window)
        return self._in_turn(index, p)

    def _before_speech(self, window: np.ndarray, index: int, p: float) -> EndOfTurn | None:
        self._pre.append(window)
        keep = self._n(self.params.preroll_s) + self._n(self.params.start_s)
        while len(self._pre) > keep:
            self._pre.popleft()
        self._run = self._run + 1 if p >= self.params.vad_on else 0
        if self._run >= self._n(self.params.start_s):
            self.speech_start = index + 1 - self._run
            self.speech_end = index + 1
            self._speaking = True
            self.windows = list(self._pre)
            self.first_kept = index + 1 - len(self.windows)
            self._pre.clear()
            return None
        if (index + 1) * WINDOW_S >= self.params.silence_timeout:
            return EndOfTurn("no_speech", None, None, index + 1)
        return None

    def _in_turn(self, index: int, p: float) -> EndOfTurn | None:
        if p >= self.params.vad_on or (self._speaking and p >= self.params.vad_off):
            self._speaking = True
            self.speech_end = index + 1
        else:
            self._speaking = False
        assert self.speech_end is not None and self.speech_start is not None
        silence = (index + 1 - self.speech_end) * WINDOW_S
        if (index + 1 - self.speech_start) * WINDOW_S >= self.params.max_turn_s:
            return self._end("too_long", index)
        if self._speaking:
            return None
        if self.turn_model is None:
            return self._end("pause", index) if silence >= self.params.pause_s - 1e-9 else None
        if silence >= self.params.max_pause_s - 1e-9:
            return self._end("max_pause", index)
        if silence >= self.params.stop_s - 1e-9 and self.asked_at != self.speech_end:
            self.asked_at = self.speech_end
            self.wait_s = self._ask()
        if self.asked_at == self.speech_end and silence >= self.wait_s - 1e-9:
            return self._end("finished" if self.wait_s <= self.params.finish_s else "confirmed",
                             index)
        return None

    def _ask(self) -> float:
        """Ask the turn model (and read the words so far): the silence that ends the turn."""
        assert self.turn_model is not None
        if self.on_pause is not None:
            self.on_pause(self)
        p_done = self.turn_model(self.audio())
        self.probabilities.append(p_done)
        text = self.transcript(self) if self.transcript is not None else None
        self.texts.append(text)
        return finishing_wait(self.params, p_done, text)

    def _end(self, reason: str, index: int) -> EndOfTurn:
        return EndOfTurn(reason, self.speech_start, self.speech_end, index + 1,
                         tuple(self.probabilities), tuple(self.texts))

    def turn_audio(self) -> tuple[np.ndarray, int]:
        """The turn's audio trimmed to ``tail_s`` after the last speech, and the window index
        of its first sample."""
        end = None
        if self.speech_end is not None:
            end = min(self.fed, self.speech_end + self._n(self.params.tail_s))
        return self.audio(end), self.first_kept
