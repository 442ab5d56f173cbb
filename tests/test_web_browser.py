"""A whole spoken call in a real headless Chromium (Debian's, driven by Playwright): the
microphone is a WAV of espeak-ng-rendered trainee turns, heard by the real Whisper through the
CLI's own microphone listener; the call ends on the debrief page. The server asserts that real,
non-silent audio arrived (Chromium gives silence, without an error, for a WAV it can't read).

Screenshots go to the test's folder, and to ``$SCREENSHOTS_DIR`` when it is set."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from trainer import practice
from trainer.config import load_settings
from trainer.db import open_store
from trainer.grading.pipeline import Grading

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"  # as the conftest's `chromium` fixture launches it
SPOKE = ("[...document.querySelectorAll('#transcript li.trainee span')]"
         ".filter(s => s.textContent !== '(silence)').length >= {}")
TURNS = ["Hello Marcus, I am so sorry your internet keeps dropping out.",
         "I will book a technician for tomorrow evening. Does that work for you?"]


def _need(*tools: str) -> None:
    for tool in tools:
        if not (Path(tool).exists() if tool.startswith("/") else shutil.which(tool)):
            pytest.skip(f"{tool} is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright (python) is not installed")


def trainee_wav(folder: Path, lead: float = 3.0, gap: float = 3.0) -> Path:
    """The trainee's turns as one 16 kHz mono 16-bit WAV: silence, turn, silence, turn, …"""
    padded = []
    for i, text in enumerate(TURNS):
        raw, turn = folder / f"raw{i}.wav", folder / f"turn{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(raw), text],
                       check=True, capture_output=True)
        subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16",
                        "-e", "signed-integer", str(turn), "pad", str(lead if i == 0 else 0),
                        str(gap)], check=True, capture_output=True)
        padded.append(str(turn))
    out = folder / "trainee.wav"
    subprocess.run(["sox", *padded, str(out)], check=True, capture_output=True)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(transcriber: Any = None) -> Iterator[tuple[str, Any]]:
    """The app on uvicorn on 127.0.0.1 (a free port), stopped on exit; ``transcriber``: a
    scripted recogniser instead of the configured one."""
    import uvicorn

    from trainer.web.app import create_app

    settings = load_settings().settings
    app = create_app(settings, transcriber=transcriber)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                        ws="auto"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        srv.should_exit = True
        thread.join(timeout=60)


def _shoot(page: Any, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    target = os.environ.get("SCREENSHOTS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


def _ann(browser: Any, base: str) -> Any:
    """A page signed in as ann, on her home page."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{base}/login")
    page.fill("input[name=name]", "ann")
    page.fill("input[name=password]", "ann-password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _spoken_call(chromium: Callable[..., Any], base: str, wav: Path, shots: Path, persona: str,
                 prefix: str, call_timeout_s: float) -> str:
    browser = chromium("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                       f"--use-file-for-fake-audio-capture={wav}%noloop")
    page = _ann(browser, base)
    _shoot(page, shots, f"{prefix}1-personas")
    page.goto(f"{base}/call/{persona}")
    page.click("#start")
    page.wait_for_function(SPOKE.format(1),
                           timeout=call_timeout_s * 1000)
    page.wait_for_function("document.querySelectorAll('#transcript li.caller').length >= 2",
                           timeout=call_timeout_s * 1000)
    _shoot(page, shots, f"{prefix}2-call")
    page.wait_for_function(SPOKE.format(2),
                           timeout=call_timeout_s * 1000)
    stats = page.evaluate("window.callStats")
    assert stats["framesSent"] > 200 and stats["bytesReceived"] > 10000, stats
    page.click("#end")
    page.wait_for_url(f"{base}/sessions/*", timeout=60_000)
    session_id = page.url.rsplit("/", 1)[-1]
    page.wait_for_selector("#score", timeout=call_timeout_s * 1000)
    _shoot(page, shots, f"{prefix}3-debrief")
    assert "Debrief" in page.inner_text("h1")
    return session_id


def _check_session(home: Path, sid: str) -> list[str]:
    folder = home / "sessions" / sid
    meta = json.loads((folder / "session.json").read_text())
    web = meta["web_audio"]
    assert web["frames"] > 250, web  # > 5 s of microphone frames reached the server
    assert web["sound_frames"] > 100 and web["peak_dbfs"] > -30, web  # and they were not silence
    t = json.loads((folder / "transcript.json").read_text())
    for x in t["turns"]:
        print(x["index"], x["speaker"], x["start"], x["end"], x["text"])
    said = [x["text"].lower() for x in t["turns"] if x["speaker"] == "trainee" and x["text"]]
    assert any("sorry" in s for s in said), said
    assert any("technician" in s or "tomorrow" in s for s in said), said
    assert (folder / "audio" / "call.wav").exists()
    return said


def _keep_audio(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake microphone plays its WAV on its own clock, whatever the call is doing; on a
    loaded machine a reply can take tens of seconds, so the server keeps everything the page
    sent until it is heard (the app keeps 5 s)."""
    from trainer.web import live

    monkeypatch.setattr(live, "BUFFER_S", 300.0)


def _users(settings: Any) -> None:
    store = open_store(settings)
    store.add_user("ann", "trainee", "ann-password")


def _scripted_caller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replies: list[str]) -> None:
    """A short test persona, a caller model that says ``replies``, no grader; ann's account."""
    personas = tmp_path / "personas"
    personas.mkdir()
    data = yaml.safe_load((ROOT / "personas" / "calm-marcus.yaml").read_text())
    data.update(id="test-caller", opening="Hello? My internet keeps dropping.", checks=[])
    (personas / "test-caller.yaml").write_text(yaml.safe_dump(data))
    monkeypatch.setenv("TRAINER_PERSONAS", str(personas))
    monkeypatch.setenv("TRAINER_TTS_ENGINE", "espeak")
    from fakes import ScriptedChat

    monkeypatch.setattr(practice, "chat_model", lambda *a, **k: ScriptedChat(replies=replies))
    monkeypatch.setattr(Grading, "from_settings",
                        classmethod(lambda cls, settings, **kw: Grading(None, "none")))
    _users(load_settings().settings)


def _tone_wav(path: Path, seconds: float = 90.0, lead: float = 0.5) -> Path:
    """A microphone that hears a steady tone (after ``lead`` s of silence): 16 kHz 16-bit."""
    t = np.arange(int(16000 * seconds)) / 16000
    pcm = 0.25 * np.sin(2 * np.pi * 300 * t) * (t >= lead)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((pcm * 32767).astype("<i2").tobytes())
    return path


def _stats(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("window.callStats"))


def test_call_controls_in_chromium_help_repeat_push_to_talk_and_clear(
        tmp_path: Path, trainer_home: Path, monkeypatch: pytest.MonkeyPatch,
        chromium: Callable[..., Any]) -> None:
    """The call page's controls in a real Chromium (scripted caller and recogniser): Help opens
    and closes; Repeat flushes the player and plays the caller's last line again; with
    push-to-talk nothing is sent until the button is held, the server takes the held span as
    one turn and ends it on release; End while the caller talks brings the server's `clear`."""
    from fakes import ScriptedTranscriber

    _need(CHROMIUM, "espeak-ng")
    long_line = ("Well, let me tell you the whole story from the very beginning, because it has "
                 "been going on for weeks and nobody at your company ever listens to me at all.")
    _scripted_caller(tmp_path, monkeypatch, [long_line] * 5)
    heard = ScriptedTranscriber(["I'm so sorry. I'll book an engineer for tomorrow."])
    browser = chromium("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                       f"--use-file-for-fake-audio-capture={_tone_wav(tmp_path / 'tone.wav')}"
                       "%noloop")
    frames: list[str] = []
    with serving(heard) as (base, _app):
        page = _ann(browser, base)
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(
            f if isinstance(f, str) else "")))
        page.goto(f"{base}/call/test-caller")
        page.click("#help-button")
        assert page.is_visible("#help") and "This caller trains" in page.inner_text("#help")
        assert page.get_attribute("#help-button", "aria-expanded") == "true"
        page.click("#help-button")
        assert not page.is_visible("#help")
        page.check("#ptt-mode")
        assert page.is_visible("#ptt")
        page.click("#start")
        page.wait_for_function("window.callStats.state === 'listening' && "
                               "window.callStats.playedSamples > 8000", timeout=60_000)
        before = _stats(page)
        assert before["framesSent"] == 0  # push-to-talk: nothing goes up until it is held
        page.click("#repeat")  # the opening line again, from the start
        page.wait_for_function(f"window.callStats.playedSamples > {before['playedSamples']} + "
                               "16000", timeout=30_000)
        assert _stats(page)["clears"] == before["clears"] + 1
        assert heard.seconds == []  # the repeat is the page's own: the server heard nothing
        box = page.locator("#ptt").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.wait_for_timeout(2000)
        _shoot(page, tmp_path, "web-ptt-held")
        page.mouse.up()
        page.wait_for_function(SPOKE.format(1), timeout=30_000)
        sent = _stats(page)["framesSent"]
        assert 60 <= sent <= 150, sent  # ~2 s of 20 ms frames, only while held
        assert len(heard.seconds) == 1 and 1.2 <= heard.seconds[0] <= 3.5, heard.seconds
        assert heard.heard[0] > 0.05  # the tone, not silence
        page.wait_for_function("window.callStats.state === 'speaking'", timeout=60_000)
        page.wait_for_timeout(500)
        page.click("#end")  # mid-line: the server stops the caller and flushes the page
        page.wait_for_url(f"{base}/sessions/*", timeout=60_000)
    said = [json.loads(f)["type"] for f in frames if f.startswith("{")]
    assert "clear" in said[said.index("ended") - 3:], said[-8:]  # just before the end


def test_a_spoken_call_in_chromium_with_a_scripted_caller(
        tmp_path: Path, trainer_home: Path, monkeypatch: pytest.MonkeyPatch,
        chromium: Callable[..., Any]) -> None:
    """The fast browser tier: scripted caller lines, the real Whisper, the real voice and page."""
    _need(CHROMIUM, "espeak-ng", "sox")
    _scripted_caller(tmp_path, monkeypatch,
                     ["Okay. When will it be fixed?", "Tomorrow evening works.", "Fine."] * 5)
    _keep_audio(monkeypatch)
    # turns 7 s apart: under the 10 s after which silence counts as a turn of its own
    wav = trainee_wav(tmp_path, lead=8.0, gap=7.0)
    with serving() as (base, _app):
        sid = _spoken_call(chromium, base, wav, tmp_path, "test-caller", "web-", 120)
    print("heard:", _check_session(trainer_home, sid))


def test_a_spoken_call_in_chromium_with_the_embedded_model(
        tmp_path: Path, trainer_home: Path, monkeypatch: pytest.MonkeyPatch,
        local_model_settings: None, chromium: Callable[..., Any]) -> None:
    """The integration tier: the real embedded caller and grader, the real Whisper."""
    _need(CHROMIUM, "espeak-ng", "sox")
    monkeypatch.setenv("TRAINER_REPEATS", "1")
    monkeypatch.setenv("TRAINER_TTS_ENGINE", "espeak")
    _users(load_settings().settings)
    _keep_audio(monkeypatch)
    wav = trainee_wav(tmp_path, lead=10.0, gap=7.0)
    with serving() as (base, _app):
        sid = _spoken_call(chromium, base, wav, tmp_path, "calm-marcus", "web-model-", 600)
    print("heard:", _check_session(trainer_home, sid))
