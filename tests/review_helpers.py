"""Session folders with a grade, written the way a graded call leaves them, for review tests."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from trainer.grading.records import CriterionGrade, Grade, Quote
from trainer.grading.score import compute_score

WEIGHTS = {"empathy": 2.0, "apology": 1.0, "no_calm_down": 2.0, "used_name": 1.0,
           "next_steps": 2.0}


def make_grade(sid: str, persona: str, marks: dict[str, str | None]) -> Grade:
    crits = {c: CriterionGrade(id=c, name=c.replace("_", " "), weight=WEIGHTS.get(c, 1.0),
                               verdict=v, decided_by="llm", reason=f"{c} was {v}",  # type: ignore[arg-type]
                               evidence=[Quote(turn=1, quote="I'm sorry.", speaker="trainee")])
             for c, v in marks.items()}
    return Grade(transcript_id=sid, persona=persona, caller_name="Dana Whitfield",
                 rubric_version="r1", prompt_version="p1", model="fake", repeats=1,
                 graded_at="2026-12-01T10:00:00+00:00", seconds=0.1, criteria=crits,
                 score=compute_score(crits, 70.0))


def make_session(root: Path, sid: str, *, trainee: str = "alice", persona: str = "irate-dana",
                 started: str = "2026-12-01T10:00:00", marks: dict[str, str | None] | None = None
                 ) -> Path:
    folder = root / sid
    (folder / "audio").mkdir(parents=True, exist_ok=True)
    (folder / "session.json").write_text(json.dumps({
        "id": sid, "persona": persona, "trainee": trainee, "started_at": started,
        "caller_name": "Dana Whitfield", "persona_hash": "h" * 64}))
    turns = [{"index": 0, "speaker": "caller", "text": "Where is my order?", "start": 0.0,
              "end": 2.0, "mood": {"anger": 8.0, "trust": 2.0}},
             {"index": 1, "speaker": "trainee", "text": "I'm sorry.", "start": 2.5, "end": 3.5},
             {"index": 2, "speaker": "caller", "text": "Fine.", "start": 4.0, "end": 5.0,
              "mood": {"anger": 6.0, "trust": 3.0}}]
    (folder / "transcript.json").write_text(json.dumps({"id": sid, "persona": persona,
                                                        "turns": turns}))
    if marks is not None:
        (folder / "grade.json").write_text(make_grade(sid, persona, marks).model_dump_json())
    return folder


def sqlite_engine(path: Path) -> Engine:
    """A file SQLite engine that waits for a writer instead of failing (as the app's does)."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_con, _record):  # type: ignore[no-untyped-def]
        dbapi_con.execute("PRAGMA journal_mode=WAL")
        dbapi_con.execute("PRAGMA foreign_keys=ON")

    return engine
