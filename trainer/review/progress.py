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

from sqlalchemy import Engine, and_, func, select

from trainer.grading.rubric import CONTRACT_IDS
from trainer.review.tables import graded, rollup, verdicts

__all__ = ["FirstBest", "Missed", "Progress", "Rate", "progress", "progress_csv"]



@dataclass(frozen=True, slots=True)
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
    by_trainee: dict[str, dict[str, tuple[Rate, ...]]]  # filled when asked (``per_trainee``)
    totals: dict[str, dict[str, tuple[int, int]]]  # trainee → criterion → (passed, applicable)
    first_best: tuple[FirstBest, ...]
    most_missed: tuple[Missed, ...]


def _order(criterion: str) -> tuple[int, str]:
    return (CONTRACT_IDS.index(criterion) if criterion in CONTRACT_IDS else len(CONTRACT_IDS),
            criterion)


def _weekly(engine: Engine, trainees: Sequence[str]) -> list[tuple[str, str, str, int, int]]:
    q = (select(rollup.c.trainee, rollup.c.week, rollup.c.criterion, rollup.c.passed,
                rollup.c.applicable)
         .where(rollup.c.trainee.in_(trainees), rollup.c.applicable > 0))
    with engine.connect() as con:
        return [(t, w, c, int(p), int(a)) for t, w, c, p, a in con.execute(q).all()]


def _rates(rows: list[tuple[str, str, str, int, int]], weeks: list[str], per_trainee: bool
           ) -> tuple[dict[str, tuple[Rate, ...]], dict[str, dict[str, tuple[Rate, ...]]],
                      dict[str, dict[str, tuple[int, int]]]]:
    team: dict[str, dict[str, list[int]]] = defaultdict(dict)
    each: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(lambda: defaultdict(dict))
    totals: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for trainee, week, crit, p, a in rows:
        cells = [team[crit].setdefault(week, [0, 0]), totals[trainee].setdefault(crit, [0, 0])]
        if per_trainee:
            cells.append(each[trainee][crit].setdefault(week, [0, 0]))
        for cell in cells:
            cell[0] += p
            cell[1] += a

    def series(by_week: dict[str, list[int]]) -> tuple[Rate, ...]:
        return tuple(Rate(w, *by_week[w]) for w in sorted(by_week))

    crits = sorted(team, key=_order)
    return ({c: series(team[c]) for c in crits},
            {t: {c: series(each[t][c]) for c in sorted(each[t], key=_order)} for t in sorted(each)},
            {t: {c: (v[0], v[1]) for c, v in sorted(totals[t].items(), key=lambda kv: _order(kv[0]))}
             for t in sorted(totals)})


def _first_best(engine: Engine, trainees: Sequence[str]) -> tuple[FirstBest, ...]:
    scored = and_(graded.c.trainee.in_(trainees), graded.c.effective_score.is_not(None))
    agg = (select(graded.c.trainee, graded.c.persona, func.count().label("n"),
                  func.min(graded.c.started_at).label("first_at"),
                  func.max(graded.c.effective_score).label("best"))
           .where(scored).group_by(graded.c.trainee, graded.c.persona).subquery())
    first = (select(agg.c.trainee, agg.c.persona, agg.c.n, agg.c.best, graded.c.session_id,
                    graded.c.effective_score)
             .join(graded, and_(graded.c.trainee == agg.c.trainee,
                                graded.c.persona == agg.c.persona,
                                graded.c.started_at == agg.c.first_at))
             .where(graded.c.effective_score.is_not(None))
             .order_by(agg.c.trainee, agg.c.persona))
    out: dict[tuple[str, str], FirstBest] = {}
    with engine.connect() as con:
        for trainee, persona, n, best, sid, score in con.execute(first):
            out.setdefault((trainee, persona), FirstBest(trainee, persona, int(n), float(score),
                                                         float(best), sid))
    return tuple(out.values())


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


def progress(engine: Engine, trainees: Sequence[str], per_trainee: bool = False) -> Progress:
    """Progress of these trainees (one, or a team's members) from the index; ``per_trainee``
    adds each trainee's own weekly series."""
    trainees = tuple(sorted(set(trainees)))
    rows = _weekly(engine, trainees) if trainees else []
    weeks = sorted({w for _t, w, _c, _p, _a in rows})
    team, by_trainee, totals = _rates(rows, weeks, per_trainee)
    return Progress(trainees, _count(engine, trainees) if trainees else 0, tuple(weeks), team,
                    by_trainee, totals, _first_best(engine, trainees) if trainees else (),
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
