"""How the team progress page scales: 10k graded sessions in SQLite and in PostgreSQL, the
page's p50 / p95 time. The sessions go straight into the review index (13 verdicts each, 20
trainees, 26 weeks, 9 personas, 2% overridden); the timed unit is everything the progress page
does: the index queries plus the SVG charts, and the CSV export.

    python bench/progress_bench.py [--sessions 10000] [--repeats 15] [--no-postgres] [--no-llm]

PostgreSQL: a throwaway server from Debian's package (as the test tier starts it), or
``--pg-url postgresql+psycopg://…``. Prints llama.cpp's generation tokens/s on this machine
beside the figures (other jobs share the cores)."""

from __future__ import annotations

import argparse
import random
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

from sqlalchemy import Engine, create_engine, event, insert  # noqa: E402
from stats import pct  # noqa: E402

from trainer.grading.rubric import CONTRACT_IDS  # noqa: E402
from trainer.review.charts import first_best_chart, missed_chart, rate_heatmap  # noqa: E402
from trainer.review.index import effective_score, iso_week, rebuild_rollup  # noqa: E402
from trainer.review.progress import progress, progress_csv  # noqa: E402
from trainer.review.tables import graded, metadata, verdicts  # noqa: E402

PERSONAS = ["irate-dana", "calm-marcus", "birthday-priya", "freebie-gary", "confused-edith",
            "supervisor-ray", "abusive-vince", "venting-lorraine", "billing-tom"]


def _rows(n: int, trainees: int, seed: int = 0) -> tuple[list[dict], list[dict]]:
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


def _load(engine: Engine, sessions: list[dict], marks: list[dict]) -> float:
    started = time.monotonic()
    metadata.create_all(engine)
    with engine.begin() as con:
        for k in range(0, len(sessions), 2000):
            con.execute(insert(graded), sessions[k:k + 2000])
        for k in range(0, len(marks), 20000):
            con.execute(insert(verdicts), marks[k:k + 20000])
    rebuild_rollup(engine)
    return time.monotonic() - started


def _page(engine: Engine, team: list[str]) -> str:
    p = progress(engine, team, per_trainee=len(team) == 1)
    return (rate_heatmap(p.team, p.weeks) + first_best_chart(p.first_best)
            + missed_chart(p.most_missed))


def _time(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm: caches, query plans
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _sqlite(folder: Path) -> Engine:
    engine = create_engine(f"sqlite:///{folder / 'trainer.db'}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(dbapi_con: Any, _record: Any) -> None:
        dbapi_con.execute("PRAGMA journal_mode=WAL")

    return engine


@contextmanager
def _postgres(url: str | None) -> Iterator[Engine]:
    if url:
        engine = create_engine(url)
        yield engine
        engine.dispose()
        return
    from pg import create_database, running_server

    with running_server() as server:
        engine = create_engine(create_database(server, "bench"))
        yield engine
        engine.dispose()


def tokens_per_second() -> str:
    """llama.cpp generation speed on this machine now (the embedded caller model)."""
    try:
        from machine import tokens_per_second as measure

        from trainer.config import load_settings

        return f"{measure(load_settings().settings):.1f} tokens/s"
    except Exception as exc:  # the figure is context only; the bench does not need a model
        return f"unavailable ({type(exc).__name__})"


def _report(name: str, engine: Engine, sessions: list[dict], marks: list[dict],
            args: argparse.Namespace) -> None:
    load = _load(engine, sessions, marks)
    everyone = sorted({s["trainee"] for s in sessions})
    team = _time(lambda: _page(engine, everyone), args.repeats)
    one = _time(lambda: _page(engine, everyone[:1]), args.repeats)
    export = _time(lambda: progress_csv(engine, everyone), max(3, args.repeats // 3))
    print(f"{name:10} | {len(sessions):6} | {load:5.1f} s | {1000 * pct(team, .5):7.0f} ms | "
          f"{1000 * pct(team, .95):7.0f} ms | {1000 * pct(one, .5):7.0f} ms | "
          f"{1000 * pct(export, .5):7.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10_000)
    ap.add_argument("--trainees", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--pg-url", default=None)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-llm", action="store_true", help="skip the tokens/s context figure")
    args = ap.parse_args()
    sessions, marks = _rows(args.sessions, args.trainees)
    print(f"llama.cpp generation on this machine: "
          f"{'skipped' if args.no_llm else tokens_per_second()}")
    print("store      | sessions | load  | team page p50 | p95 | one trainee p50 | CSV p50")
    with tempfile.TemporaryDirectory() as tmp:
        engine = _sqlite(Path(tmp))
        _report("SQLite", engine, sessions, marks, args)
        engine.dispose()
    if not args.no_postgres:
        with _postgres(args.pg_url) as engine:
            _report("PostgreSQL", engine, sessions, marks, args)


if __name__ == "__main__":
    main()
