"""Progress over the indexed sessions, with the trainer's overrides in force: pass rate per
criterion per ISO week (per trainee and for the group), first → best score per persona, the
most-missed tips, and a CSV export. The heavy lifting is a few GROUP BY queries, so a page over
10k sessions stays fast on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, and_, case, func, select

from trainer.grading.rubric import CONTRACT_IDS
from trainer.review.tables import graded, verdicts

__all__ = ["FirstBest", "Missed", "Progress", "Rate", "progress", "progress_csv"]

EFFECTIVE = func.coalesce(verdicts.c.override_verdict, verdicts.c.ai_verdict)
PASSED = func.sum(case((EFFECTIVE == "pass", 1), else_=0))
APPLICABLE = func.sum(case((EFFECTIVE.in_(("pass", "fail")), 1), else_=0))


@dataclass(frozen=True)
class Rate:
    """Passes out of applicable verdicts of one criterion in one week."""

    week: str
    passed: int
    applicable: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.applicable if self.applicable else None


@dataclass(frozen=True)
class FirstBest:
    trainee: str
    persona: str
    sessions: int
    first: float | None
    best: float | None
    first_session: str
    best_session: str


@dataclass(frozen=True)
class Missed:
    criterion: str
    failed: int
    applicable: int


@dataclass(frozen=True)
class Progress:
    """``team[criterion]`` and ``by_trainee[trainee][criterion]``: weekly rates, oldest first."""

    trainees: tuple[str, ...]
    sessions: int
    weeks: tuple[str, ...]
    team: dict[str, tuple[Rate, ...]]
    by_trainee: dict[str, dict[str, tuple[Rate, ...]]]
    first_best: tuple[FirstBest, ...]
    most_missed: tuple[Missed, ...]


def _order(criterion: str) -> tuple[int, str]:
    return (CONTRACT_IDS.index(criterion) if criterion in CONTRACT_IDS else len(CONTRACT_IDS),
            criterion)


def _weekly(engine: Engine, trainees: Sequence[str]) -> list[tuple[str, str, str, int, int]]:
    q = (select(graded.c.trainee, graded.c.week, verdicts.c.criterion, PASSED, APPLICABLE)
         .join(verdicts, verdicts.c.session_id == graded.c.session_id)
         .where(graded.c.trainee.in_(trainees))
         .group_by(graded.c.trainee, graded.c.week, verdicts.c.criterion))
    with engine.connect() as con:
        return [(t, w, c, int(p or 0), int(a or 0)) for t, w, c, p, a in con.execute(q).all()]


def _rates(rows: list[tuple[str, str, str, int, int]], weeks: list[str]
           ) -> tuple[dict[str, tuple[Rate, ...]], dict[str, dict[str, tuple[Rate, ...]]]]:
    team: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    each: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: [0, 0])))
    for trainee, week, crit, p, a in rows:
        for cell in (team[crit][week], each[trainee][crit][week]):
            cell[0] += p
            cell[1] += a

    def series(by_week: dict[str, list[int]]) -> tuple[Rate, ...]:
        return tuple(Rate(w, *by_week[w]) for w in weeks if w in by_week and by_week[w][1])

    crits = sorted(team, key=_order)
    return ({c: series(team[c]) for c in crits},
            {t: {c: series(each[t][c]) for c in sorted(each[t], key=_order)} for t in sorted(each)})


def _first_best(engine: Engine, trainees: Sequence[str]) -> tuple[FirstBest, ...]:
    q = (select(graded.c.trainee, graded.c.persona, graded.c.session_id,
                graded.c.effective_score)
         .where(graded.c.trainee.in_(trainees), graded.c.effective_score.is_not(None))
         .order_by(graded.c.started_at, graded.c.session_id))
    found: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    with engine.connect() as con:
        for trainee, persona, sid, score in con.execute(q):
            found[(trainee, persona)].append((sid, float(score)))
    out = []
    for (trainee, persona), runs in sorted(found.items()):
        best = max(runs, key=lambda r: r[1])
        out.append(FirstBest(trainee, persona, len(runs), runs[0][1], best[1], runs[0][0], best[0]))
    return tuple(out)


def _most_missed(rows: list[tuple[str, str, str, int, int]]) -> tuple[Missed, ...]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _t, _w, crit, p, a in rows:
        totals[crit][0] += a - p
        totals[crit][1] += a
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], _order(kv[0])))
    return tuple(Missed(c, f, a) for c, (f, a) in ranked if f)


def _count(engine: Engine, trainees: Sequence[str]) -> int:
    with engine.connect() as con:
        return int(con.execute(select(func.count()).select_from(graded).where(
            and_(graded.c.trainee.in_(trainees), graded.c.graded_at.is_not(None)))).scalar_one())


def progress(engine: Engine, trainees: Sequence[str]) -> Progress:
    """Progress of these trainees (one, or a team's members) from the index."""
    trainees = tuple(sorted(set(trainees)))
    rows = _weekly(engine, trainees) if trainees else []
    weeks = sorted({w for _t, w, _c, _p, _a in rows})
    team, by_trainee = _rates(rows, weeks)
    return Progress(trainees, _count(engine, trainees) if trainees else 0, tuple(weeks), team,
                    by_trainee, _first_best(engine, trainees) if trainees else (),
                    _most_missed(rows))


def progress_csv(engine: Engine, trainees: Sequence[str]) -> str:
    """One row per graded session: who, which persona, when, the AI and the effective score,
    and every criterion's effective verdict (``fail*`` marks an overridden one)."""
    q = (select(graded.c.session_id, graded.c.trainee, graded.c.persona, graded.c.started_at,
                graded.c.score, graded.c.effective_score, verdicts.c.criterion,
                verdicts.c.ai_verdict, verdicts.c.override_verdict)
         .join(verdicts, verdicts.c.session_id == graded.c.session_id)
         .where(graded.c.trainee.in_(tuple(trainees)))
         .order_by(graded.c.trainee, graded.c.started_at, graded.c.session_id))
    sessions: dict[str, dict[str, object]] = {}
    crits: set[str] = set()
    with engine.connect() as con:
        for sid, trainee, persona, started, score, eff, crit, ai, over in con.execute(q):
            row = sessions.setdefault(sid, {"session": sid, "trainee": trainee, "persona": persona,
                                            "started_at": started, "ai_score": score,
                                            "score": eff})
            row[crit] = (over + "*") if over and over != ai else (ai or "unscored")
            crits.add(crit)
    out = io.StringIO()
    head = ["session", "trainee", "persona", "started_at", "ai_score", "score",
            *sorted(crits, key=_order)]
    writer = csv.DictWriter(out, fieldnames=head, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sessions.values())
    return out.getvalue()
