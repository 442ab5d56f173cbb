"""Two app processes on one database lose nothing and write nothing twice (SQLite and a real
PostgreSQL): every comment lands exactly once, every dispute is settled exactly once, and the
session's version counts every write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from review_helpers import make_session, sqlite_engine
from sqlalchemy import create_engine, func, select

from trainer.review.index import sync_index
from trainer.review.tables import comments, dispute_decisions, graded, metadata, overrides

HERE = Path(__file__).parent
N, DISPUTES = 40, 10


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_two_processes_lose_nothing_and_never_double_write(backend: str, tmp_path: Path,
                                                           request: pytest.FixtureRequest) -> None:
    url = str(tmp_path / "trainer.db") if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = sqlite_engine(Path(url)) if backend == "sqlite" else create_engine(url)
    metadata.create_all(engine)
    folder = make_session(tmp_path / "sessions", "s1", marks={"empathy": "fail", "apology": "pass"})
    sync_index(engine, tmp_path / "sessions")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent), str(HERE)])}
    procs = [subprocess.Popen([sys.executable, str(HERE / "review_worker.py"), url, str(folder),
                               name, str(N), str(DISPUTES)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
             for name in ("web1", "web2")]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]
        outs.append(json.loads(out.strip().splitlines()[-1]))
    with engine.connect() as con:
        texts = con.execute(select(comments.c.text)).scalars().all()
        decided = con.execute(select(dispute_decisions.c.dispute_id)).scalars().all()
        n_over = con.execute(select(func.count()).select_from(overrides)).scalar_one()
        version = con.execute(select(graded.c.version)).scalar_one()
        from trainer.review.index import rollup_from_verdicts
        from trainer.review.tables import rollup

        kept = {(t, w, c): (p, a) for t, w, c, p, a in con.execute(select(rollup)) if a}
        assert kept == rollup_from_verdicts(con)
    engine.dispose()
    assert sorted(texts) == sorted(f"{w} {i}" for w in ("web1", "web2") for i in range(N))
    assert sorted(decided) == sorted(f"d{d}" for d in range(DISPUTES))  # each once
    assert n_over == DISPUTES // 2  # the accepted ones, once each
    assert sum(o["settled"] for o in outs) == DISPUTES
    assert version == 2 * N + DISPUTES  # every write counted, none lost
