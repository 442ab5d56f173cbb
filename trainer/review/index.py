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

from sqlalchemy import Connection, Engine, case, delete, func, select, update

from trainer.grading.records import Grade
from trainer.review.tables import graded, rollup, verdicts
from trainer.review.upsert import add_counts, upsert

__all__ = ["IndexedSession", "count_verdict", "effective_score", "forget", "grade_etag", "index_session",
           "rebuild_rollup", "rollup_from_verdicts", "sync_index", "sync_store"]

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


def contribution(con: Connection, sid: str, sign: int) -> None:
    """Add (``sign`` 1) or remove (-1) a session's verdicts from the progress rollup."""
    row = con.execute(select(graded.c.trainee, graded.c.week)
                      .where(graded.c.session_id == sid)).first()
    if row is None:
        return
    marks = con.execute(select(verdicts.c.criterion, verdicts.c.override_verdict,
                               verdicts.c.ai_verdict).where(verdicts.c.session_id == sid)).all()
    for crit, over, ai in marks:
        count_verdict(con, row[0], row[1], crit, over or ai, sign)


def count_verdict(con: Connection, trainee: str, week: str, criterion: str,
                  verdict: str | None, sign: int) -> None:
    """One effective verdict in or out of the rollup."""
    applicable = verdict in ("pass", "fail")
    add_counts(con, rollup, {"trainee": trainee, "week": week, "criterion": criterion},
               {"passed": sign * (verdict == "pass"), "applicable": sign * applicable})


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


def index_session(con: Connection, folder: Path, trainee: str | None = None) -> IndexedSession:
    """(Re)index one session folder inside the caller's transaction. ``trainee``: the owner as
    the app's store knows it (default: ``trainee`` in session.json)."""
    grade = _grade(folder)
    row = _session_row(folder, grade)
    if trainee:
        row["trainee"] = trainee
    sid = row["session_id"]
    # take the session's row lock first (SQLite: the write lock), so two processes indexing
    # the same session run one after the other and the rollup counts it once
    con.execute(update(graded).where(graded.c.session_id == sid).values(version=graded.c.version))
    old = con.execute(select(graded.c.grade_etag).where(graded.c.session_id == sid)).first()
    contribution(con, sid, -1)
    upsert(con, graded, {**row, "version": 0}, ["session_id"],
           update_cols=[k for k in row if k != "session_id"])
    row["effective_score"] = _write_verdicts(con, sid, grade)
    bump = graded.c.version + (1 if old is not None and old[0] != row["grade_etag"] else 0)
    con.execute(update(graded).where(graded.c.session_id == sid)
                .values(effective_score=row["effective_score"], version=bump))
    contribution(con, sid, 1)
    return IndexedSession(sid, row["trainee"], row["persona"])


def forget(con: Connection, sids: list[str]) -> None:
    """Drop sessions whose folders are gone from the index (and from the rollup)."""
    for sid in sids:
        contribution(con, sid, -1)
    con.execute(delete(verdicts).where(verdicts.c.session_id.in_(sids)))
    con.execute(delete(graded).where(graded.c.session_id.in_(sids)))


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
            forget(con, gone)
    for start in range(0, len(changed), 200):
        with engine.begin() as con:
            for folder in changed[start:start + 200]:
                index_session(con, folder)
    return len(changed)


def rollup_from_verdicts(con: Connection) -> dict[tuple[str, str, str], tuple[int, int]]:
    """The rollup recomputed from the verdicts (what the maintained one must equal)."""
    eff = func.coalesce(verdicts.c.override_verdict, verdicts.c.ai_verdict)
    q = (select(graded.c.trainee, graded.c.week, verdicts.c.criterion,
                func.sum(case((eff == "pass", 1), else_=0)),
                func.sum(case((eff.in_(("pass", "fail")), 1), else_=0)))
         .join(verdicts, verdicts.c.session_id == graded.c.session_id)
         .group_by(graded.c.trainee, graded.c.week, verdicts.c.criterion))
    return {(t, w, c): (int(p), int(a)) for t, w, c, p, a in con.execute(q) if a}


def rebuild_rollup(engine: Engine) -> int:
    """Recompute the rollup from the verdicts (after a bulk load); returns its rows."""
    with engine.begin() as con:
        fresh = rollup_from_verdicts(con)
        con.execute(delete(rollup))
        if fresh:
            con.execute(rollup.insert(), [{"trainee": t, "week": w, "criterion": c, "passed": p,
                                           "applicable": a} for (t, w, c), (p, a) in fresh.items()])
    return len(fresh)


def sync_store(store: Any) -> int:
    """Index the sessions the app's store (`trainer.db.Store`) knows whose files changed: the
    store's stamps say which might have, the files decide. Owners come from the store."""
    with store.engine.connect() as con:
        mine = dict(con.execute(select(graded.c.session_id, graded.c.stamp)).all())
    theirs = store.stamps()
    maybe = [sid for sid, stamp in theirs.items() if stamp is None or mine.get(sid) != stamp]
    changed = []
    for sid in maybe:
        info = store.session(sid)
        folder = store.folder(info) if info is not None else None
        if folder is not None and folder.is_dir() and mine.get(sid) != _stamp(folder):
            changed.append((folder, info.owner))
    for start in range(0, len(changed), 200):
        with store.engine.begin() as con:
            for folder, owner in changed[start:start + 200]:
                index_session(con, folder, trainee=owner)
    gone = [sid for sid in mine if sid not in theirs]
    if gone:
        with store.engine.begin() as con:
            forget(con, gone)
    return len(changed)
