"""The web app with a scripted caller, a scripted recogniser and the real call loop, voice and
store: sign-in, CSRF, pages, the call socket's protocol and faults, access control per route."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from fakes import ScriptedTranscriber
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from trainer import practice
from trainer.config import load_settings
from trainer.db import Store, open_store
from trainer.grading.pipeline import Grading
from trainer.transcript import load_transcript
from trainer.web.app import create_app
from trainer.web.live import FRAME_BYTES

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = {"origin": "http://testserver"}
VOICE_HELLO = {"type": "hello", "format": "pcm_s16le", "rate": 16000, "frame_ms": 20}
TEXT_HELLO = {"type": "hello", "mode": "text"}

pytestmark = pytest.mark.timeout(120)


@dataclass
class World:
    settings: Any
    store: Store
    app: Any
    transcriber: ScriptedTranscriber
    root: Path


def _short_persona(folder: Path) -> None:
    data = yaml.safe_load((ROOT / "personas" / "calm-marcus.yaml").read_text())
    data.update(id="test-caller", opening="Hello? My internet is down.", checks=[])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test-caller.yaml").write_text(yaml.safe_dump(data))


@pytest.fixture
def world(trainer_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    _short_persona(tmp_path / "personas")
    monkeypatch.setenv("TRAINER_PERSONAS", str(tmp_path / "personas"))
    monkeypatch.setenv("TRAINER_TTS_ENGINE", "espeak")
    monkeypatch.setenv("TRAINER_WEB_RESUME_SECONDS", "1.5")
    monkeypatch.setenv("TRAINER_MODEL", "local")  # the embedded default: one call at a time
    from fakes import ScriptedChat

    monkeypatch.setattr(practice, "chat_model",
                        lambda *a, **k: ScriptedChat(replies=["Okay, go on."] * 40))
    monkeypatch.setattr(Grading, "from_settings",
                        classmethod(lambda cls, settings, **kw: Grading(None, "none")))
    settings = load_settings().settings
    store = open_store(settings)
    for name, role in [("ann", "trainee"), ("ben", "trainee"), ("cat", "trainee"),
                       ("tia", "trainer"), ("ada", "admin")]:
        store.add_user(name, role, f"{name}-password")
    store.add_team("red")
    store.add_to_team("red", "ann")
    store.add_to_team("red", "tia", as_trainer=True)
    store.add_team("blue")
    store.add_to_team("blue", "cat")
    transcriber = ScriptedTranscriber(["I'm so sorry about that, Marcus.", "Let me fix it."])
    return World(settings, store, create_app(settings, transcriber=transcriber), transcriber,
                 trainer_home)


def signed_in(world: World, name: str) -> TestClient:
    client = TestClient(world.app)
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    out = client.post("/login", data={"name": name, "password": f"{name}-password",
                                      "csrf": token.group(1)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/", out.text
    return client


def csrf_of(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found
    return found.group(1)


def until(ws: Any, want: str, seen: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Read messages (skipping caller audio) until one of type ``want``."""
    while True:
        m = ws.receive()
        if m.get("bytes") is not None:
            if seen is not None:
                seen.append({"type": "audio", "bytes": len(m["bytes"])})
            continue
        if m.get("type") == "websocket.close":
            raise AssertionError(f"socket closed before {want}: {m}")
        data = json.loads(m["text"])
        if seen is not None:
            seen.append(data)
        if data["type"] == want:
            return data


def wait_graded(client: TestClient, sid: str) -> None:
    for _ in range(200):
        state = client.get(f"/sessions/{sid}/status").json()["state"]
        if state == "graded":
            return
        assert state != "failed"
        time.sleep(0.1)
    raise AssertionError("not graded in time")


def typed_call(world: World, client: TestClient, replies: list[str]) -> str:
    with client.websocket_connect("/ws/call?persona=test-caller", headers=ORIGIN) as ws:
        ws.send_json(TEXT_HELLO)
        sid = until(ws, "started")["session"]
        for reply in replies:
            _listening(ws)
            ws.send_json({"type": "text", "text": reply})
        _listening(ws)
        ws.send_json({"type": "end"})
        ended = until(ws, "ended")
        assert ended["debrief_url"] == f"/sessions/{sid}" and ended["ended_by"] == "trainee"
    return str(sid)


def _listening(ws: Any) -> None:
    while until(ws, "state")["state"] != "listening":
        pass


# --- sign-in, cookies, CSRF ----------------------------------------------------------------------


def test_sign_in_and_pages(world: World) -> None:
    anon = TestClient(world.app)
    assert anon.get("/", follow_redirects=False).headers["location"] == "/login"
    client = signed_in(world, "ann")
    home = client.get("/")
    assert home.status_code == 200 and "Marcus Bell" in home.text and "easy" in home.text
    assert "Microphone check" in client.get("/mic-check?persona=test-caller").text
    call = client.get("/call/test-caller")
    assert call.status_code == 200 and "Push-to-talk" in call.text and "Repeat" in call.text
    assert client.get("/call/nobody").status_code == 404
    assert client.get("/progress").status_code == 200


def test_wrong_password_and_stale_login_form(world: World) -> None:
    client = TestClient(world.app)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token
    out = client.post("/login", data={"name": "ann", "password": "nope", "csrf": token.group(1)},
                      follow_redirects=False)
    assert out.headers["location"] == "/login?error=1"
    fresh = TestClient(world.app)  # no login cookie: a cross-site post of the form
    out = fresh.post("/login", data={"name": "ann", "password": "ann-password", "csrf": "x"})
    assert out.status_code == 403


def test_forged_and_expired_cookies_are_signed_out(world: World,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    web = world.app.state.web
    client = TestClient(world.app)
    client.cookies.set("trainer_session", "eyJ1aWQiOjF9.forged.signature")
    assert client.get("/", follow_redirects=False).status_code == 303
    assert client.get("/sessions/x/status").status_code == 401
    import itsdangerous.timed

    user = world.store.user("ann")
    assert user is not None
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: 1_000_000.0)
    old = web.cookies.issue(user.id)
    monkeypatch.undo()
    client.cookies.set("trainer_session", old)
    assert client.get("/", follow_redirects=False).status_code == 303
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(
            "/ws/call?persona=test-caller", headers=ORIGIN) as ws:
        ws.receive()


def test_forms_need_the_csrf_token(world: World) -> None:
    client = signed_in(world, "ann")
    assert client.post("/logout", data={"csrf": "wrong"}).status_code == 403
    out = client.post("/logout", data={"csrf": csrf_of(client)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


# --- the call socket -----------------------------------------------------------------------------


def test_a_typed_call_end_to_end_then_debrief_and_dispute(world: World) -> None:
    client = signed_in(world, "ann")
    sid = typed_call(world, client, ["I'm so sorry, Marcus, that sounds awful."])
    wait_graded(client, sid)
    page = client.get(f"/sessions/{sid}")
    assert page.status_code == 200 and "Debrief" in page.text
    assert "Typed call: no audio measures." in page.text and "Talk ratio" not in page.text
    assert "&lt;" not in page.text  # no template holes in "instead"
    assert "I disagree" in page.text
    info = world.store.session(sid)
    assert info is not None and info.owner == "ann" and info.mode == "text"
    out = client.post(f"/sessions/{sid}/disputes", data={
        "criterion": "empathy", "why": "I said it sounds awful", "csrf": csrf_of(client)},
        follow_redirects=False)
    assert out.status_code == 303
    assert [d.why for d in world.store.disputes([sid])] == ["I said it sounds awful"]
    assert "I said it sounds awful" in client.get(f"/sessions/{sid}").text
    assert client.post(f"/sessions/{sid}/disputes", data={
        "criterion": "charisma", "why": "x", "csrf": csrf_of(client)}).status_code == 400
    progress = client.get("/progress").text
    assert sid in progress


def _tone(seconds: float, dbfs: float = -14.0) -> list[bytes]:
    t = np.arange(int(16000 * seconds)) / 16000
    pcm = (10 ** (dbfs / 20) * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2").tobytes()
    return [pcm[i:i + FRAME_BYTES] for i in range(0, len(pcm), FRAME_BYTES)]


def _speak(ws: Any, seconds: float) -> None:
    for frame in _tone(seconds):
        ws.send_bytes(frame)
        time.sleep(0.02)


def test_a_spoken_call_streams_audio_both_ways(world: World) -> None:
    client = signed_in(world, "ann")
    seen: list[dict[str, Any]] = []
    with client.websocket_connect("/ws/call?persona=test-caller", headers=ORIGIN) as ws:
        ws.send_json(VOICE_HELLO)
        sid = until(ws, "started", seen)["session"]
        start = until(ws, "tts_start", seen)
        assert start["rate"] > 0
        _listening(ws)
        time.sleep(0.8)  # the listener calibrates to the room first
        _speak(ws, 1.0)
        heard = until(ws, "transcript", seen)
        while heard["speaker"] != "trainee":
            heard = until(ws, "transcript", seen)
        assert heard["text"] == "I'm so sorry about that, Marcus."
        until(ws, "mood", seen)
        _listening(ws)
        ws.send_json({"type": "end"})
        until(ws, "ended", seen)
    audio = [m for m in seen if m["type"] == "audio"]
    assert audio and all(m["bytes"] <= 22050 * 2 * 0.02 + 2 for m in audio)
    assert any(m["type"] == "tts_end" for m in seen)
    meta = json.loads((world.root / "sessions" / sid / "session.json").read_text())
    assert meta["web_audio"]["frames"] >= 50 and meta["web_audio"]["sound_frames"] >= 40
    assert world.transcriber.heard[0] > 0.05  # the listener got the tone, not silence
    assert (world.root / "sessions" / sid / "audio" / "001-trainee.wav").exists()


def test_push_to_talk_the_turn_is_what_was_held_and_ends_on_release(world: World) -> None:
    """In push-to-talk the page sends frames only while the button is held: the server takes
    the turn from press to release — a pause while held does not end it, letting go does."""
    client = signed_in(world, "ann")
    with client.websocket_connect("/ws/call?persona=test-caller", headers=ORIGIN) as ws:
        ws.send_json(VOICE_HELLO)
        ws.send_json({"type": "ptt", "mode": True})
        sid = until(ws, "started")["session"]
        _listening(ws)
        time.sleep(1.5)  # nothing is sent while the button is up: no turn
        assert world.transcriber.seconds == []
        ws.send_json({"type": "ptt", "down": True})
        _speak(ws, 0.6)
        for _ in range(60):  # 1.2 s of quiet while held: a pause that would end a turn
            ws.send_bytes(bytes(640))
            time.sleep(0.02)
        _speak(ws, 0.6)
        ws.send_json({"type": "ptt", "down": False})
        let_go = time.monotonic()
        heard = until(ws, "transcript")
        while heard["speaker"] != "trainee":
            heard = until(ws, "transcript")
        waited = time.monotonic() - let_go
        assert heard["text"] == "I'm so sorry about that, Marcus."
        assert len(world.transcriber.seconds) == 1  # one turn, pause and all
        assert 2.2 <= world.transcriber.seconds[0] <= 3.2, world.transcriber.seconds
        assert waited < 1.5, waited  # no waiting for a pause after the release
        ws.send_json({"type": "ptt", "sideways": 1})
        assert "give mode or down" in until(ws, "error")["message"]
    deadline = time.monotonic() + 20
    while world.app.state.web.calls.live() and time.monotonic() < deadline:
        time.sleep(0.05)
    turns = json.loads((world.root / "sessions" / sid / "transcript.json").read_text())["turns"]
    mine = [t for t in turns if t["speaker"] == "trainee"]
    assert mine[0]["measures"]["push_to_talk"] is True


def test_socket_refusals(world: World) -> None:
    client = signed_in(world, "ann")
    for headers in ({}, {"origin": "http://evil.example"}):
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(
                "/ws/call?persona=test-caller", headers=headers) as ws:
            ws.receive()
        assert refused.value.code == 1008
    with client.websocket_connect("/ws/call?persona=test-caller", headers=ORIGIN) as ws:
        ws.send_json({"type": "hello", "format": "opus", "rate": 48000, "frame_ms": 20})
        assert "unsupported audio format" in ws.receive_json()["message"]
        assert ws.receive()["code"] == 1003
    with client.websocket_connect("/ws/call?persona=nobody", headers=ORIGIN) as ws:
        ws.send_json(VOICE_HELLO)
        assert "unknown persona" in ws.receive_json()["message"]
    with client.websocket_connect("/ws/call?persona=test-caller", headers=ORIGIN) as ws:
        ws.send_json(VOICE_HELLO)
        sid = until(ws, "started")["session"]
        ws.send_bytes(b"\x00" * 100)  # not a 20 ms frame
        error = until(ws, "error")
        assert "expected 640" in error["message"]
    deadline = time.monotonic() + 20
    while world.app.state.web.calls.live() and time.monotonic() < deadline:
        time.sleep(0.1)
    info = world.store.session(sid)
    assert info is not None and info.ended_how == "error"


def test_second_tab_busy_server_and_resume(world: World) -> None:
    ann, ben = signed_in(world, "ann"), signed_in(world, "ben")
    with ann.websocket_connect("/ws/call?persona=test-caller", headers=ORIGIN) as ws:
        ws.send_json(TEXT_HELLO)
        started = until(ws, "started")
        call_id, sid = started["call"], started["session"]
        with ann.websocket_connect("/ws/call?persona=test-caller", headers=ORIGIN) as tab:
            tab.send_json(TEXT_HELLO)
            assert "already have a call" in tab.receive_json()["message"]
            assert tab.receive()["code"] == 4409
        with ann.websocket_connect(f"/ws/call?resume={call_id}", headers=ORIGIN) as tab:
            tab.send_json(TEXT_HELLO)
            assert "another tab" in tab.receive_json()["message"]
        with ben.websocket_connect(f"/ws/call?resume={call_id}", headers=ORIGIN) as other:
            other.send_json(TEXT_HELLO)
            assert "no such call" in other.receive_json()["message"]  # not ben's
        with ben.websocket_connect("/ws/call?persona=test-caller", headers=ORIGIN) as other:
            other.send_json(TEXT_HELLO)
            busy = other.receive_json()
            assert busy["type"] == "busy" and "busy" in busy["message"]
            assert other.receive()["code"] == 1013
        _listening(ws)
        ws.send_json({"type": "text", "text": "I'm sorry, Marcus."})
        _listening(ws)
    # the page dropped: it comes back within the window and the call goes on
    with ann.websocket_connect(f"/ws/call?resume={call_id}", headers=ORIGIN) as ws:
        ws.send_json(TEXT_HELLO)
        resumed = until(ws, "resumed")
        assert resumed["session"] == sid
        assert [t["speaker"] for t in resumed["transcript"]][:3] == ["caller", "trainee",
                                                                      "caller"]
        ws.send_json({"type": "text", "text": "Let me check the line."})
        until(ws, "transcript")
    # ... and drops for good: the call ends as disconnected, every turn saved, gradable
    deadline = time.monotonic() + 30
    while world.app.state.web.calls.live() and time.monotonic() < deadline:
        time.sleep(0.1)
    info = world.store.session(sid)
    assert info is not None and info.ended_how == "disconnected" and info.turns >= 4
    lines = (world.root / "sessions" / sid / "transcript.json").read_text()
    assert "Let me check the line." in lines
    wait_graded(ann, sid)  # graded in the background after the call ended
    assert ann.get(f"/sessions/{sid}").status_code == 200


# --- access control ------------------------------------------------------------------------------


def _graded_session(world: World, owner: str, sid: str,
                    gold: str = "e01-delivery-strong") -> None:
    """A graded voice call (a gold transcript, each turn with a WAV) filed under ``owner``."""
    from trainer.grading.pipeline import grade_session
    from trainer.voice.recording import write_call_wav
    from trainer.voice.wav import write_wav

    folder = world.root / "sessions" / sid
    (folder / "audio").mkdir(parents=True)
    t = load_transcript(ROOT / "eval" / "transcripts" / f"{gold}.json")
    for i, turn in enumerate(t.turns):
        name = f"audio/{turn.index:03d}-{turn.speaker}.wav"
        write_wav(folder / name, np.zeros(8000, np.float32), 16000)
        t.turns[i] = replace(turn, audio=name)
    t.save(folder / "transcript.json")
    write_call_wav(t.turns, folder)
    (folder / "session.json").write_text(json.dumps({"persona": "irate-dana", "trainee": owner,
                                                     "ended_by": "trainee", "turns": 8}))
    grade_session(folder, world.settings, grading=Grading(None, "none"))


ROUTES = [
    ("get", "/sessions/{sid}"),
    ("get", "/sessions/{sid}/status"),
    ("get", "/sessions/{sid}/audio/call.wav"),
    ("post", "/sessions/{sid}/disputes"),
    ("post", "/sessions/{sid}/grade"),
]


def _hit(client: TestClient, method: str, path: str) -> int:
    if method == "get":
        return client.get(path, follow_redirects=False).status_code
    data = {"criterion": "empathy", "why": "I did", "csrf": csrf_of(client)}
    return client.post(path, data=data, follow_redirects=False).status_code


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_every_session_route_checks_who_asks(world: World, method: str, route: str) -> None:
    for owner, sid in (("ann", "s-ann"), ("ben", "s-ben"), ("cat", "s-cat")):
        _graded_session(world, owner, sid)
    expect_own = 303 if method == "post" else 200
    # (who, session) -> status: trainees see only their own; a trainer their team's; an admin all
    cases = {("ann", "s-ann"): expect_own, ("ann", "s-ben"): 404, ("ann", "s-cat"): 404,
             ("ben", "s-ann"): 404, ("tia", "s-ann"): expect_own, ("tia", "s-ben"): 404,
             ("tia", "s-cat"): 404, ("ada", "s-cat"): expect_own}
    if route.endswith("/disputes"):  # only the trainee who made the call disputes it
        cases[("tia", "s-ann")] = cases[("ada", "s-cat")] = 403
    clients = {name: signed_in(world, name) for name in ("ann", "ben", "tia", "ada")}
    for (who, sid), status in cases.items():
        assert _hit(clients[who], method, route.format(sid=sid)) == status, (who, sid)
    anon = TestClient(world.app)
    anon_status = 303 if route == "/sessions/{sid}" else 401
    assert _hit_anon(anon, method, route.format(sid="s-ann")) == anon_status
    assert _hit(clients["ann"], method, route.format(sid="no-such")) == 404


def _hit_anon(client: TestClient, method: str, path: str) -> int:
    if method == "get":
        return client.get(path, follow_redirects=False).status_code
    return client.post(path, data={"csrf": "x"}, follow_redirects=False).status_code


def test_audio_names_are_checked(world: World) -> None:
    _graded_session(world, "ann", "s-ann")
    client = signed_in(world, "ann")
    assert client.get("/sessions/s-ann/audio/call.wav").status_code == 200
    for name in ("..%2Fsession.json", "session.json", "grade.json", "x.wav"):
        assert client.get(f"/sessions/s-ann/audio/{name}").status_code == 404


def test_debrief_quotes_play_from_their_moment(world: World) -> None:
    _graded_session(world, "ann", "s-ann", "e02-delivery-weak")
    page = signed_in(world, "ann").get("/sessions/s-ann").text
    assert 'id="recording"' in page and 'class="play" data-at=' in page
    assert "What you could have said instead" in page and "&lt;" not in page


def test_a_terminal_call_shows_on_the_trainees_page(world: World) -> None:
    _graded_session(world, "ann", "s-cli")
    page = signed_in(world, "ann").get("/progress").text
    assert "s-cli" in page


def test_instead_lines_have_no_template_holes() -> None:
    from trainer.grading.debrief import _instead
    from trainer.grading.rubric import load_rubric

    for c in load_rubric().criteria:
        for name in ("Dana", ""):
            line = _instead(c.instead, name)
            assert "<" not in line and ">" not in line and "{" not in line, (c.id, line)


def test_barge_in_clears_the_pages_playback(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """With barge-in on, talking over the caller stops its audio: the page gets `clear`."""
    monkeypatch.setenv("TRAINER_BARGE_IN", "1")
    settings = load_settings().settings
    from fakes import ScriptedChat

    long_line = ("Well, let me tell you the whole story from the very beginning, because it "
                 "has been going on for weeks and nobody listens to me at all.")
    monkeypatch.setattr(practice, "chat_model",
                        lambda *a, **k: ScriptedChat(replies=[long_line] * 10))
    app = create_app(settings, transcriber=ScriptedTranscriber(["Sorry to interrupt."] * 5))
    world.app = app
    client = signed_in(world, "ann")
    with client.websocket_connect("/ws/call?persona=test-caller", headers=ORIGIN) as ws:
        ws.send_json(VOICE_HELLO)
        until(ws, "started")
        _listening(ws)
        time.sleep(0.3)
        _speak(ws, 0.8)
        until(ws, "tts_start")  # the long reply starts playing …
        time.sleep(0.5)
        pushed = time.monotonic()
        talker = threading.Thread(target=_speak, args=(ws, 1.0), daemon=True)
        talker.start()  # … and the trainee talks over it
        clear = until(ws, "clear")
        reaction = time.monotonic() - pushed
        talker.join()
        assert clear["type"] == "clear" and reaction < 1.0, reaction  # onset 0.2 s + load
        ws.send_json({"type": "end"})
        until(ws, "ended")


def test_serve_prints_the_url_and_warns_beyond_loopback(world: World,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from trainer.web import server

    runs: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: runs.append((host, port)))
    said: list[str] = []
    server.serve(world.settings, "127.0.0.1", 8123, echo=said.append)
    assert runs == [("127.0.0.1", 8123)]
    assert any("http://127.0.0.1:8123/" in s for s in said)
    assert not any("WARNING" in s for s in said)
    said.clear()
    server.serve(world.settings, "0.0.0.0", 8000, echo=said.append)
    assert any(s.startswith("WARNING") and "TLS" in s for s in said)
    assert server.is_loopback("::1") and server.is_loopback("localhost")
    assert not server.is_loopback("192.168.1.5")
