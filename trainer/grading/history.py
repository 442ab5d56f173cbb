"""Progress across sessions: an SQLite index under the app's home, rebuilt from the session
folders whenever it is missing or stale. The folders are the source of truth (``grade.json``,
``disputes.json``); the index is a cache that can always be thrown away."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from trainer.config import Settings
from trainer.grading.pipeline import load_grade, load_session
from trainer.grading.rubric import CONTRACT_IDS
from trainer.transcript import TranscriptError

__all__ = ["CriterionProgress", "Dispute", "History", "add_dispute", "history", "refresh_index"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, trainee TEXT, persona TEXT,
    graded_at TEXT, score REAL, passed INTEGER, stamp TEXT);
CREATE TABLE IF NOT EXISTS verdicts (session TEXT, criterion TEXT, verdict TEXT, split INTEGER);
CREATE TABLE IF NOT EXISTS disputes (session TEXT, criterion TEXT, verdict TEXT, why TEXT,
    at TEXT);
"""


@dataclass(frozen=True)
class Dispute:
    session: str
    criterion: str
    verdict: str | None
    why: str
    at: str


@dataclass(frozen=True)
class CriterionProgress:
    """One criterion across sessions, oldest first: ``marks`` like "✗✗✓✓"."""

    criterion: str
    marks: str
    passed: int
    applicable: int


@dataclass(frozen=True)
class History:
    trainee: str | None
    sessions: tuple[tuple[str, str, float | None, bool], ...]  # (id, persona, score, passed)
    criteria: tuple[CriterionProgress, ...]
    disputes: tuple[Dispute, ...]


def _index_path(settings: Settings) -> Path:
    return settings.home / "history.sqlite"


def _stamp(folder: Path) -> str:
    files = [folder / "grade.json", folder / "disputes.json", folder / "session.json"]
    return ";".join(f"{f.name}:{f.stat().st_mtime_ns}" for f in files if f.exists())


def _graded(settings: Settings) -> dict[str, Path]:
    root = settings.sessions_dir
    if not root.is_dir():
        return {}
    return {d.name: d for d in sorted(root.iterdir()) if (d / "grade.json").exists()}


@contextmanager
def _db(settings: Settings) -> Iterator[sqlite3.Connection]:
    settings.home.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(_index_path(settings))
    try:
        con.executescript(SCHEMA)
        yield con
        con.commit()
    finally:
        con.close()


def _read_disputes(folder: Path) -> list[dict[str, str]]:
    path = folder / "disputes.json"
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def _trainee(folder: Path) -> str:
    try:
        return str(load_session(folder).meta.get("trainee") or "default")
    except TranscriptError:
        return "default"


def _index_one(con: sqlite3.Connection, sid: str, folder: Path) -> None:
    grade = load_grade(folder)
    for table, col in (("sessions", "id"), ("verdicts", "session"), ("disputes", "session")):
        con.execute(f"DELETE FROM {table} WHERE {col} = ?", (sid,))
    con.execute("INSERT INTO sessions VALUES (?,?,?,?,?,?,?)",
                (sid, _trainee(folder), grade.persona, grade.graded_at, grade.score.total,
                 int(grade.score.passed), _stamp(folder)))
    con.executemany("INSERT INTO verdicts VALUES (?,?,?,?)",
                    [(sid, g.id, g.verdict, int(g.split)) for g in grade.criteria.values()])
    con.executemany("INSERT INTO disputes VALUES (?,?,?,?,?)",
                    [(sid, d.get("criterion"), d.get("verdict"), d.get("why"), d.get("at"))
                     for d in _read_disputes(folder)])


def refresh_index(settings: Settings) -> int:
    """Bring the index up to date with the session folders; returns sessions re-indexed."""
    folders = _graded(settings)
    changed = 0
    with _db(settings) as con:
        known = dict(con.execute("SELECT id, stamp FROM sessions").fetchall())
        for sid in set(known) - set(folders):
            for table, col in (("sessions", "id"), ("verdicts", "session"),
                               ("disputes", "session")):
                con.execute(f"DELETE FROM {table} WHERE {col} = ?", (sid,))
        for sid, folder in folders.items():
            if known.get(sid) != _stamp(folder):
                try:
                    _index_one(con, sid, folder)
                    changed += 1
                except TranscriptError:
                    continue  # an unreadable grade stays out of the index
    return changed


def history(settings: Settings, trainee: str | None = None) -> History:
    """Progress per criterion across the (trainee's) graded sessions, and open disputes."""
    refresh_index(settings)
    with _db(settings) as con:
        where, args = ("WHERE trainee = ?", (trainee,)) if trainee else ("", ())
        rows = con.execute(f"SELECT id, persona, score, passed FROM sessions {where} "
                           "ORDER BY graded_at, id", args).fetchall()
        ids = [r[0] for r in rows]
        verdicts = con.execute("SELECT session, criterion, verdict FROM verdicts").fetchall()
        disputes = con.execute("SELECT session, criterion, verdict, why, at FROM disputes "
                               "ORDER BY at").fetchall()
    by = {(s, c): v for s, c, v in verdicts}
    crits = sorted({c for _, c, _ in verdicts}, key=lambda c: (
        CONTRACT_IDS.index(c) if c in CONTRACT_IDS else len(CONTRACT_IDS), c))
    sym = {"pass": "✓", "fail": "✗", "na": "–", None: "?"}
    progress = tuple(CriterionProgress(
        c, "".join(sym[by.get((s, c))] for s in ids),
        sum(by.get((s, c)) == "pass" for s in ids),
        sum(by.get((s, c)) in ("pass", "fail") for s in ids)) for c in crits)
    return History(trainee, tuple((r[0], r[1], r[2], bool(r[3])) for r in rows), progress,
                   tuple(Dispute(*d) for d in disputes if d[0] in ids))


def add_dispute(folder: Path, criterion: str, why: str) -> Dispute:
    """Record a trainee's disagreement with a verdict (in the session folder)."""
    grade = load_grade(folder)
    if criterion not in grade.criteria:
        valid = ", ".join(grade.criteria)
        raise TranscriptError(f"{folder / 'grade.json'}: no criterion '{criterion}'; "
                              f"valid: {valid}")
    if not why.strip():
        raise TranscriptError(f"{folder}: dispute: say why you disagree")
    d = Dispute(folder.name, criterion, grade.criteria[criterion].verdict, why.strip(),
                datetime.now(UTC).isoformat(timespec="seconds"))
    items = [*_read_disputes(folder), {"criterion": d.criterion, "verdict": d.verdict or "",
                                       "why": d.why, "at": d.at}]
    (folder / "disputes.json").write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n")
    return d
