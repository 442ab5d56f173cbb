"""The trainers' library on SQLite and on a real PostgreSQL: index, progress, overrides,
comments, disputes, assignments."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from review_helpers import make_grade, make_session, sqlite_engine
from sqlalchemy import Engine, create_engine

from trainer.review import actions, assignments
from trainer.review.index import rollup_from_verdicts, sync_index
from trainer.review.progress import progress, progress_csv
from trainer.review.tables import metadata


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = sqlite_engine(tmp_path / "trainer.db")
    else:
        eng = create_engine(request.getfixturevalue("pg_url"))
    from trainer.db.models import Base

    Base.metadata.create_all(eng)
    metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


def test_index_and_progress(engine: Engine, root: Path) -> None:
    make_session(root, "s1", started="2026-11-23T10:00:00",
                 marks={"empathy": "fail", "apology": "pass", "no_calm_down": "fail"})
    make_session(root, "s2", started="2026-12-01T10:00:00",
                 marks={"empathy": "pass", "apology": "pass", "no_calm_down": "fail"})
    make_session(root, "s3", trainee="bob", marks={"empathy": "fail", "apology": "na"})
    make_session(root, "s4", trainee="bob", marks=None)  # not graded yet
    assert sync_index(engine, root) == 4
    assert sync_index(engine, root) == 0  # nothing changed
    p = progress(engine, ["alice", "bob"], per_trainee=True)
    assert p.sessions == 3
    assert p.weeks == ("2026-W48", "2026-W49")
    assert [(r.week, r.passed, r.applicable) for r in p.team["empathy"]] == [
        ("2026-W48", 0, 1), ("2026-W49", 1, 2)]
    assert [(r.week, r.rate) for r in p.by_trainee["alice"]["empathy"]] == [
        ("2026-W48", 0.0), ("2026-W49", 1.0)]
    assert [(m.criterion, m.failed) for m in p.most_missed][:2] == [("no_calm_down", 2),
                                                                   ("empathy", 2)] or \
        [(m.criterion, m.failed) for m in p.most_missed][:2] == [("empathy", 2), ("no_calm_down", 2)]
    assert p.totals["alice"]["empathy"] == (1, 2) and "apology" not in p.totals["bob"]
    fb = {(f.trainee, f.persona): f for f in p.first_best}
    assert fb[("alice", "irate-dana")].first == 20.0 and fb[("alice", "irate-dana")].best == 60.0
    assert progress(engine, ["carol"]).sessions == 0


def test_override_beside_ai_verdict_and_used_by_progress(engine: Engine, root: Path) -> None:
    folder = make_session(root, "s1", marks={"empathy": "fail", "apology": "pass"})
    sync_index(engine, root)
    seen = actions.session_etag(engine, folder)
    new = actions.add_override(engine, folder, "empathy", "pass", "She said 'that must be "
                               "stressful' at 0:03", author="tina", seen=seen)
    assert new != seen
    assert json.loads((folder / "grade.json").read_text())["criteria"]["empathy"]["verdict"] \
        == "fail"  # never over the AI verdict
    [o] = actions.list_overrides(engine, "s1")
    assert (o.ai_verdict, o.verdict, o.author) == ("fail", "pass", "tina")
    assert progress(engine, ["alice"]).team["empathy"][0].passed == 1
    rows = list(csv.DictReader(io.StringIO(progress_csv(engine, ["alice"]))))
    assert rows[0]["empathy"] == "pass*" and rows[0]["score"] == "100.0"
    assert rows[0]["ai_score"] == str(make_grade("s1", "irate-dana", {
        "empathy": "fail", "apology": "pass"}).score.total)


def test_stale_writes_are_rejected(engine: Engine, root: Path) -> None:
    folder = make_session(root, "s1", marks={"empathy": "fail"})
    sync_index(engine, root)
    seen = actions.session_etag(engine, folder)
    actions.add_comment(engine, folder, 3.0, "Good apology here", author="tina", seen=seen)
    with pytest.raises(actions.Conflict):  # another trainer wrote first
        actions.add_override(engine, folder, "empathy", "pass", "note", author="tom", seen=seen)
    seen = actions.session_etag(engine, folder)
    (folder / "grade.json").write_text(make_grade("s1", "irate-dana", {"empathy": "pass"})
                                       .model_dump_json(indent=1))  # regraded meanwhile
    with pytest.raises(actions.Conflict):
        actions.add_comment(engine, folder, 1.0, "late", author="tina", seen=seen)
    assert [c.text for c in actions.list_comments(engine, "s1")] == ["Good apology here"]


def test_bad_review_input(engine: Engine, root: Path) -> None:
    folder = make_session(root, "s1", marks={"empathy": "fail"})
    seen = actions.session_etag(engine, folder)
    for call, field in [
        (lambda: actions.add_override(engine, folder, "empathy", "maybe", "n", "t", seen), "verdict"),
        (lambda: actions.add_override(engine, folder, "nope", "pass", "n", "t", seen), "criterion"),
        (lambda: actions.add_override(engine, folder, "empathy", "pass", " ", "t", seen), "note"),
        (lambda: actions.add_comment(engine, folder, -1, "x", "t", seen), "seconds"),
    ]:
        with pytest.raises(actions.ReviewError, match=rf"^{field}"):
            call()
    assert actions.session_etag(engine, folder) == seen  # nothing written


def test_dispute_accept_becomes_override_and_settles_once(engine: Engine, root: Path) -> None:
    folder = make_session(root, "s1", marks={"empathy": "fail", "apology": "pass"})
    d = actions.DisputeRef("7", "s1", "empathy", "fail")
    seen = actions.session_etag(engine, folder)
    new = actions.decide_dispute(engine, folder, d, accept=True, reply="You're right.",
                                 author="tina", seen=seen)
    with pytest.raises(actions.AlreadySettled):
        actions.decide_dispute(engine, folder, d, accept=False, reply="No", author="tom", seen=new)
    [o] = actions.list_overrides(engine, "s1")
    assert (o.verdict, o.dispute_id) == ("pass", "7")
    dec = actions.decisions(engine, ["s1"])["7"]
    assert (dec.decision, dec.reply) == ("accepted", "You're right.")
    r = actions.DisputeRef("8", "s1", "apology", "pass")
    with pytest.raises(actions.ReviewError, match=r"^reply"):
        actions.decide_dispute(engine, folder, r, accept=False, reply="", author="t",
                               seen=actions.session_etag(engine, folder))
    actions.decide_dispute(engine, folder, r, accept=False, reply="The apology is at 0:03.",
                           author="tina", seen=actions.session_etag(engine, folder))
    assert actions.decisions(engine)["8"].decision == "rejected"
    assert len(actions.list_overrides(engine, "s1")) == 1


def test_assignment_done_when_a_later_session_meets_the_pass_mark(engine: Engine,
                                                                  root: Path) -> None:
    a = assignments.assign(engine, "irate-dana", author="tina", pass_mark=60, team="red",
                           due="2026-12-01")
    with pytest.raises(actions.ReviewError, match=r"^due"):
        assignments.assign(engine, "irate-dana", author="tina", pass_mark=60, trainee="x",
                           due="soon")
    later = a.created_at[:10] + "T23:59:59"
    make_session(root, "s1", trainee="alice", started=later,
                 marks={"empathy": "pass", "apology": "pass"})
    make_session(root, "s2", trainee="bob", started=later, marks={"empathy": "fail"})
    make_session(root, "s0", trainee="bob", started="2020-01-01T00:00:00",
                 marks={"empathy": "pass"})  # before it was assigned
    sync_index(engine, root)
    items = assignments.assignments_for(engine, teams=["red"])
    got = {s.trainee: s for s in assignments.status(engine, items, {"red": ["alice", "bob"]},
                                                    today=date(2026, 12, 5))}
    assert got["alice"].done and got["alice"].session_id == "s1" and not got["alice"].overdue
    assert not got["bob"].done and got["bob"].overdue


def test_rollup_stays_equal_to_the_verdicts(engine: Engine, root: Path) -> None:
    from sqlalchemy import select

    from trainer.review.tables import rollup

    def stored() -> dict:
        with engine.connect() as con:
            return {(t, w, c): (p, a) for t, w, c, p, a in con.execute(select(rollup)) if a}

    def fresh() -> dict:
        with engine.connect() as con:
            return rollup_from_verdicts(con)

    folder = make_session(root, "s1", marks={"empathy": "fail", "apology": "pass"})
    make_session(root, "s2", trainee="bob", marks={"empathy": "pass", "apology": "na"})
    sync_index(engine, root)
    assert stored() == fresh() and fresh()
    actions.add_override(engine, folder, "empathy", "pass", "n", "t",
                         actions.session_etag(engine, folder))
    actions.add_override(engine, folder, "apology", "na", "n", "t",
                         actions.session_etag(engine, folder))
    assert stored() == fresh()
    (folder / "grade.json").write_text(make_grade("s1", "irate-dana", {"empathy": "fail",
                                                                       "used_name": "fail"})
                                       .model_dump_json(indent=1))
    sync_index(engine, root)
    assert stored() == fresh()
    import shutil

    shutil.rmtree(folder)
    sync_index(engine, root)
    assert stored() == fresh()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_settling_marks_the_apps_dispute_for_the_trainee(backend: str, trainer_home: Path,
                                                         request: pytest.FixtureRequest) -> None:
    """On the app's store, migrated by Alembic (SQLite, and a real PostgreSQL server)."""
    from trainer.db import Store, sync_folder

    url = (f"sqlite:///{trainer_home / 'trainer.db'}" if backend == "sqlite"
           else request.getfixturevalue("pg_url"))
    store = Store(url, trainer_home)
    try:
        folder = make_session(store.root / "sessions", "s9", trainee="ann",
                              marks={"empathy": "fail", "apology": "pass"})
        sync_folder(store, folder)
        tia = store.add_user("tia", "trainer")
        d = store.add_dispute("s9", "empathy", "fail", "I did say sorry")
        ref = actions.DisputeRef(str(d.id), "s9", "empathy", "fail")
        seen = actions.session_etag(store.engine, folder)
        actions.decide_dispute(store.engine, folder, ref, accept=True, reply="Fair.",
                               author="tia", seen=seen, resolver=tia.id)
        with pytest.raises(actions.AlreadySettled):
            actions.decide_dispute(store.engine, folder, ref, accept=False, reply="No.",
                                   author="tia", seen=actions.session_etag(store.engine, folder))
        [seen_by_trainee] = store.disputes(["s9"])
        assert (seen_by_trainee.status, seen_by_trainee.reply) == ("accepted", "Fair.")
        assert progress(store.engine, ["ann"]).team["empathy"][0].passed == 1
    finally:
        store.engine.dispose()
