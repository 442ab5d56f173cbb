"""Progress across sessions, from the shared store (`trainer.db`): the store indexes every
session folder (new or changed folders are indexed on each read), so the terminal's
``trainer history`` and the web app's progress page read the same figures. Disputes live in
the store (and, as a record, in the session folder's ``disputes.json``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from trainer.config import Settings
from trainer.db import SessionInfo, Store, open_store, sync_sessions
from trainer.grading.pipeline import load_grade
from trainer.grading.rubric import CONTRACT_IDS
from trainer.transcript import TranscriptError

__all__ = ["CriterionProgress", "Dispute", "History", "add_dispute", "history", "progress",
           "refresh_index"]


@dataclass(frozen=True)
class Dispute:
    session: str
    criterion: str
    verdict: str | None
    why: str
    at: str
    status: str = "open"
    reply: str | None = None


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


def refresh_index(settings: Settings) -> int:
    """Index new or changed session folders into the store; returns how many."""
    return sync_sessions(open_store(settings), settings.sessions_dir)


def _order(criteria: set[str]) -> list[str]:
    return sorted(criteria, key=lambda c: (
        CONTRACT_IDS.index(c) if c in CONTRACT_IDS else len(CONTRACT_IDS), c))


def progress(store: Store, graded: Sequence[SessionInfo], trainee: str | None = None,
             final: Mapping[tuple[str, str], str] | None = None) -> History:
    """Progress per criterion over these graded sessions (any order), and their disputes.
    ``final``: the trainers' overrides in force, (session, criterion) → verdict, counted in
    place of the machine's verdicts."""
    rows = sorted(graded, key=lambda s: (s.graded_at or "", s.id))
    ids = [s.id for s in rows]
    by: dict[tuple[str, str], str | None] = {**store.verdicts(ids), **(final or {})}
    sym = {"pass": "✓", "fail": "✗", "na": "–", None: "?"}
    crits = tuple(CriterionProgress(
        c, "".join(sym[by.get((s, c))] for s in ids),
        sum(by.get((s, c)) == "pass" for s in ids),
        sum(by.get((s, c)) in ("pass", "fail") for s in ids))
        for c in _order({c for _, c in by}))
    disputes = tuple(Dispute(d.session_id, d.criterion, d.verdict, d.why, d.at, d.status, d.reply)
                     for d in store.disputes(ids))
    return History(trainee, tuple((s.id, s.persona_id or "", s.score, bool(s.passed))
                                  for s in rows), crits, disputes)


def history(settings: Settings, trainee: str | None = None) -> History:
    """Progress per criterion across the (trainee's) graded sessions, and their disputes."""
    refresh_index(settings)
    store = open_store(settings)
    return progress(store, store.sessions(owner=trainee, graded_only=True), trainee)


def _read_disputes(folder: Path) -> list[dict[str, str]]:
    path = folder / "disputes.json"
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def add_dispute(folder: Path, criterion: str, why: str, settings: Settings,
                user_id: int | None = None) -> Dispute:
    """Record a trainee's disagreement with a verdict: in the store (where a trainer settles
    it) and in the session folder's ``disputes.json``."""
    grade = load_grade(folder)
    if criterion not in grade.criteria:
        valid = ", ".join(grade.criteria)
        raise TranscriptError(f"{folder / 'grade.json'}: no criterion '{criterion}'; "
                              f"valid: {valid}")
    if not why.strip():
        raise TranscriptError(f"{folder}: dispute: say why you disagree")
    store = open_store(settings)
    if store.session(folder.name) is None:
        refresh_index(settings)
    d = Dispute(folder.name, criterion, grade.criteria[criterion].verdict, why.strip(),
                datetime.now(UTC).isoformat(timespec="seconds"))
    store.add_dispute(d.session, d.criterion, d.verdict, d.why, user_id=user_id, at=d.at)
    items = [*_read_disputes(folder), {"criterion": d.criterion, "verdict": d.verdict or "",
                                       "why": d.why, "at": d.at}]
    (folder / "disputes.json").write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n")
    return d
