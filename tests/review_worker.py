"""One app process writing to a shared store (run by test_review_concurrency as a subprocess):
comments on one session, retried on `Conflict` as a page would after a reload, and an attempt to
settle every dispute. Prints what it wrote as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from review_helpers import sqlite_engine
from sqlalchemy import create_engine

from trainer.review import actions


def main(url: str, folder: Path, name: str, n: int, disputes: int) -> None:
    engine = sqlite_engine(Path(url)) if not url.startswith("postgresql") else create_engine(url)
    wrote, conflicts, settled, already = 0, 0, 0, 0
    for i in range(n):
        while True:
            try:
                actions.add_comment(engine, folder, float(i), f"{name} {i}", name,
                                    actions.session_etag(engine, folder))
                wrote += 1
                break
            except actions.Conflict:
                conflicts += 1
    for d in range(disputes):
        ref = actions.DisputeRef(f"d{d}", folder.name, "empathy", "fail")
        while True:
            try:
                actions.decide_dispute(engine, folder, ref, accept=d % 2 == 0, reply=f"{name}",
                                       author=name, seen=actions.session_etag(engine, folder))
                settled += 1
                break
            except actions.Conflict:
                conflicts += 1
            except actions.AlreadySettled:
                already += 1
                break
    print(json.dumps({"wrote": wrote, "conflicts": conflicts, "settled": settled,
                      "already": already}))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
