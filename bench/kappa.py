"""Agreement of the grader with hand labels: Cohen's κ per criterion, in-sample or held out.

    python bench/kappa.py                    # in-sample gold set (eval/transcripts), embedded model
    python bench/kappa.py --set heldout      # held-out calls (eval/heldout/calls), written apart
    python bench/kappa.py --set heldout-b    # a second author's held-out calls (eval/heldout-b)
    python bench/kappa.py --set calls-c      # a fourth author's calls (eval/calls-c), now tuned on
    python bench/kappa.py --set calls-d      # a fifth author's calls (eval/calls-d), measured once, then tuned on
    python bench/kappa.py --set heldout-c    # a sixth author's held-out calls (eval/heldout-c), frozen
    python bench/kappa.py --set calls-e      # a seventh author's calls (eval/calls-e), measured once, then tuned on
    python bench/kappa.py --set heldout-d    # an eighth author's held-out calls (eval/heldout-d), frozen
    python bench/kappa.py --set heldout-e    # a ninth author's held-out calls (eval/heldout-e), frozen
    python bench/kappa.py --set heldout-f    # a tenth author's held-out calls (eval/heldout-f), measured once
    python bench/kappa.py --set heldout-g    # an eleventh author's held-out calls (eval/heldout-g), measured once
    python bench/kappa.py --set heldout-h    # a twelfth author's held-out calls (eval/heldout-h), measured once
    python bench/kappa.py --set heldout-i    # a thirteenth author's held-out calls (eval/heldout-i), frozen
    python bench/kappa.py --detectors-only   # no model: the model's criteria count as unscored
    python bench/kappa.py --limit 5 --repeats 3 --grader openai:MODEL@URL

Prints a table and writes bench/out/kappa[-SET].json (with every disagreement).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.behaviour import default_reader, grader_reader  # noqa: E402
from trainer.config import load_settings  # noqa: E402
from trainer.consistency.metrics import cohen_kappa  # noqa: E402
from trainer.grading.pipeline import Grading, grade_transcript  # noqa: E402
from trainer.grading.rubric import CONTRACT_IDS  # noqa: E402
from trainer.transcript import Transcript, load_transcript  # noqa: E402

UNSCORED = "unscored"
OLD_NEVER_NA = ("let_vent", "avoided_hold")  # "never n.a." before rubric 2025.3
SETS = {"gold": ROOT / "eval" / "transcripts", "heldout": ROOT / "eval" / "heldout" / "calls",
        "heldout-b": ROOT / "eval" / "heldout-b" / "calls", "calls-c": ROOT / "eval" / "calls-c" / "calls",
        "calls-d": ROOT / "eval" / "calls-d" / "calls", "heldout-c": ROOT / "eval" / "heldout-c" / "calls",
        "calls-e": ROOT / "eval" / "calls-e" / "calls", "heldout-d": ROOT / "eval" / "heldout-d" / "calls",
        "heldout-e": ROOT / "eval" / "heldout-e" / "calls", "heldout-f": ROOT / "eval" / "heldout-f" / "calls",
        "heldout-g": ROOT / "eval" / "heldout-g" / "calls", "heldout-h": ROOT / "eval" / "heldout-h" / "calls",
        "heldout-i": ROOT / "eval" / "heldout-i" / "calls"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", dest="which", choices=sorted(SETS), default="gold",
                    help="gold: the in-sample set the grader was tuned on; heldout, heldout-b: written "
                         "apart by two authors (heldout-b never seen by any tuning); calls-c: a "
                         "fourth author's calls, measured once before tuning, then tuned on; calls-d: the same "
                         "for a fifth author and calls-e for a seventh; heldout-c to heldout-i: a sixth and "
                         "the eighth to the thirteenth author's, frozen")
    ap.add_argument("--limit", type=int, default=0, help="only the first N transcripts")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--grader", default=None, help="grader model spec (default: settings)")
    ap.add_argument("--detectors-only", action="store_true")
    ap.add_argument("--live-reader", action="store_true",
                    help="ablation: detectors read with the live (e5) reader, not the grader's")
    ap.add_argument("--model-only", action="store_true",
                    help="ablation: the model judges every non-detector criterion")
    ap.add_argument("--old-na", action="store_true",
                    help="compare under the labels' convention before rubric 2025.3: a grader n.a. "
                         "on let_vent or avoided_hold (no venting, no hold) counts as pass")
    ap.add_argument("--words-only", action="store_true",
                    help="drop the caller's mood meters (the live director's) so the call's facts come "
                         "from the words alone, as in imported and held-out calls")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or ROOT / "bench" / "out" / ("kappa.json" if args.which == "gold"
                                                else f"kappa-{args.which}.json")

    settings = load_settings(grader_model=args.grader).settings
    grading = (Grading(None, "none", repeats=1, reader=grader_reader(settings))
               if args.detectors_only
               else Grading.from_settings(settings, repeats=args.repeats, grader=args.grader))
    if args.live_reader:
        grading.reader = default_reader()
    grading.clear_cut = not args.model_only
    files = sorted(SETS[args.which].glob("*.json"))
    files = files[: args.limit] if args.limit else files
    if not files:
        sys.exit(f"{SETS[args.which]}: no labelled calls (*.json) there")
    labels: dict[str, list[str]] = {c: [] for c in CONTRACT_IDS}
    got: dict[str, list[str]] = {c: [] for c in CONTRACT_IDS}
    by_model: Counter[str] = Counter()
    misses, seconds = [], []
    for path in files:
        want = _labels(path)
        started = time.monotonic()
        call = load_transcript(path)
        grade = grade_transcript(_without_moods(call) if args.words_only else call, grading)
        seconds.append(time.monotonic() - started)
        for cid in CONTRACT_IDS:
            if cid not in want:
                continue
            g = grade.criteria[cid]
            verdict = g.verdict or UNSCORED
            if args.old_na and cid in OLD_NEVER_NA and verdict == "na":
                verdict = "pass"
            labels[cid].append(want[cid])
            got[cid].append(verdict)
            by_model[cid] += g.decided_by == "llm"
            if verdict != want[cid]:
                misses.append({"transcript": path.stem, "criterion": cid, "label": want[cid],
                               "got": verdict, "decided_by": g.decided_by, "reason": g.reason,
                               "evidence": [q.quote for q in g.evidence]})
        print(f"{path.stem:42} {seconds[-1]:6.1f}s", file=sys.stderr, flush=True)

    rows = []
    print(f"\nset {args.which} ({len(files)} calls, {SETS[args.which].relative_to(ROOT)})")
    print(f"{'criterion':20} {'n':>3} {'agree':>6} {'kappa':>6} {'by model':>8}")
    for cid in CONTRACT_IDS:
        n = len(labels[cid])
        k = cohen_kappa(labels[cid], got[cid]) if n else None
        agree = sum(x == y for x, y in zip(labels[cid], got[cid], strict=True)) / n if n else 0.0
        rows.append({"criterion": cid, "n": n, "agreement": round(agree, 3),
                     "kappa": None if k is None else round(k, 3), "by_model": by_model[cid]})
        shown = "n/a" if k is None else f"{k:.2f}"
        print(f"{cid:20} {n:3} {100 * agree:5.0f}% {shown:>6} {by_model[cid]:8}")
    scored = [(float(r["kappa"]), str(r["criterion"])) for r in rows  # type: ignore[arg-type]
              if r["kappa"] is not None]
    mean = sum(k for k, _ in scored) / len(scored) if scored else float("nan")
    low = min(scored) if scored else (float("nan"), "-")
    mode = ("detectors only" if args.detectors_only else "model judges every hybrid criterion"
            if args.model_only else "detectors + model") + ("; old n.a. convention" if args.old_na else "")
    print(f"\nmean kappa {mean:.3f}, lowest {low[0]:.3f} ({low[1]}); {mode}; grading time per "
          f"call: mean {sum(seconds) / len(seconds):.1f}s, max {max(seconds):.1f}s; model "
          f"{grading.model_id}, repeats {grading.repeats}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"set": args.which, "mode": mode, "model": grading.model_id,
                               "repeats": grading.repeats, "mean_kappa": mean, "rows": rows,
                               "seconds": seconds, "disagreements": misses}, indent=2) + "\n")


def _without_moods(t: Transcript) -> Transcript:
    """The call as an import would carry it: no mood meters from the live director."""
    return replace(t, turns=[replace(turn, mood=None) for turn in t.turns])


def _labels(path: Path) -> dict[str, str]:
    """A call's labels, keyed by criterion id (a bad file is one clear line, no traceback)."""
    try:
        labels = json.loads(path.read_text())["labels"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        sys.exit(f"{path}: no readable 'labels' object ({exc.__class__.__name__})")
    if not isinstance(labels, dict):
        sys.exit(f"{path}: labels: must be an object of criterion id -> pass|fail|na")
    bad = {k: v for k, v in labels.items() if v not in ("pass", "fail", "na")}
    if bad:
        sys.exit(f"{path}: labels: each must be pass, fail or na (got {bad})")
    return labels


if __name__ == "__main__":
    main()
