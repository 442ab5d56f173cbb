"""The graded-session index: what progress, assignments and review read, kept in step with the
session folders (the folders stay the source of truth for transcripts, grades and audio).

``index_session`` (re)reads one folder; ``sync_index`` brings the whole store up to date,
re-reading only the folders whose files changed. Re-indexing a regraded session keeps the
trainer's overrides (beside the new AI verdicts) and bumps its version, so a review page opened
on the old grade is told the session changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from trainer.grading.records import Grade
from trainer.review.tables import graded, verdicts
from trainer.review.upsert import upsert

__all__ = ["IndexedSession", "effective_score", "grade_etag", "index_session", "sync_index"]

UNGRADED = "ungraded"


@dataclass(frozen=True)
class IndexedSession:
    session_id: str
    trainee: str
    persona: str


def grade_etag(folder: Path) -> str:
    """A short hash of ``grade.json`` as it is on disk ("ungraded" when there is none)."""
    path = folder / "grade.json"
    if not path.exists():
        return UNGRADED
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _stamp(folder: Path) -> str:
    files = [folder / "grade.json", folder / "session.json"]
    return ";".join(f"{f.name}:{f.stat().st_mtime_ns}" for f in files if f.exists())


def _meta(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "session.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _grade(folder: Path) -> Grade | None:
    path = folder / "grade.json"
    if not path.exists():
        return None
    try:
        return Grade.model_validate_json(path.read_text())
    except ValueError:
        return None  # an unreadable grade is indexed as ungraded


def _started(meta: dict[str, Any], folder: Path) -> str:
    raw = str(meta.get("started_at") or "")
    try:
        return datetime.fromisoformat(raw).isoformat(timespec="seconds")
    except ValueError:
        return datetime.fromtimestamp(folder.stat().st_mtime).isoformat(timespec="seconds")


def iso_week(started_at: str) -> str:
    year, week, _ = date.fromisoformat(started_at[:10]).isocalendar()
    return f"{year}-W{week:02d}"


def effective_score(rows: list[tuple[float, str | None]]) -> float | None:
    """Score 0–100 from (weight, effective verdict) pairs: the grader's rule (pass share of the
    applicable, scored weight), applied after overrides."""
    possible = sum(w for w, v in rows if v in ("pass", "fail"))
    earned = sum(w for w, v in rows if v == "pass")
    return round(100 * earned / possible, 1) if possible else None


def _session_row(folder: Path, grade: Grade | None) -> dict[str, Any]:
    meta = _meta(folder)
    started = _started(meta, folder)
    return {"session_id": folder.name, "trainee": str(meta.get("trainee") or "default"),
            "persona": str(meta.get("persona") or (grade.persona if grade else "") or "unknown"),
            "persona_hash": meta.get("persona_hash"), "started_at": started,
            "week": iso_week(started), "graded_at": grade.graded_at if grade else None,
            "score": grade.score.total if grade else None,
            "pass_mark": grade.score.pass_mark if grade else None,
            "grade_etag": grade_etag(folder), "stamp": _stamp(folder)}


def _write_verdicts(con: Connection, sid: str, grade: Grade | None) -> float | None:
    kept = dict(con.execute(select(verdicts.c.criterion, verdicts.c.override_verdict)
                            .where(verdicts.c.session_id == sid)).all())
    con.execute(delete(verdicts).where(verdicts.c.session_id == sid))
    if grade is None:
        return None
    rows = [{"session_id": sid, "criterion": g.id, "weight": g.weight, "ai_verdict": g.verdict,
             "override_verdict": kept.get(g.id)} for g in grade.criteria.values()]
    if rows:
        con.execute(verdicts.insert(), rows)
    return effective_score([(g.weight, kept.get(g.id) or g.verdict)
                            for g in grade.criteria.values()])


def index_session(con: Connection, folder: Path) -> IndexedSession:
    """(Re)index one session folder inside the caller's transaction."""
    grade = _grade(folder)
    row = _session_row(folder, grade)
    sid = row["session_id"]
    old = con.execute(select(graded.c.grade_etag).where(graded.c.session_id == sid)).first()
    upsert(con, graded, {**row, "version": 0}, ["session_id"],
           update_cols=[k for k in row if k != "session_id"])
    row["effective_score"] = _write_verdicts(con, sid, grade)
    bump = graded.c.version + (1 if old is not None and old[0] != row["grade_etag"] else 0)
    con.execute(update(graded).where(graded.c.session_id == sid)
                .values(effective_score=row["effective_score"], version=bump))
    return IndexedSession(sid, row["trainee"], row["persona"])


def sync_index(engine: Engine, sessions_root: Path) -> int:
    """Bring the index up to date with the session folders; returns how many were re-read."""
    folders = {d.name: d for d in sessions_root.iterdir() if d.is_dir()} if sessions_root.is_dir() \
        else {}
    with engine.connect() as con:
        known = dict(con.execute(select(graded.c.session_id, graded.c.stamp)).all())
    changed = [f for sid, f in folders.items() if known.get(sid) != _stamp(f)]
    gone = [sid for sid in known if sid not in folders]
    if gone:
        with engine.begin() as con:
            con.execute(delete(verdicts).where(verdicts.c.session_id.in_(gone)))
            con.execute(delete(graded).where(graded.c.session_id.in_(gone)))
    for start in range(0, len(changed), 200):
        with engine.begin() as con:
            for folder in changed[start:start + 200]:
                index_session(con, folder)
    return len(changed)
