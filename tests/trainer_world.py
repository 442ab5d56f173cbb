"""A team world for the trainers' pages: users in two teams, graded voice sessions with a real
recording, and the app (scripted models, no real grader)."""

from __future__ import annotations

import json
import re
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from review_helpers import make_grade

from trainer import practice
from trainer.config import load_settings
from trainer.db import Store, open_store, sync_folder
from trainer.grading.pipeline import Grading

ROOT = Path(__file__).resolve().parent.parent
USERS = [("ann", "trainee"), ("ben", "trainee"), ("cat", "trainee"), ("tia", "trainer"),
         ("tom", "trainer"), ("ada", "admin")]
LINES = [("caller", "My internet has been down for two days!"),
         ("trainee", "I'm so sorry, Marcus. That sounds really frustrating."),
         ("caller", "It is. I work from home."),
         ("trainee", "I can book an engineer for Thursday morning, or run a line test now.")]


@dataclass
class World:
    settings: Any
    store: Store
    app: Any
    home: Path
    sessions: dict[str, str]  # trainee -> their graded session id


def _tone(path: Path, seconds: float, freq: float) -> None:
    t = np.arange(int(16000 * seconds)) / 16000
    pcm = (0.3 * 32767 * np.sin(2 * np.pi * freq * t)).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.tobytes())


def voice_session(store: Store, sid: str, trainee: str, marks: dict[str, str | None],
                  started: str = "2026-12-01T10:00:00", persona: str = "calm-marcus") -> Path:
    """A finished, graded voice call by ``trainee``, indexed in the store."""
    folder = store.root / "sessions" / sid
    (folder / "audio").mkdir(parents=True)
    turns, clock = [], 0.0
    for i, (speaker, text) in enumerate(LINES):
        audio = f"audio/{i:03d}-{speaker}.wav"
        _tone(folder / audio, 2.0, 220 if speaker == "caller" else 330)
        turn: dict[str, Any] = {"index": i, "speaker": speaker, "text": text, "start": clock,
                                "end": clock + 2.0, "audio": audio}
        if speaker == "caller":
            turn["mood"] = {"anger": 6.0 - i, "trust": 3.0 + i}
        turns.append(turn)
        clock += 2.5
    (folder / "transcript.json").write_text(json.dumps({"id": sid, "persona": persona,
                                                        "turns": turns}))
    (folder / "session.json").write_text(json.dumps({
        "id": sid, "persona": persona, "trainee": trainee, "started_at": started,
        "caller_name": "Marcus Bell", "persona_hash": "a" * 64, "mode": "voice",
        "ended_by": "trainee", "turns": len(turns)}))
    practice.finish_recording(folder)
    grade = make_grade(sid, persona, marks)
    (folder / "grade.json").write_text(grade.model_dump_json(indent=1))
    sync_folder(store, folder)
    return folder


def build(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    from fakes import ScriptedChat

    from trainer.web.app import create_app

    monkeypatch.setenv("TRAINER_TTS_ENGINE", "espeak")
    monkeypatch.setattr(practice, "chat_model",
                        lambda *a, **k: ScriptedChat(replies=["Okay, go on."] * 40))
    monkeypatch.setattr(Grading, "from_settings",
                        classmethod(lambda cls, settings, **kw: Grading(None, "none")))
    settings = load_settings().settings
    own = settings.home / "personas"  # a persona the tests may edit (never the checkout's)
    own.mkdir(parents=True, exist_ok=True)
    (own / "team-marcus.yaml").write_text((ROOT / "personas" / "calm-marcus.yaml").read_text()
                                          .replace("id: calm-marcus", "id: team-marcus"))
    store = open_store(settings)
    for name, role in USERS:
        store.add_user(name, role, f"{name}-password")
    store.add_team("red")
    store.add_to_team("red", "ann")
    store.add_to_team("red", "ben")
    store.add_to_team("red", "tia", as_trainer=True)
    store.add_team("blue")
    store.add_to_team("blue", "cat")
    store.add_to_team("blue", "tom", as_trainer=True)
    marks = {"empathy": "fail", "apology": "pass", "no_calm_down": "pass", "next_steps": "fail"}
    sessions = {}
    for n, who in enumerate(("ann", "ben", "cat")):
        sid = f"2026120{n + 1}-100000-calm-marcus"
        voice_session(store, sid, who, marks, started=f"2026-12-0{n + 1}T10:00:00")
        sessions[who] = sid
    return World(settings, store, create_app(settings, transcriber=object()), home, sessions)


def signed_in(world: World, name: str, client: TestClient | None = None) -> TestClient:
    client = client or TestClient(world.app)
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    out = client.post("/login", data={"name": name, "password": f"{name}-password",
                                      "csrf": token.group(1)}, follow_redirects=False)
    assert out.status_code == 303, out.text
    return client


def csrf_of(client: TestClient, page: str = "/") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(page).text)
    assert found
    return found.group(1)


def etag_of(client: TestClient, sid: str) -> str:
    found = re.search(r'data-etag="([^"]+)"', client.get(f"/trainers/sessions/{sid}").text)
    assert found
    return found.group(1)
