"""The shared store: migrations, accounts, roles and teams, the session index shared by the CLI
and the web app, access checks, disputes, two processes on one database."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.config import load_settings
from trainer.db import (
    Store,
    StoreError,
    can_dispute,
    can_settle_dispute,
    can_view_session,
    local_login,
    open_store,
    sync_sessions,
)


def _store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 't.db'}", tmp_path)


def test_migrations_match_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from trainer.db.models import Base

    store = _store(tmp_path)
    with store.engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), Base.metadata)
    ours = set(Base.metadata.tables)
    assert [d for d in diff if _table_of(d) in ours] == []


def _table_of(diff: object) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:] if isinstance(item, tuple) else ():
        name = getattr(part, "name", None) if not isinstance(part, str) else part
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if isinstance(name, str):
            return name
    return None


def test_users_roles_and_passwords(tmp_path: Path) -> None:
    store = _store(tmp_path)
    alice = store.add_user("alice", "trainee", "correct horse")
    assert alice.has_password and alice.role == "trainee"
    assert store.verify_password("alice", "correct horse") == alice
    assert store.verify_password("alice", "wrong") is None
    assert store.verify_password("nobody", "correct horse") is None
    with pytest.raises(StoreError, match="already exists"):
        store.add_user("alice", "trainee", "x" * 8)
    with pytest.raises(StoreError, match="role 'boss'"):
        store.add_user("bob", "boss", "x" * 8)
    with pytest.raises(StoreError, match="no spaces"):
        store.add_user("bob smith", "trainee", "x" * 8)
    # an account the terminal made (no password) is claimed by `users add`
    local = store.ensure_user("sam")
    assert not local.has_password and store.verify_password("sam", "") is None
    claimed = store.add_user("sam", "trainee", "secret pw")
    assert claimed.id == local.id and claimed.has_password


def _world(store: Store, root: Path) -> dict[str, object]:
    users = {n: store.add_user(n, r, "password1") for n, r in
             [("ann", "trainee"), ("ben", "trainee"), ("cat", "trainee"), ("tia", "trainer"),
              ("tom", "trainer"), ("ada", "admin")]}
    store.add_team("red")
    store.add_team("blue")
    store.add_to_team("red", "ann")
    store.add_to_team("red", "ben")
    store.add_to_team("blue", "cat")
    store.add_to_team("red", "tia", as_trainer=True)
    store.add_to_team("blue", "tom", as_trainer=True)
    sessions = {}
    for owner in ("ann", "ben", "cat"):
        folder = root / "sessions" / f"s-{owner}"
        folder.mkdir(parents=True)
        sessions[owner] = store.register_session(f"s-{owner}", owner, folder,
                                                 persona_id="irate-dana")
    return {"users": users, "sessions": sessions}


def test_who_sees_which_session(tmp_path: Path) -> None:
    store = _store(tmp_path)
    world = _world(store, tmp_path)
    users, sessions = world["users"], world["sessions"]
    assert isinstance(users, dict) and isinstance(sessions, dict)
    expected = {"ann": {"ann"}, "ben": {"ben"}, "cat": {"cat"}, "tia": {"ann", "ben"},
                "tom": {"cat"}, "ada": {"ann", "ben", "cat"}}
    for name, sees in expected.items():
        viewer = store.viewer(users[name].id)
        assert viewer is not None
        assert {o for o, s in sessions.items() if can_view_session(viewer, s)} == sees, name
        assert {s.owner for s in store.sessions(viewer)} == sees, name
        assert {o for o, s in sessions.items() if can_dispute(viewer, s)} == (
            {name} & set(sessions))
    dispute = store.add_dispute("s-ann", "empathy", "fail", "I said sorry", users["ann"].id)
    tia, tom, ann = (store.viewer(users[n].id) for n in ("tia", "tom", "ann"))
    assert tia and tom and ann
    assert can_settle_dispute(tia, sessions["ann"], dispute)
    assert not can_settle_dispute(tom, sessions["ann"], dispute)
    assert not can_settle_dispute(ann, sessions["ann"], dispute)
    store.settle_dispute(dispute.id, "rejected", "You apologised once, after the caller asked.",
                         users["tia"].id)
    assert store.disputes(["s-ann"])[0].status == "rejected"


def test_the_store_rebuilds_from_the_session_folders(tmp_path: Path) -> None:
    root = tmp_path
    folder = root / "sessions" / "20260101-120000-irate-dana"
    folder.mkdir(parents=True)
    (folder / "session.json").write_text(json.dumps({
        "persona": "irate-dana", "trainee": "sam", "started_at": "2026-01-01T12:00:00",
        "ended_by": "trainee", "turns": 5, "persona_hash": "abc"}))
    (folder / "disputes.json").write_text(json.dumps([
        {"criterion": "empathy", "verdict": "fail", "why": "I did say it", "at": "2026-01-01"}]))
    legacy = root / "sessions" / "20250101-120000-calm-marcus"
    legacy.mkdir()
    (legacy / "session.json").write_text(json.dumps({"persona": "calm-marcus"}))
    store = _store(root)
    assert sync_sessions(store, root / "sessions") == 2
    assert sync_sessions(store, root / "sessions") == 0  # unchanged folders are skipped
    s = store.session(folder.name)
    assert s is not None and (s.owner, s.ended_how, s.turns, s.persona_hash) == (
        "sam", "trainee", 5, "abc")
    assert store.folder(s) == folder
    assert [d.why for d in store.disputes([folder.name])] == ["I did say it"]
    old = store.session(legacy.name)
    assert old is not None and old.owner == local_login()  # no trainee: the terminal's account


def test_default_store_is_sqlite_under_home_and_url_is_a_setting(
        trainer_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load_settings().settings
    open_store(settings).ensure_user("x")
    assert (trainer_home / "trainer.db").exists()
    monkeypatch.setenv("TRAINER_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    other = load_settings().settings
    assert open_store(other).users() == []
    assert (tmp_path / "other.db").exists()


def _add_many(url: str, root: str, prefix: str) -> None:
    store = Store(url, Path(root))
    for i in range(25):
        folder = Path(root) / "sessions" / f"{prefix}-{i}"
        folder.mkdir(parents=True, exist_ok=True)
        store.register_session(folder.name, "shared", folder)
        store.add_dispute(folder.name, "empathy", None, f"why {i}")


def test_two_processes_on_one_database_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    Store(url, tmp_path)  # migrated once; the processes race on the rows
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add_many, args=(url, str(tmp_path), p)) for p in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = Store(url, tmp_path)
    assert len(store.sessions()) == 50
    assert len(store.disputes()) == 50
    assert [u.name for u in store.users()] == ["shared"]


def test_users_commands(trainer_home: Path) -> None:
    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "trainer", "users", *args], input=stdin,
                              capture_output=True, text=True, cwd=Path(__file__).parent.parent)

    out = run("add", "dana", "--role", "trainer", "--password-stdin", stdin="long enough pw\n")
    assert out.returncode == 0, out.stderr
    assert "dana: trainer, can sign in" in out.stdout
    out = run("add", "dana", "--password-stdin", stdin="long enough pw\n")
    assert out.returncode == 1 and "already exists" in out.stderr
    assert "Traceback" not in out.stderr
    out = run("add", "eve", "--role", "king", "--password-stdin", stdin="long enough pw\n")
    assert out.returncode == 1 and "role 'king'" in out.stderr
    out = run("add", "eve", "--password-stdin", stdin="short\n")
    assert out.returncode == 1 and "at least 8" in out.stderr
    listing = run("list").stdout
    assert "dana" in listing and "trainer" in listing and "eve" not in listing


def test_a_terminal_call_is_filed_under_the_login_account(
        trainer_home: Path, monkeypatch: pytest.MonkeyPatch, persona_dirs: list[Path]) -> None:
    from fakes import ScriptedChat

    from trainer import practice
    from trainer.personas import find_persona
    from trainer.voice.text import ScriptListener, TextSpeaker

    monkeypatch.setattr(practice, "chat_model",
                        lambda *a, **k: ScriptedChat(replies=["I want it fixed today."] * 5))
    settings = load_settings().settings
    persona = find_persona("irate-dana", persona_dirs)
    result = practice.practise(persona, settings, TextSpeaker(lambda _s: None),
                               ScriptListener(["I'm so sorry, Dana.", "/end"]),
                               practice.CallOptions(max_turns=3))
    store = open_store(settings)
    s = store.session(result.session_id)
    assert s is not None
    assert (s.owner, s.persona_id, s.ended_how, s.turns) == (local_login(), "irate-dana",
                                                             "trainee", result.turns)
    assert s.persona_hash and store.folder(s) == result.session_dir
    meta = json.loads((result.session_dir / "session.json").read_text())
    assert meta["trainee"] == local_login() and meta["persona_hash"] == s.persona_hash
