"""Agreement of the grader with the hand labels in eval/transcripts: Cohen's κ per criterion.

    python bench/kappa.py                    # embedded model, one repeat
    python bench/kappa.py --detectors-only   # no model: the model's criteria count as unscored
    python bench/kappa.py --limit 5 --repeats 3 --grader openai:MODEL@URL

Prints a table and writes bench/out/kappa.json (with every disagreement) for drill-down.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.config import load_settings  # noqa: E402
from trainer.consistency.metrics import cohen_kappa  # noqa: E402
from trainer.grading.pipeline import Grading, grade_transcript  # noqa: E402
from trainer.grading.rubric import CONTRACT_IDS  # noqa: E402
from trainer.transcript import load_transcript  # noqa: E402

UNSCORED = "unscored"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N transcripts")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--grader", default=None, help="grader model spec (default: settings)")
    ap.add_argument("--detectors-only", action="store_true")
    ap.add_argument("--model-only", action="store_true",
                    help="ablation: the model judges every non-detector criterion")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "kappa.json")
    args = ap.parse_args()

    settings = load_settings(grader_model=args.grader).settings
    grading = (Grading(None, "none", repeats=1) if args.detectors_only
               else Grading.from_settings(settings, repeats=args.repeats, grader=args.grader))
    grading.clear_cut = not args.model_only
    files = sorted((ROOT / "eval" / "transcripts").glob("*.json"))
    files = files[: args.limit] if args.limit else files
    labels: dict[str, list[str]] = {c: [] for c in CONTRACT_IDS}
    got: dict[str, list[str]] = {c: [] for c in CONTRACT_IDS}
    by_model: Counter[str] = Counter()
    misses, seconds = [], []
    for path in files:
        want = json.loads(path.read_text())["labels"]
        started = time.monotonic()
        grade = grade_transcript(load_transcript(path), grading)
        seconds.append(time.monotonic() - started)
        for cid in CONTRACT_IDS:
            g = grade.criteria[cid]
            verdict = g.verdict or UNSCORED
            labels[cid].append(want[cid])
            got[cid].append(verdict)
            by_model[cid] += g.decided_by == "llm"
            if verdict != want[cid]:
                misses.append({"transcript": path.stem, "criterion": cid, "label": want[cid],
                               "got": verdict, "decided_by": g.decided_by, "reason": g.reason,
                               "evidence": [q.quote for q in g.evidence]})
        print(f"{path.stem:42} {seconds[-1]:6.1f}s", file=sys.stderr, flush=True)

    rows = []
    print(f"\n{'criterion':20} {'n':>3} {'agree':>6} {'kappa':>6} {'by model':>8}")
    for cid in CONTRACT_IDS:
        k = cohen_kappa(labels[cid], got[cid])
        agree = sum(x == y for x, y in zip(labels[cid], got[cid], strict=True)) / len(files)
        rows.append({"criterion": cid, "n": len(files), "agreement": round(agree, 3),
                     "kappa": None if k is None else round(k, 3), "by_model": by_model[cid]})
        shown = "n/a" if k is None else f"{k:.2f}"
        print(f"{cid:20} {len(files):3} {100 * agree:5.0f}% {shown:>6} {by_model[cid]:8}")
    kappas = [float(r["kappa"]) for r in rows if r["kappa"] is not None]  # type: ignore[arg-type]
    mean = sum(kappas) / len(kappas) if kappas else float("nan")
    print(f"\nmean kappa {mean:.3f}, min {min(kappas):.3f}; grading time per call: mean "
          f"{sum(seconds) / len(seconds):.1f}s, max {max(seconds):.1f}s; model "
          f"{grading.model_id}, repeats {grading.repeats}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"model": grading.model_id, "repeats": grading.repeats,
                                    "mean_kappa": mean, "rows": rows, "seconds": seconds,
                                    "disagreements": misses}, indent=2) + "\n")


if __name__ == "__main__":
    main()
