"""Assignments: a persona to practise, for one trainee or a whole team, with a pass mark and a
due date. An assignment is done for a trainee once one of their sessions of that persona, played
since it was assigned, scores at least the pass mark (overrides in force)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, delete, func, or_, select

from trainer.review.actions import ReviewError
from trainer.review.tables import assignments, graded

__all__ = ["Assignment", "AssignmentStatus", "assign", "assignments_for", "delete_assignment",
           "status"]


@dataclass(frozen=True)
class Assignment:
    id: int
    persona: str
    trainee: str | None
    team: str | None
    pass_mark: float
    due: str | None
    author: str
    created_at: str


@dataclass(frozen=True)
class AssignmentStatus:
    """One assignment for one trainee: done (with the session that did it) or not, overdue?"""

    assignment: Assignment
    trainee: str
    done: bool
    best: float | None
    session_id: str | None
    overdue: bool


def _due(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ReviewError(f"due: '{value}' is not a date (YYYY-MM-DD)") from None


def assign(engine: Engine, persona: str, *, author: str, pass_mark: float,
           trainee: str | None = None, team: str | None = None, due: str | None = None) -> Assignment:
    """Assign a persona to a trainee or a team (exactly one of them)."""
    if (trainee is None) == (team is None):
        raise ReviewError("assignee: give a trainee or a team (one of them)")
    if not 0 <= pass_mark <= 100:
        raise ReviewError("pass_mark: must be between 0 and 100")
    if not persona.strip():
        raise ReviewError("persona: must not be empty")
    made = Assignment(0, persona, trainee, team, float(pass_mark), _due(due), author,
                      datetime.now().isoformat(timespec="seconds"))  # local time, as sessions
    row = {k: v for k, v in vars(made).items() if k != "id"}
    with engine.begin() as con:
        key = con.execute(assignments.insert().values(**row)).inserted_primary_key
    assert key is not None
    return Assignment(int(key[0]), **row)


def delete_assignment(engine: Engine, assignment_id: int) -> None:
    with engine.begin() as con:
        con.execute(delete(assignments).where(assignments.c.id == assignment_id))


def assignments_for(engine: Engine, *, trainees: Sequence[str] = (), teams: Sequence[str] = ()
                    ) -> list[Assignment]:
    """Assignments made to any of these trainees or teams, newest first."""
    q = select(assignments).where(or_(assignments.c.trainee.in_(tuple(trainees)),
                                      assignments.c.team.in_(tuple(teams))))
    with engine.connect() as con:
        rows = con.execute(q.order_by(assignments.c.id.desc())).all()
    return [Assignment(r.id, r.persona, r.trainee, r.team, r.pass_mark, r.due, r.author,
                       r.created_at) for r in rows]


def _best(engine: Engine, a: Assignment, trainee: str) -> tuple[float | None, str | None]:
    q = (select(graded.c.session_id, graded.c.effective_score)
         .where(graded.c.trainee == trainee, graded.c.persona == a.persona,
                graded.c.started_at >= a.created_at[:19], graded.c.effective_score.is_not(None))
         .order_by(graded.c.effective_score.desc(), graded.c.started_at).limit(1))
    with engine.connect() as con:
        row = con.execute(q).first()
    return (float(row[1]), str(row[0])) if row else (None, None)


def status(engine: Engine, items: Sequence[Assignment], members: Mapping[str, Sequence[str]],
           today: date | None = None) -> list[AssignmentStatus]:
    """Done or not, per assignment and trainee; ``members`` maps a team to its trainees."""
    today = today or date.today()
    out = []
    for a in items:
        for trainee in [a.trainee] if a.trainee else sorted(members.get(a.team or "", ())):
            best, sid = _best(engine, a, trainee)
            done = best is not None and best >= a.pass_mark
            out.append(AssignmentStatus(a, trainee, done, best, sid if done else None,
                                        not done and a.due is not None and a.due < today.isoformat()))
    return out


def count(engine: Engine) -> int:
    with engine.connect() as con:
        return int(con.execute(select(func.count()).select_from(assignments)).scalar_one())
