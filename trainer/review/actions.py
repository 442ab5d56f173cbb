"""What a trainer does to a session: override a verdict, comment at a moment, settle a dispute.

Every write names the version of the session the trainer was looking at (its *etag*: the hash
of ``grade.json`` and a counter of review writes). The write bumps the counter with a
compare-and-swap ``UPDATE … WHERE version = :seen`` in the same transaction, so when the session
changed meanwhile — regraded, or another trainer wrote first, in this process or another — the
write is rejected with `Conflict`, never merged silently. Overrides sit beside the AI verdict
(``review_verdicts.override_verdict`` plus the history in ``review_overrides``); the AI verdict
is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import IntegrityError

from trainer.review.index import count_verdict, effective_score, grade_etag, index_session
from trainer.review.tables import comments, dispute_decisions, graded, overrides, verdicts

__all__ = [
    "AlreadySettled",
    "Comment",
    "Conflict",
    "Decision",
    "DisputeRef",
    "Override",
    "ReviewError",
    "add_comment",
    "add_override",
    "decide_dispute",
    "decisions",
    "final_scores",
    "list_comments",
    "list_overrides",
    "overrides_in_force",
    "session_etag",
]

VERDICTS = ("pass", "fail", "na")
MAX_TEXT = 4000


class ReviewError(ValueError):
    """Bad input for a review action; the message names the field."""


class Conflict(ReviewError):
    """The session changed since the page was loaded: reload, then write again."""


class AlreadySettled(ReviewError):
    """The dispute was already accepted or rejected."""


@dataclass(frozen=True)
class Comment:
    id: int
    session_id: str
    seconds: float
    text: str
    author: str
    at: str


@dataclass(frozen=True)
class DisputeRef:
    """A trainee's dispute as the app stores it: which verdict and what it said."""

    id: str
    session_id: str
    criterion: str
    verdict: str | None


@dataclass(frozen=True)
class Decision:
    dispute_id: str
    session_id: str
    criterion: str
    decision: str  # accepted | rejected
    verdict: str | None
    reply: str
    author: str
    at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(value: str, field: str, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise ReviewError(f"{field}: must not be empty")
    if len(value) > MAX_TEXT:
        raise ReviewError(f"{field}: longer than {MAX_TEXT} characters")
    return value


def session_etag(engine: Engine, folder: Path) -> str:
    """The session's current version token; indexes the folder first if it changed on disk."""
    with engine.begin() as con:
        row = con.execute(select(graded.c.grade_etag, graded.c.version)
                          .where(graded.c.session_id == folder.name)).first()
        if row is None or row[0] != grade_etag(folder):
            index_session(con, folder)
            row = con.execute(select(graded.c.grade_etag, graded.c.version)
                              .where(graded.c.session_id == folder.name)).first()
    assert row is not None
    return f"{row[0]}.{row[1]}"


def _claim(con: Connection, folder: Path, seen: str) -> str:
    """Compare-and-swap the session's version; the new etag, or `Conflict`."""
    etag, _, version = seen.partition(".")
    if not version.isdigit() or grade_etag(folder) != etag:
        raise Conflict(f"{folder.name}: the session changed since you opened it; reload it")
    done = con.execute(update(graded).where(graded.c.session_id == folder.name,
                                            graded.c.version == int(version),
                                            graded.c.grade_etag == etag)
                       .values(version=graded.c.version + 1))
    if done.rowcount != 1:
        raise Conflict(f"{folder.name}: the session changed since you opened it; reload it")
    return f"{etag}.{int(version) + 1}"


def _apply_override(con: Connection, sid: str, criterion: str, verdict: str, note: str,
                    author: str, dispute_id: str | None = None) -> None:
    if verdict not in VERDICTS:
        raise ReviewError(f"verdict: must be one of {', '.join(VERDICTS)}")
    row = con.execute(select(verdicts.c.ai_verdict, verdicts.c.override_verdict)
                      .where(verdicts.c.session_id == sid, verdicts.c.criterion == criterion)
                      ).first()
    if row is None:
        raise ReviewError(f"criterion: '{criterion}' is not graded in session {sid}")
    who = con.execute(select(graded.c.trainee, graded.c.week)
                      .where(graded.c.session_id == sid)).one()
    count_verdict(con, who[0], who[1], criterion, row[1] or row[0], -1)
    count_verdict(con, who[0], who[1], criterion, verdict, 1)
    con.execute(overrides.insert().values(session_id=sid, criterion=criterion, ai_verdict=row[0],
                                          verdict=verdict, note=note, author=author, at=_now(),
                                          dispute_id=dispute_id))
    con.execute(update(verdicts).where(verdicts.c.session_id == sid,
                                       verdicts.c.criterion == criterion)
                .values(override_verdict=verdict))
    rows = con.execute(select(verdicts.c.weight, verdicts.c.override_verdict,
                              verdicts.c.ai_verdict).where(verdicts.c.session_id == sid)).all()
    score = effective_score([(w, o or a) for w, o, a in rows])
    con.execute(update(graded).where(graded.c.session_id == sid).values(effective_score=score))


def add_override(engine: Engine, folder: Path, criterion: str, verdict: str, note: str,
                 author: str, seen: str) -> str:
    """Override one verdict with a note, beside the AI's; returns the session's new etag."""
    note = _text(note, "note")
    with engine.begin() as con:
        new = _claim(con, folder, seen)
        _apply_override(con, folder.name, criterion, verdict, note, author)
    return new


def add_comment(engine: Engine, folder: Path, seconds: float, text: str, author: str,
                seen: str) -> str:
    """A comment at a moment of the recording; returns the session's new etag."""
    text = _text(text, "comment")
    if not 0 <= seconds < 24 * 3600:
        raise ReviewError("seconds: must be a moment of the call (0 or more)")
    with engine.begin() as con:
        new = _claim(con, folder, seen)
        con.execute(comments.insert().values(session_id=folder.name, seconds=round(seconds, 2),
                                             text=text, author=author, at=_now()))
    return new


def list_comments(engine: Engine, session_id: str) -> list[Comment]:
    """A session's comments in the order of the recording."""
    with engine.connect() as con:
        rows = con.execute(select(comments).where(comments.c.session_id == session_id)
                           .order_by(comments.c.seconds, comments.c.id)).all()
    return [Comment(r.id, r.session_id, r.seconds, r.text, r.author, r.at) for r in rows]


def _settle_row(con: Connection, dispute: DisputeRef, status: str, reply: str,
                resolver: int | None) -> None:
    """Mark the app's dispute row (what the trainee's debrief shows) in the same transaction."""
    if not dispute.id.isdigit():
        return  # a dispute from outside the app's store (tests, imports)
    from trainer.db.models import DisputeRow

    con.execute(update(DisputeRow).where(DisputeRow.id == int(dispute.id),
                                         DisputeRow.status == "open")
                .values(status=status, reply=reply, resolved_by=resolver, resolved_at=_now()))


def decide_dispute(engine: Engine, folder: Path, dispute: DisputeRef, *, accept: bool,
                   reply: str, author: str, seen: str, verdict: str | None = None,
                   resolver: int | None = None) -> str:
    """Accept a dispute (it becomes an override; ``verdict`` defaults to the opposite of the
    disputed pass/fail) or reject it with a reply the trainee sees. Settled once only: a second
    decision, from any process, raises `AlreadySettled`. ``resolver``: the trainer's user id."""
    reply = _text(reply, "reply", required=not accept)
    if accept:
        verdict = verdict or {"pass": "fail", "fail": "pass"}.get(dispute.verdict or "", "")
        if not verdict:
            raise ReviewError("verdict: say which verdict the accepted dispute gets")
    try:
        with engine.begin() as con:
            new = _claim(con, folder, seen)
            con.execute(dispute_decisions.insert().values(
                dispute_id=dispute.id, session_id=dispute.session_id,
                criterion=dispute.criterion, decision="accepted" if accept else "rejected",
                verdict=verdict if accept else None, reply=reply, author=author, at=_now()))
            _settle_row(con, dispute, "accepted" if accept else "rejected", reply, resolver)
            if accept and verdict:
                note = reply or f"dispute accepted: {dispute.id}"
                _apply_override(con, folder.name, dispute.criterion, verdict, note, author,
                                dispute.id)
    except IntegrityError:
        raise AlreadySettled(f"dispute {dispute.id}: already settled") from None
    return new


def decisions(engine: Engine, session_ids: list[str] | None = None) -> dict[str, Decision]:
    """Settled disputes by dispute id (of the given sessions, or all)."""
    q = select(dispute_decisions)
    if session_ids is not None:
        q = q.where(dispute_decisions.c.session_id.in_(session_ids))
    with engine.connect() as con:
        rows = con.execute(q).all()
    return {r.dispute_id: Decision(r.dispute_id, r.session_id, r.criterion, r.decision,
                                   r.verdict, r.reply, r.author, r.at) for r in rows}


@dataclass(frozen=True)
class Override:
    id: int
    session_id: str
    criterion: str
    ai_verdict: str | None
    verdict: str
    note: str
    author: str
    at: str
    dispute_id: str | None


def _overrides(engine: Engine, session_ids: list[str]) -> list[Override]:
    if not session_ids:
        return []
    with engine.connect() as con:
        rows = con.execute(select(overrides).where(overrides.c.session_id.in_(session_ids))
                           .order_by(overrides.c.id)).all()
    return [Override(r.id, r.session_id, r.criterion, r.ai_verdict, r.verdict, r.note, r.author,
                     r.at, r.dispute_id) for r in rows]


def list_overrides(engine: Engine, session_id: str) -> list[Override]:
    """Every override of a session, oldest first (the latest per criterion is in force)."""
    return _overrides(engine, [session_id])


def overrides_in_force(engine: Engine, session_ids: list[str]) -> dict[tuple[str, str], Override]:
    """The override in force (the latest) per (session, criterion) of these sessions."""
    return {(o.session_id, o.criterion): o for o in _overrides(engine, session_ids)}


def final_scores(engine: Engine, session_ids: list[str]) -> dict[str, float | None]:
    """Each session's score after its overrides (as progress counts it), by session id."""
    if not session_ids:
        return {}
    with engine.connect() as con:
        rows = con.execute(select(graded.c.session_id, graded.c.effective_score)
                           .where(graded.c.session_id.in_(session_ids))).all()
    return {sid: score for sid, score in rows}
