"""The calls a server holds: starting, refusing when full, one socket per call, resuming after
a dropped socket, and grading each call in the background once it ends."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from trainer.config import Settings
from trainer.db import Store, Viewer
from trainer.models import parse_spec
from trainer.personas import Persona, PersonaError, find_persona
from trainer.web.live import FRAME_BYTES, CallRuntime, HelloError, LiveCall, check_hello

__all__ = ["CallManager", "Grading", "default_max_calls"]

# Close codes: 1003 unsupported data (wrong frame format), 1008 policy (not yours, bad origin),
# 1013 try again later (server full), 4409 the call is open in another tab.
UNSUPPORTED, POLICY, TRY_LATER, CONFLICT = 1003, 1008, 1013, 4409

# Measured with bench/web_bench.py on the 2-core test machine (see README): with the model on
# this machine (embedded, or a llama_cpp.server on the loopback) every call shares its cores;
# with a model elsewhere calls are independent and the limit is the transcriber and the voice.
EMBEDDED_MAX_CALLS = 1
REMOTE_MAX_CALLS = 8


def default_max_calls(settings: Settings) -> int:
    if settings.web_max_calls > 0:
        return settings.web_max_calls
    here = parse_spec(settings.model_for("caller")).on_this_machine
    return EMBEDDED_MAX_CALLS if here else REMOTE_MAX_CALLS


@dataclass
class Grading:
    """A session's grading as the page sees it."""

    state: str  # grading | graded | failed
    done: int = 0
    of: int = 0
    criterion: str = ""
    error: str = ""


@dataclass
class CallManager:
    settings: Settings
    store: Store
    runtime: CallRuntime
    max_calls: int
    calls: dict[str, LiveCall] = field(default_factory=dict)
    grading: dict[str, Grading] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    grader: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="grade"))

    # --- counting --------------------------------------------------------------------------------

    def live(self) -> list[LiveCall]:
        with self.lock:
            return [c for c in self.calls.values() if not c.finished]

    def live_for(self, owner_id: int) -> LiveCall | None:
        return next((c for c in self.live() if c.owner_id == owner_id), None)

    # --- the socket ----------------------------------------------------------------------------

    async def handle(self, ws: WebSocket, viewer: Viewer, persona_id: str | None,
                     resume: str | None) -> None:
        """One page's socket: a new call (``persona_id``) or a reconnection (``resume``)."""
        call = await self._attach_or_start(ws, viewer, persona_id, resume)
        if call is None:
            return
        sender = asyncio.create_task(self._send(ws, call))
        try:
            await self._receive(ws, call)
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender
            self._detach(ws, call)

    async def _refuse(self, ws: WebSocket, code: int, message: str, kind: str = "error") -> None:
        with contextlib.suppress(Exception):
            await ws.send_json({"type": kind, "message": message})
            await ws.close(code)

    async def _attach_or_start(self, ws: WebSocket, viewer: Viewer, persona_id: str | None,
                               resume: str | None) -> LiveCall | None:
        await ws.accept()
        try:
            mode = check_hello(json.loads(await ws.receive_text()))
        except (HelloError, ValueError, KeyError, TypeError) as exc:
            await self._refuse(ws, UNSUPPORTED, str(exc) or "the first frame must be a hello")
            return None
        except WebSocketDisconnect:
            return None
        if resume:
            return await self._resume(ws, viewer, resume)
        persona = self._persona(persona_id)
        if persona is None:
            await self._refuse(ws, POLICY, f"unknown persona '{persona_id}'")
            return None
        if self.live_for(viewer.id) is not None:
            await self._refuse(ws, CONFLICT, "you already have a call in progress (another tab?)")
            return None
        with self.lock:
            busy = sum(not c.finished for c in self.calls.values()) >= self.max_calls
            if not busy:
                call = LiveCall.create(viewer.id, viewer.user.name, persona, mode,
                                       asyncio.get_running_loop())
                call.on_done = self._done
                self.calls[call.id] = call
        if busy:
            await self._refuse(ws, TRY_LATER, f"All {self.max_calls} practice line(s) of this "
                               "server are busy. Try again in a few minutes.", kind="busy")
            return None
        call.link.attach(asyncio.get_running_loop())
        call.start(self.runtime)
        return call

    async def _resume(self, ws: WebSocket, viewer: Viewer, call_id: str) -> LiveCall | None:
        with self.lock:
            call = self.calls.get(call_id)
        if call is None or call.owner_id != viewer.id or call.finished or call.link.ended.is_set():
            await self._refuse(ws, POLICY, "no such call in progress (it may have ended)")
            return None
        if call.link.attached.is_set():
            await self._refuse(ws, CONFLICT, "this call is open in another tab")
            return None
        if call.expiry is not None:
            call.expiry.cancel()
        call.link.attach(asyncio.get_running_loop())
        await ws.send_json({"type": "resumed", "call": call.id, "session": call.session_id,
                            "transcript": call.transcript})
        return call

    def _persona(self, persona_id: str | None) -> Persona | None:
        if not persona_id or "/" in persona_id or persona_id.endswith((".yaml", ".yml")):
            return None
        try:
            return find_persona(persona_id, self.settings.persona_dirs())
        except PersonaError:
            return None

    async def _send(self, ws: WebSocket, call: LiveCall) -> None:
        while True:
            msg = await call.link.outbox.get()
            if msg is None:
                await ws.close(1000)
                return
            if isinstance(msg, bytes):
                await ws.send_bytes(msg)
            else:
                await ws.send_json(msg)

    async def _receive(self, ws: WebSocket, call: LiveCall) -> None:
        while True:
            try:
                frame = await ws.receive()
            except (WebSocketDisconnect, RuntimeError):
                return
            if frame["type"] == "websocket.disconnect":
                return
            problem = self._take(call, frame)
            if problem:
                call.link.end("error")
                await self._refuse(ws, UNSUPPORTED, problem)
                return

    def _take(self, call: LiveCall, frame: Mapping[str, Any]) -> str | None:
        """Apply one frame from the page; a problem message if it breaks the protocol."""
        data, text = frame.get("bytes"), frame.get("text")
        if data is not None:
            if call.typed is not None:
                return "this is a typed call: no audio frames"
            if len(data) != FRAME_BYTES:
                return (f"audio frame of {len(data)} bytes: expected {FRAME_BYTES} "
                        "(20 ms of 16 kHz 16-bit mono)")
            call.mic.push_frame(data)
            return None
        try:
            msg = json.loads(text or "")
        except ValueError:
            return "control frames are JSON"
        kind = msg.get("type") if isinstance(msg, dict) else None
        if kind == "end":
            call.link.end("trainee")
        elif kind == "text" and call.typed is not None:
            call.typed.inbox.put(str(msg.get("text", ""))[:2000])
        elif kind == "ptt":
            return _push_to_talk(call, msg)
        elif kind == "playback":
            with contextlib.suppress(TypeError, ValueError):
                call.played[int(msg["utt"])] = int(msg["played_ms"])
        elif kind not in ("ping",):
            return f"unknown control frame {kind!r}"
        return None

    def _detach(self, ws: WebSocket, call: LiveCall) -> None:
        if call.finished or call.link.ended.is_set():
            return
        call.link.attached.clear()
        call.expiry = threading.Timer(self.settings.web_resume_seconds, self._expire, (call,))
        call.expiry.daemon = True
        call.expiry.start()

    def _expire(self, call: LiveCall) -> None:
        if not call.link.attached.is_set():
            call.link.end("disconnected")

    # --- after the call ------------------------------------------------------------------------

    def _done(self, call: LiveCall) -> None:
        """The call loop returned: tell the page, then grade in the background."""
        sid = call.session_id
        if sid is not None:
            self.grade(sid)
            call.link.send({"type": "ended", "session": sid, "ended_by": call.ended_by,
                            "debrief_url": f"/sessions/{sid}"})
        call.link.send(None)

    def grade(self, session_id: str) -> Grading:
        """Queue a session for grading (once); its progress is in ``grading``."""
        with self.lock:
            current = self.grading.get(session_id)
            if current is not None and current.state == "grading":
                return current
            job = self.grading[session_id] = Grading("grading")
        self.grader.submit(self._grade, session_id, job)
        return job

    def _grade(self, session_id: str, job: Grading) -> None:
        from trainer.grading.pipeline import grade_session
        from trainer.grading.rubric import load_rubric

        info = self.store.session(session_id)
        if info is None:
            job.state, job.error = "failed", "not in the store"
            return
        folder: Path = self.store.folder(info)
        job.of = len(load_rubric().criteria)

        def progress(criterion: str) -> None:
            job.done += 1
            job.criterion = criterion

        try:
            grade_session(folder, self.settings, progress=progress)
        except Exception as exc:  # a grading failure leaves the call saved and gradable later
            job.state, job.error = "failed", str(exc).splitlines()[0] if str(exc) else repr(exc)
            return
        job.state = "graded"

    def close(self) -> None:
        for call in self.live():
            call.link.end("server_stopped")
        for call in list(self.calls.values()):
            if call.thread is not None:
                call.thread.join(timeout=10)
        self.grader.shutdown(wait=True, cancel_futures=True)


def _push_to_talk(call: LiveCall, msg: dict[str, Any]) -> str | None:
    """A ``ptt`` frame: ``mode`` switches push-to-talk, ``down`` presses or lets go."""
    if call.ptt is None:
        return "this is a typed call: no push-to-talk"
    if not any(isinstance(msg.get(k), bool) for k in ("mode", "down")):
        return "ptt frame: give mode or down (true or false)"
    if isinstance(msg.get("mode"), bool):
        call.ptt.set_mode(msg["mode"])
    if msg.get("down") is True:
        call.ptt.press()
    elif msg.get("down") is False:
        call.ptt.release()
    return None


def socket_open(ws: WebSocket) -> bool:
    return ws.application_state == WebSocketState.CONNECTED
