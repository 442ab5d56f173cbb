"""Grading time for a 12-turn call on the configured grader model (embedded by default), one
repeat. Goal: ≤ 60 s on 2 CPU cores.

    python bench/grade_bench.py [--transcript FILE] [--warm] [--model-only]

``--warm`` loads the model first (not timed), so the figure is grading only; without it the
one-off model load is included, as in the first grade after starting the app.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from langchain_core.messages import HumanMessage  # noqa: E402

from trainer.config import load_settings  # noqa: E402
from trainer.grading.pipeline import Grading, grade_transcript  # noqa: E402
from trainer.transcript import load_transcript  # noqa: E402

DEFAULT = ROOT / "eval" / "transcripts" / "e37-bank-strong.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transcript", type=Path, default=DEFAULT)
    ap.add_argument("--grader", default=None)
    ap.add_argument("--warm", action="store_true", help="load the model before timing")
    ap.add_argument("--model-only", action="store_true",
                    help="worst case: the model judges every non-detector criterion")
    args = ap.parse_args()
    settings = load_settings(grader_model=args.grader).settings
    grading = Grading.from_settings(settings, repeats=1, grader=args.grader)
    grading.clear_cut = not args.model_only
    t = load_transcript(args.transcript)
    if args.warm:
        started = time.monotonic()
        grading.model.invoke([HumanMessage("hi")], max_tokens=1)  # type: ignore[union-attr]
        print(f"model load: {time.monotonic() - started:.1f}s")
    calls = 0
    inner = grading.model

    class Counting:
        _llm_type = getattr(inner, "_llm_type", "")

        def invoke(self, messages: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return inner.invoke(messages, **kwargs)  # type: ignore[union-attr]

    grading.model = Counting()  # type: ignore[assignment]
    started = time.monotonic()
    grade = grade_transcript(t, grading)
    took = time.monotonic() - started
    by_model = sum(g.decided_by == "llm" for g in grade.criteria.values())
    print(f"{t.id}: {len(t.turns)} turns, {len(grade.criteria)} criteria "
          f"({by_model} by the model, {calls} model calls), threads {settings.threads}: "
          f"{took:.1f}s  (goal <= 60 s)  score {grade.score.total}")


if __name__ == "__main__":
    main()
