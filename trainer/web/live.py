"""A live call over one WebSocket: the page's microphone frames feed a `PushedMicrophone` read by
the CLI's own microphone listener; the caller's voice goes back as PCM paced at real time; the
call loop (`trainer.practice.practise`) runs unchanged in a thread.

Page → server: a ``hello`` text frame, then 640-byte binary frames (20 ms of 16 kHz s16le mono);
control frames ``{"type": "end"}``, ``{"type": "text", "text": …}`` (typed replies),
``{"type": "playback", "utt": n, "played_ms": ms}``, ``{"type": "ptt", "mode": bool}``
(push-to-talk on or off, from the next turn) and ``{"type": "ptt", "down": bool}`` (the talk
button pressed or let go: in push-to-talk the turn is what was sent in between, and ends when
the button is let go — no waiting for a pause).
Server → page: ``started``, ``state`` (listening / thinking / speaking), ``tts_start`` {utt,
rate}, binary PCM s16le, ``tts_end``, ``clear`` (stop playback now), ``transcript``, ``mood``,
``ended`` {session, debrief_url, ended_by}, ``busy``, ``error``.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trainer.config import Settings
from trainer.personas import Persona
from trainer.store import SessionWriter, update_session_meta
from trainer.transcript import Turn
from trainer.voice.base import EndOfInput, Heard, Listener
from trainer.voice.pushed import PushedMicrophone
from trainer.voice.stt import Transcriber, Transcription

__all__ = ["FRAME_BYTES", "CallRuntime", "LiveCall", "SocketPlayer", "WebMicrophone", "WebPushToTalk",
           "check_hello"]

RATE = 16000
FRAME_MS = 20
FRAME_BYTES = RATE * FRAME_MS // 1000 * 2  # 640
LEAD_S = 0.2  # caller audio is sent this far ahead of real time
# What the page sent while nobody listened (the caller was talking) is kept for this long, so
# words said as the caller finishes are not lost; older audio is dropped, like an overflowing
# capture buffer, so a long caller line never leaves a backlog to wade through.
BUFFER_S = 5.0
SPEECH_DBFS = -45.0  # a frame louder than this counts as sound, for the "real audio" figures

Message = dict[str, Any] | bytes


class HelloError(ValueError):
    """The page's hello names a format this server does not take."""


def check_hello(msg: Any) -> str:
    """The call mode from a hello frame: ``voice`` (16 kHz s16le 20 ms frames) or ``text``."""
    if not isinstance(msg, dict) or msg.get("type") != "hello":
        raise HelloError("the first frame must be a hello")
    if msg.get("mode") == "text":
        return "text"
    fmt = (msg.get("format"), msg.get("rate"), msg.get("frame_ms"))
    if fmt != ("pcm_s16le", RATE, FRAME_MS):
        raise HelloError(f"unsupported audio format {fmt}: send pcm_s16le, {RATE} Hz, "
                         f"{FRAME_MS} ms frames")
    return "voice"


class Link:
    """The call's connection to its page. The call thread sends through it from any thread; a
    sender task drains it to whichever socket is attached. While the page is away, messages are
    dropped and the call waits (`wait_attached`)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.outbox: asyncio.Queue[Message | None] = asyncio.Queue()
        self.attached = threading.Event()
        self.ended = threading.Event()
        self.end_reason: str | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[Message | None]:
        """A (re)connected page: a fresh outbox on its loop (nothing stale from before)."""
        self.loop, self.outbox = loop, asyncio.Queue()
        self.attached.set()
        return self.outbox

    def send(self, msg: Message | None) -> None:
        """Queue a message for the page (None closes the socket); dropped while it is away."""
        if self.attached.is_set():
            with contextlib.suppress(RuntimeError):  # the page's loop closed meanwhile
                self.loop.call_soon_threadsafe(self.outbox.put_nowait, msg)

    def end(self, reason: str) -> None:
        """Stop the call: the next microphone read or typed-reply wait raises EndOfInput."""
        if self.end_reason is None:
            self.end_reason = reason
        self.ended.set()
        self.attached.set()  # wake anything waiting for the page

    def check(self) -> None:
        if self.end_reason is not None:
            raise EndOfInput(self.end_reason)

    def wait_attached(self) -> float:
        """Block while the page is away; the seconds waited."""
        if self.attached.is_set():
            return 0.0
        started = time.monotonic()
        self.attached.wait()
        return time.monotonic() - started


class WebMicrophone(PushedMicrophone):
    """The page's microphone: frames are placed back to back as they arrive (a burst from the
    network is not overlapped), the clock pauses while the page is away, and an ended call
    raises `EndOfInput` in the listener."""

    def __init__(self, link: Link) -> None:
        super().__init__(noise_dbfs=-70.0)
        self.link = link
        self.next_start = 0
        self.reader: threading.Thread | None = None  # the call thread: it alone sees the end
        self.frames = 0
        self.sound_frames = 0
        self.peak_dbfs = -120.0

    def push_frame(self, data: bytes) -> None:
        samples = np.frombuffer(data, "<i2").astype(np.float32) / 32768
        level = 20 * np.log10(max(float(np.sqrt(np.mean(samples ** 2))), 1e-6))
        with self.lock:
            self._start()
            start = max(self.pos, self.next_start)
            self.clips = [c for c in self.clips if c[0] + len(c[1]) > self.pos]
            self.clips.append((start, samples))
            self.next_start = start + len(samples)
            self.frames += 1
            self.sound_frames += int(level > SPEECH_DBFS)
            self.peak_dbfs = max(self.peak_dbfs, float(level))

    def read(self, size: int) -> bytes:
        if self.link.end_reason is not None and threading.current_thread() is not self.reader:
            return bytes(2 * size)  # a helper thread (the barge-in monitor) as the call ends
        self.link.check()
        paused = self.link.wait_attached()
        if paused:
            with self.lock:
                if self.t0 is not None:
                    self.t0 += paused  # the page was away: the room's clock stood still
        self.link.check()
        self._drop_stale()
        return super().read(size)

    def _drop_stale(self) -> None:
        """Keep only the last `BUFFER_S` of audio nobody has read yet."""
        with self.lock:
            if self.t0 is None:
                return
            now = round((time.monotonic() - self.t0) * self.SAMPLE_RATE)
            oldest = now - round(BUFFER_S * self.SAMPLE_RATE)
            if self.pos < oldest:
                self.pos = oldest

    def skip_to_now(self) -> None:
        """Forget the backlog nobody read (nobody listens before a push-to-talk turn): the
        frames pushed from now on are heard from now, back to back."""
        with self.lock:
            if self.t0 is not None:
                now = round((time.monotonic() - self.t0) * self.SAMPLE_RATE)
                self.pos = max(self.pos, now)
                self.next_start = max(self.next_start, self.pos)

    def drained(self) -> bool:
        """Whether every frame pushed so far has been read."""
        with self.lock:
            return self.pos >= self.next_start

    def stats(self) -> dict[str, Any]:
        return {"frames": self.frames, "seconds": round(self.frames * FRAME_MS / 1000, 2),
                "sound_frames": self.sound_frames, "peak_dbfs": round(self.peak_dbfs, 1)}


class WebPushToTalk:
    """The page's talk button (`trainer.voice.listen.PushToTalk`): the socket's ``ptt``
    frames press and release it; the call thread waits on it. Switching push-to-talk off
    while a turn waits for the button lets that turn go (it reads as silence)."""

    DRAIN_S = 2.0  # after the button is let go, wait at most this long for its last frames

    def __init__(self, link: Link, mic: WebMicrophone) -> None:
        self.link, self.mic = link, mic
        self.mode = False
        self.down = threading.Event()
        self.up = threading.Event()

    @property
    def active(self) -> bool:
        return self.mode

    def set_mode(self, on: bool) -> None:
        self.mode = on
        for event in (self.down, self.up):
            if on:
                event.clear()
            else:
                event.set()  # a turn waiting for the button goes on

    def press(self) -> None:
        self.mic.skip_to_now()  # before this press's first frame is pushed
        self.up.clear()
        self.down.set()

    def release(self) -> None:
        self.down.clear()
        self.up.set()

    def wait_press(self) -> bool:
        while not self.down.wait(0.05):
            self.link.check()  # the call ended meanwhile: EndOfInput
        return True

    def wait_release(self) -> None:
        while not self.up.wait(0.05):
            self.link.check()
        deadline = time.monotonic() + self.DRAIN_S
        while not self.mic.drained() and time.monotonic() < deadline:
            time.sleep(0.01)


class SocketPlayer:
    """Plays a rendered caller sentence into the page: ``tts_start``, 20 ms PCM chunks paced at
    real time with `LEAD_S` of lead, ``tts_end``; waits out the audio like a sound card, and on
    ``stop()`` (barge-in, the call ending) sends ``clear`` at once."""

    def __init__(self, link: Link, chunk_ms: int = 20) -> None:
        self.link = link
        self.chunk_ms = chunk_ms
        self.utt = 0
        self.on_first: Callable[[], None] | None = None

    def play(self, path: Path, stop: Callable[[], bool]) -> bool:
        import wave

        with wave.open(str(path), "rb") as w:
            rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
            pcm = w.readframes(w.getnframes())
        if width != 2 or channels != 1:
            from trainer.voice.wav import read_wav

            audio, rate = read_wav(path)
            pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
        self.utt += 1
        utt, step = self.utt, rate * self.chunk_ms // 1000 * 2
        self.link.wait_attached()
        self.link.send({"type": "state", "state": "speaking"})
        self.link.send({"type": "tts_start", "utt": utt, "rate": rate})
        started = time.monotonic()
        for i in range(0, len(pcm), step):
            due = started + i / (2 * rate) - LEAD_S
            if not self._wait(due, stop):
                self.link.send({"type": "clear", "utt": utt})
                return False
            self.link.send(pcm[i:i + step])
        self.link.send({"type": "tts_end", "utt": utt})
        return self._wait(started + len(pcm) / (2 * rate), stop) or self._cleared(utt)

    def _cleared(self, utt: int) -> bool:
        self.link.send({"type": "clear", "utt": utt})
        return False

    @staticmethod
    def _wait(until: float, stop: Callable[[], bool]) -> bool:
        """Sleep until ``until``; False as soon as ``stop()`` turns true."""
        while True:
            if stop():
                return False
            left = until - time.monotonic()
            if left <= 0:
                return True
            time.sleep(min(0.01, left))


class StopSignal:
    """What stops the caller's playback: the listener's barge-in monitor, or the call ending."""

    def __init__(self, link: Link, barge: Any = None) -> None:
        self.link, self.barge = link, barge

    def triggered(self) -> bool:
        return self.link.ended.is_set() or (self.barge is not None and self.barge.triggered())


class TypedListener:
    """Typed replies from the page (the microphone was denied or is absent)."""

    def __init__(self, link: Link) -> None:
        self.link = link
        self.inbox: queue.Queue[str] = queue.Queue()

    def listen(self, save_as: Path | None) -> Heard:
        started = time.monotonic()
        while True:
            self.link.check()
            try:
                text = self.inbox.get(timeout=0.1)
            except queue.Empty:
                continue
            return Heard(text=text.strip(), started=started, ended=time.monotonic())


class Announcing:
    """Wraps the call's listener: tells the page when it is listening and what was heard."""

    def __init__(self, inner: Listener, link: Link) -> None:
        self.inner, self.link = inner, link

    def listen(self, save_as: Path | None) -> Heard:
        self.link.send({"type": "state", "state": "listening"})
        heard = self.inner.listen(save_as)
        self.link.send({"type": "state", "state": "thinking"})
        self.link.send({"type": "transcript", "speaker": "trainee",
                        "text": heard.text or "(silence)"})
        return heard

    def close(self) -> None:
        closer = getattr(self.inner, "close", None)
        if callable(closer):
            closer()


class SharedTranscriber:
    """One speech recogniser for every call of the process, one transcription at a time."""

    def __init__(self, build: Callable[[], Transcriber]) -> None:
        self._build = build
        self._model: Transcriber | None = None
        self._lock = threading.Lock()

    def load(self) -> Transcriber:
        with self._lock:
            if self._model is None:
                self._model = self._build()
            return self._model

    def warm(self) -> None:
        """Load the recogniser and run it once in the background (its voice-activity filter
        and decoder load on first use), so the first trainee turn doesn't wait."""
        def run() -> None:
            with contextlib.suppress(Exception):  # a broken recogniser reports on first turn
                t = np.arange(RATE // 2) / RATE
                self.transcribe((0.1 * np.sin(2 * np.pi * 300 * t)).astype(np.float32))

        threading.Thread(target=run, daemon=True, name="stt-warm").start()

    def transcribe(self, audio: np.ndarray) -> Transcription:
        model = self.load()
        with self._lock:
            return model.transcribe(audio)


@dataclass
class CallRuntime:
    """What every call of the app shares: settings, the transcriber, the model seams."""

    settings: Settings
    transcriber: Transcriber
    practise: Callable[..., Any]


@dataclass
class LiveCall:
    """One call in progress: its page link, microphone, listener and the call-loop thread."""

    id: str
    owner_id: int
    owner: str
    persona: Persona
    mode: str
    link: Link
    mic: WebMicrophone
    typed: TypedListener | None = None
    ptt: WebPushToTalk | None = None
    session_id: str | None = None
    session_dir: Path | None = None
    ended_by: str | None = None
    thread: threading.Thread | None = None
    socket_token: str | None = None
    expiry: threading.Timer | None = None
    transcript: list[dict[str, Any]] = field(default_factory=list)
    played: dict[int, int] = field(default_factory=dict)
    on_done: Callable[[LiveCall], None] | None = None

    @classmethod
    def create(cls, owner_id: int, owner: str, persona: Persona, mode: str,
               loop: asyncio.AbstractEventLoop) -> LiveCall:
        link = Link(loop)
        call = cls(secrets.token_urlsafe(12), owner_id, owner, persona, mode, link,
                   WebMicrophone(link))
        if mode == "text":
            call.typed = TypedListener(link)
        else:
            call.ptt = WebPushToTalk(link, call.mic)
        return call

    @property
    def finished(self) -> bool:
        return self.thread is not None and not self.thread.is_alive()

    def start(self, runtime: CallRuntime) -> None:
        self.thread = threading.Thread(target=self._run, args=(runtime,), daemon=True,
                                       name=f"call-{self.id}")
        self.thread.start()

    # --- the call thread -------------------------------------------------------------------

    def _started(self, writer: SessionWriter) -> None:
        self.session_id, self.session_dir = writer.id, writer.dir
        writer.append = _tap(writer.append, self._saved)  # type: ignore[method-assign,assignment]
        self.link.send({"type": "started", "call": self.id, "session": writer.id})

    def _saved(self, turn: Turn) -> None:
        entry = {"speaker": turn.speaker, "text": turn.text}
        self.transcript.append(entry)
        if turn.speaker == "caller" and turn.mood is not None:
            self.link.send({"type": "mood", "anger": turn.mood.anger, "trust": turn.mood.trust})

    def _write(self, text: str) -> None:
        """The caller's words as they are spoken (the speaker's ``write``)."""
        if text.strip() and not text.startswith("Caller:") and text.strip() != "[interrupted]":
            self.link.send({"type": "transcript", "speaker": "caller", "text": text.strip()})

    def _io(self, runtime: CallRuntime) -> tuple[Any, Listener]:
        from trainer.voice import factory

        settings = runtime.settings
        if self.typed is not None:
            listener: Any = self.typed
            barge = None
        else:
            listener = factory.microphone_listener(self.mic, settings, runtime.transcriber,
                                                   notify=lambda _m: None, echo=None,
                                                   push_to_talk=self.ptt or False)
            barge = getattr(listener, "barge_signal", None)
        player = SocketPlayer(self.link)
        speaker = factory.build_speaker(settings, self._write, engine=self.persona.voice.engine,
                                        barge_in=StopSignal(self.link, barge), player=player)
        return speaker, Announcing(listener, self.link)

    def _run(self, runtime: CallRuntime) -> None:
        from trainer.practice import CallOptions
        from trainer.voice import factory

        self.mic.reader = threading.current_thread()
        speaker, listener = self._io(runtime)
        try:
            result = runtime.practise(
                self.persona, runtime.settings, speaker, listener,
                CallOptions(max_turns=20, mode="voice" if self.typed is None else "text",
                            trainee=self.owner),
                style_for=factory.style_for_persona, on_start=self._started)
            self.ended_by = result.ended_by
            if result.error:
                self.link.send({"type": "error", "message": result.error})
        except Exception as exc:  # the call could not start (a model, a device): say so
            self.ended_by = "error"
            self.link.send({"type": "error", "message": f"{type(exc).__name__}: {exc}"})
        finally:
            factory.close(speaker, listener)
        if self.session_dir is not None and self.typed is None:
            with contextlib.suppress(OSError):
                update_session_meta(self.session_dir, web_audio=self.mic.stats())
        if self.on_done is not None:
            self.on_done(self)


def _tap(append: Callable[[Turn], None], after: Callable[[Turn], None]) -> Callable[[Turn], None]:
    def tapped(turn: Turn) -> None:
        append(turn)
        after(turn)

    return tapped
