"""The behaviour reader's recall, precision and speed on labelled trainee lines.

    python bench/reader_bench.py --split dev        # the reader's own dev split (in-sample-ish:
                                                     #   thresholds were tuned on it)
    python bench/reader_bench.py --split heldout    # eval/heldout/lines.jsonl, written apart
    python bench/reader_bench.py --split heldout-b  # eval/heldout-b/lines.jsonl, a second author
    python bench/reader_bench.py --split heldout-c  # eval/heldout-c/lines.jsonl, a third author
    python bench/reader_bench.py --split heldout-d  # eval/heldout-d/lines.jsonl, a fourth author
    python bench/reader_bench.py --split heldout-e  # eval/heldout-e/lines.jsonl, a fifth author
    python bench/reader_bench.py --split heldout-f  # eval/heldout-f/lines.jsonl, a sixth author
    python bench/reader_bench.py --split heldout-g  # eval/heldout-g/lines.jsonl, a seventh author
    python bench/reader_bench.py --split heldout-h  # eval/heldout-h/lines.jsonl, an eighth author
    python bench/reader_bench.py --split heldout-i  # eval/heldout-i/lines.jsonl, a ninth author

Prints, for the old phrase cues (before), rules alone, embeddings alone, the live reader (rules +
e5 embeddings: the director) and the grader's reader (rules + the embedded model's sentence
vectors), overall micro recall/precision and the share of lines whose behaviour set is exactly
right; then per behaviour for the old cues and both readers; then ms per line (p50/p95) beside
the machine's llama.cpp generation tokens/s (other jobs load these machines: compare in one run).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from old_cues import detect_cues
from stats import pct

from trainer.behaviour import BEHAVIOURS, BehaviourReader, grader_reader
from trainer.behaviour.classifier import GRADER_WEIGHTS, load_classifier
from trainer.behaviour.embed import E5Embedder, grader_features
from trainer.behaviour.reader import GRADER_BLEND
from trainer.config import load_settings
from trainer.models import embed_runner

ROOT = Path(__file__).resolve().parents[1]
SPLITS = {"dev": ROOT / "eval" / "behaviour" / "train.jsonl",
          "train": ROOT / "eval" / "behaviour" / "train.jsonl",
          "heldout": ROOT / "eval" / "heldout" / "lines.jsonl",
          "heldout-b": ROOT / "eval" / "heldout-b" / "lines.jsonl",
          "heldout-c": ROOT / "eval" / "heldout-c" / "lines.jsonl",
          "heldout-d": ROOT / "eval" / "heldout-d" / "lines.jsonl",
          "heldout-e": ROOT / "eval" / "heldout-e" / "lines.jsonl",
          "heldout-f": ROOT / "eval" / "heldout-f" / "lines.jsonl",
          "heldout-g": ROOT / "eval" / "heldout-g" / "lines.jsonl",
          "heldout-h": ROOT / "eval" / "heldout-h" / "lines.jsonl",
          "heldout-i": ROOT / "eval" / "heldout-i" / "lines.jsonl"}


@dataclass(frozen=True)
class Line:
    text: str
    gold: frozenset[str]
    caller_name: str | None
    style: str


def load_lines(split: str, path: Path | None = None) -> list[Line]:
    path = path or SPLITS[split]
    out = []
    for n, raw in enumerate(path.read_text().splitlines(), 1):
        if not raw.strip():
            continue
        row = json.loads(raw)
        if split in ("dev", "train") and row.get("split") != split:
            continue
        gold = frozenset(b for b in row.get("behaviours", []) if b in BEHAVIOURS)
        if not isinstance(row.get("text"), str):
            raise SystemExit(f"{path}:{n}: no text")
        out.append(Line(row["text"], gold, row.get("caller_name"), row.get("style", "written")))
    return out


System = Callable[[Line], set[str]]


def old_cues(line: Line) -> set[str]:
    cues = detect_cues(line.text, line.caller_name or "")
    return (set(cues.triggers) | set(cues.soothers)) & set(BEHAVIOURS)


def reader_system(reader: BehaviourReader) -> System:
    def run(line: Line) -> set[str]:
        return reader.read(line.text, caller_name=line.caller_name).behaviours()
    return run


@dataclass
class Score:
    tp: dict[str, int]
    fp: dict[str, int]
    fn: dict[str, int]
    exact: int = 0
    lines: int = 0

    @classmethod
    def empty(cls) -> Score:
        return cls({b: 0 for b in BEHAVIOURS}, {b: 0 for b in BEHAVIOURS}, {b: 0 for b in BEHAVIOURS})

    def add(self, gold: frozenset[str], got: set[str]) -> None:
        for b in BEHAVIOURS:
            self.tp[b] += b in gold and b in got
            self.fp[b] += b not in gold and b in got
            self.fn[b] += b in gold and b not in got
        self.exact += gold == got
        self.lines += 1

    def pr(self, b: str | None = None) -> tuple[float, float, int]:
        keys = [b] if b else list(BEHAVIOURS)
        tp, fp, fn = (sum(d[k] for k in keys) for d in (self.tp, self.fp, self.fn))
        return tp / max(tp + fp, 1), tp / max(tp + fn, 1), tp + fn


def score(system: System, lines: list[Line], misses: list[str] | None = None) -> Score:
    s = Score.empty()
    for line in lines:
        got = system(line)
        s.add(line.gold, got)
        if misses is not None and got != line.gold:
            missed, extra = sorted(line.gold - got), sorted(got - line.gold)
            misses.append(f"  missed {missed} extra {extra}: {line.text}")
    return s


def llama_tokens_per_s() -> str:
    """Generation speed of the embedded model right now (the machine's load, as a yardstick)."""
    try:
        from machine import tokens_per_second

        from trainer.config import load_settings
        return f"{tokens_per_second(load_settings().settings):.1f} tokens/s"
    except Exception as exc:
        return f"unavailable ({type(exc).__name__}: {exc})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=sorted(SPLITS), default="dev")
    ap.add_argument("--data", type=Path, help="another JSONL file of lines (text, behaviours)")
    ap.add_argument("--misses", action="store_true", help="list the reader's wrong lines")
    ap.add_argument("--no-llama", action="store_true", help="skip the tokens/s yardstick")
    ap.add_argument("--no-grader", action="store_true",
                    help="skip the grader's reader (0.3 s a sentence on two cores)")
    args = ap.parse_args(argv)
    lines = load_lines(args.split, args.data)
    clf = load_classifier()
    embedder = E5Embedder()
    systems: dict[str, System] = {
        "old cues (before)": old_cues,
        "rules only": reader_system(BehaviourReader(None, None, "rules")),
        "embeddings only": reader_system(BehaviourReader(embedder, clf, "embedding")),
        LIVE: reader_system(BehaviourReader(embedder, clf, "both")),
    }
    settings = load_settings().settings
    graded = not args.no_grader and GRADER_WEIGHTS.exists()
    if graded:
        systems[GRADER] = reader_system(grader_reader(settings))
    print(f"{len(lines)} lines from {args.data or SPLITS[args.split]} (split {args.split}), "
          f"{sum(len(x.gold) for x in lines)} labelled behaviours\n")
    misses: list[str] = []
    scores = {name: score(fn, lines, misses if name == (GRADER if graded else LIVE) else None)
              for name, fn in systems.items()}
    print(f"{'system':40} {'recall':>7} {'precision':>9} {'exact set':>10}")
    for name, s in scores.items():
        p, r, _ = s.pr()
        print(f"{name:40} {r:7.2f} {p:9.2f} {s.exact / max(s.lines, 1):10.2f}")
    columns = [scores["old cues (before)"], scores[LIVE]] + ([scores[GRADER]] if graded else [])
    heads = ["old", "live"] + (["grader"] if graded else [])
    print(f"\n{'behaviour':14} {'n':>4} " + " ".join(f"{h + ' R':>8} {h + ' P':>8}" for h in heads))
    for b in BEHAVIOURS:
        cells = [c.pr(b) for c in columns]
        print(f"{b:14} {cells[0][2]:4d} " + " ".join(f"{r:8.2f} {p:8.2f}" for p, r, _ in cells))
    live = BehaviourReader(E5Embedder(embedder.threads), load_classifier(), "both")  # no cache
    print()
    print_timing("live reader, 1 thread", live, lines)
    if graded:
        features = grader_features(embed_runner(settings), E5Embedder(embedder.threads))  # uncached
        model = BehaviourReader(features, load_classifier(GRADER_WEIGHTS), similarity=embedder,
                                second=load_classifier(), blend=GRADER_BLEND)
        print_timing(f"grader's reader, {settings.threads} threads, first 40 lines", model, lines[:40])
    if not args.no_llama:
        print(f"llama.cpp generation now: {llama_tokens_per_s()}")
    if args.misses:
        print(f"\n{'the grader' if graded else 'the live'} reader's wrong lines:")
        print("\n".join(misses))
    return 0


LIVE = "live reader (rules + e5 embeddings)"
GRADER = "grader's reader (rules + model & e5 vectors)"


def print_timing(label: str, reader: BehaviourReader, lines: list[Line]) -> None:
    """Milliseconds per line, uncached (a fresh reader, warmed up on another line)."""
    reader.read("Warm-up line, sorry.")
    ms = []
    for line in lines:
        t = time.perf_counter()
        reader.read(line.text, caller_name=line.caller_name)
        ms.append((time.perf_counter() - t) * 1000)
    print(f"ms per line ({label}, uncached): p50 {pct(ms, 0.5):.1f}, p95 {pct(ms, 0.95):.1f}, "
          f"max {max(ms):.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
