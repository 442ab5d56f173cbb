"""How the progress pages scale: 10k graded sessions in SQLite and in PostgreSQL, each page's
p50 / p95 time over HTTP through the real app (Starlette's TestClient: routing, the cookie and
access checks, the store's queries, the index sync, the SVG charts, the Jinja2 page), signed in
as a trainer whose team holds every trainee — and as one trainee for their own history page.

The sessions go straight into the store (the app's session index and verdicts) and the review
index (13 verdicts each, 20 trainees, 26 weeks, 9 personas, 2% overridden), as a team's server
would hold them after months of use; no session folders are read (their stamps match).

    python bench/progress_bench.py [--sessions 10000] [--repeats 15] [--no-postgres] [--no-llm]

PostgreSQL: a throwaway server from Debian's package, started (and stopped after) as the test
tier starts it, or ``--pg-url postgresql+psycopg://…`` (an empty database). Prints llama.cpp's
generation tokens/s on this machine beside the figures (other jobs share the cores)."""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import insert  # noqa: E402
from stats import pct  # noqa: E402

from trainer.db import Store  # noqa: E402
from trainer.db.models import SessionRow, VerdictRow  # noqa: E402
from trainer.grading.rubric import CONTRACT_IDS  # noqa: E402
from trainer.review.index import effective_score, iso_week, rebuild_rollup  # noqa: E402
from trainer.review.tables import graded, verdicts  # noqa: E402

TRAINER, PASSWORD = "tia", "bench-password"
PERSONAS = ["irate-dana", "calm-marcus", "birthday-priya", "freebie-gary", "confused-edith",
            "supervisor-ray", "abusive-vince", "venting-lorraine", "billing-tom"]


def _rows(n: int, trainees: int, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """The review index's rows: ``n`` graded sessions and their verdicts."""
    rng = random.Random(seed)
    start = datetime(2026, 6, 1)
    sessions: list[dict] = []
    marks: list[dict] = []
    for i in range(n):
        when = start + timedelta(minutes=rng.randrange(26 * 7 * 24 * 60))
        skill = 0.35 + 0.5 * (when - start).days / (26 * 7)  # trainees improve over time
        sid = f"{when:%Y%m%d-%H%M%S}-{i:05d}"
        crit_rows: list[dict[str, Any]] = []
        for c in CONTRACT_IDS:
            ai = "na" if rng.random() < 0.15 else ("pass" if rng.random() < skill else "fail")
            over = ("pass" if ai == "fail" else None) if rng.random() < 0.02 else None
            crit_rows.append({"session_id": sid, "criterion": c, "weight": 1.0 + (c in (
                "empathy", "no_calm_down")), "ai_verdict": ai, "override_verdict": over})
        score = effective_score([(r["weight"], r["ai_verdict"]) for r in crit_rows])
        eff = effective_score([(r["weight"], r["override_verdict"] or r["ai_verdict"])
                               for r in crit_rows])
        started = when.isoformat(timespec="seconds")
        sessions.append({"session_id": sid, "trainee": f"trainee{i % trainees:02d}",
                         "persona": PERSONAS[i % len(PERSONAS)], "persona_hash": "h" * 16,
                         "started_at": started, "week": iso_week(started),
                         "graded_at": started, "score": score, "effective_score": eff,
                         "pass_mark": 70.0, "grade_etag": "e" * 16, "stamp": "s", "version": 0})
        marks += crit_rows
    return sessions, marks


def _store_rows(sessions: list[dict], marks: list[dict], owners: dict[str, int]
                ) -> tuple[list[dict], list[dict]]:
    """The same sessions as the app's store indexes them (owner, folder, score, stamp)."""
    rows = [{"id": s["session_id"], "owner_id": owners[s["trainee"]], "persona_id": s["persona"],
             "persona_hash": s["persona_hash"], "mode": "voice", "started_at": s["started_at"],
             "ended_at": s["started_at"], "ended_how": "trainee", "turns": 12,
             "folder": f"sessions/{s['session_id']}", "score": s["score"],
             "passed": (s["score"] or 0) >= 70, "graded_at": s["graded_at"], "stamp": s["stamp"]}
            for s in sessions]
    return rows, [{"session_id": m["session_id"], "criterion": m["criterion"],
                   "verdict": m["ai_verdict"], "split": False} for m in marks]


def _load(store: Store, sessions: list[dict], marks: list[dict]) -> float:
    """Accounts (a trainer and their team of every trainee), then the rows; the seconds."""
    started = time.monotonic()
    store.add_user(TRAINER, "trainer", PASSWORD)
    store.add_team("everyone")
    store.add_to_team("everyone", TRAINER, as_trainer=True)
    names = sorted({s["trainee"] for s in sessions})
    for name in names:
        store.add_user(name, "trainee", PASSWORD if name == names[0] else None)
        store.add_to_team("everyone", name)
    owners = {u.name: u.id for u in store.users()}
    app_sessions, app_verdicts = _store_rows(sessions, marks, owners)
    with store.engine.begin() as con:
        for table, rows, step in [(insert(SessionRow), app_sessions, 2000),
                                  (insert(VerdictRow), app_verdicts, 20000),
                                  (insert(graded), sessions, 2000),
                                  (insert(verdicts), marks, 20000)]:
            for k in range(0, len(rows), step):
                con.execute(table, rows[k:k + step])
    rebuild_rollup(store.engine)
    return time.monotonic() - started


def _time(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm: caches, query plans
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


@contextmanager
def _app(url: str | None, home: Path) -> Iterator[tuple[Any, Store]]:
    """The real app on this database (None: SQLite in ``home``), its store."""
    from trainer.config import load_settings
    from trainer.db import close_stores, open_store
    from trainer.web.app import create_app

    os.environ["TRAINER_HOME"] = str(home)
    os.environ.pop("TRAINER_DATABASE_URL", None)
    if url:
        os.environ["TRAINER_DATABASE_URL"] = url
    settings = load_settings().settings
    store = open_store(settings)
    app = create_app(settings, transcriber=object())  # no call is made: no recogniser
    try:
        yield app, store
    finally:
        close_stores()


def _signed_in(app: Any, name: str) -> Any:
    from fastapi.testclient import TestClient

    client = TestClient(app)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token, "the sign-in page has no CSRF token"
    out = client.post("/login", data={"name": name, "password": PASSWORD,
                                      "csrf": token.group(1)}, follow_redirects=False)
    assert out.status_code == 303, f"signing in as {name}: {out.status_code}"
    return client


def _get(client: Any, path: str) -> Callable[[], None]:
    def fetch() -> None:
        r = client.get(path)
        assert r.status_code == 200, f"{path}: {r.status_code}"

    return fetch


@contextmanager
def _postgres(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from pg import create_database, running_server

    with running_server() as server:  # stopped and removed on exit
        yield create_database(server, "bench")


def tokens_per_second() -> str:
    """llama.cpp generation speed on this machine now (the embedded caller model)."""
    try:
        from machine import tokens_per_second as measure

        from trainer.config import load_settings

        return f"{measure(load_settings().settings):.1f} tokens/s"
    except Exception as exc:  # the figure is context only; the bench does not need a model
        return f"unavailable ({type(exc).__name__})"


def _report(name: str, url: str | None, sessions: list[dict], marks: list[dict],
            args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp, _app(url, Path(tmp)) as (app, store):
        load = _load(store, sessions, marks)
        tia = _signed_in(app, TRAINER)
        trainee = sorted({s["trainee"] for s in sessions})[0]
        own = _signed_in(app, trainee)
        page = tia.get("/trainers/progress").text  # the page is the real one, charts and all
        assert page.count("<svg") >= 3 and trainee in page, "the team page has no charts"
        assert own.get("/progress").text.count('href="/sessions/') >= len(sessions) // len(
            {s["trainee"] for s in sessions}) - 1, "the trainee's page misses calls"
        team = _time(_get(tia, "/trainers/progress"), args.repeats)
        one = _time(_get(tia, f"/trainers/progress?trainee={trainee}"), args.repeats)
        mine = _time(_get(own, "/progress"), args.repeats)
        export = _time(_get(tia, "/trainers/progress.csv"), max(3, args.repeats // 3))
    ms = [f"{1000 * pct(team, .5):6.0f} / {1000 * pct(team, .95):<6.0f}",
          f"{1000 * pct(one, .5):6.0f} / {1000 * pct(one, .95):<6.0f}",
          f"{1000 * pct(mine, .5):6.0f} / {1000 * pct(mine, .95):<6.0f}",
          f"{1000 * pct(export, .5):6.0f}"]
    print(f"{name:10} | {len(sessions):8} | {load:5.1f} s | " + " | ".join(ms))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10_000)
    ap.add_argument("--trainees", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--pg-url", default=None, help="an empty PostgreSQL database to use")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-llm", action="store_true", help="skip the tokens/s context figure")
    args = ap.parse_args()
    sessions, marks = _rows(args.sessions, args.trainees)
    print(f"llama.cpp generation on this machine: "
          f"{'skipped' if args.no_llm else tokens_per_second()}")
    print("HTTP page times in ms, p50 / p95 (TestClient through the app, signed in)")
    print("store      | sessions | load    | team progress   | one trainee     | "
          "trainee's own   | CSV p50")
    _report("SQLite", None, sessions, marks, args)
    if not args.no_postgres:
        with _postgres(args.pg_url) as url:
            _report("PostgreSQL", url, sessions, marks, args)


if __name__ == "__main__":
    main()
