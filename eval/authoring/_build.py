"""Emit eval/transcripts/*.json from the hand-written calls in calls_*.py.

Each call is written as lines "C: ..." (caller) / "T: ..." (trainee). Line options in braces at the
end: {cut} the trainee cut this caller line off (interrupted, trainee overlaps it by 1.2 s);
{loud} the trainee's line is 8 dB above their own usual level; {anger=7 trust=2} mood after the line.
Labels: "lv em ap cd nd pa un op hp ah ns ab sp" codes with P (pass), F (fail), N (n.a.).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

CODES = {"lv": "let_vent", "em": "empathy", "ap": "apology", "cd": "no_calm_down",
         "nd": "not_defensive", "pa": "paraphrase", "un": "used_name", "op": "options",
         "hp": "honest_promises", "ah": "avoided_hold", "ns": "next_steps",
         "ab": "abuse_boundary", "sp": "stayed_professional"}
VERDICT = {"P": "pass", "F": "fail", "N": "na"}
OPT = re.compile(r"\s*\{([^}]*)\}\s*$")


def parse_labels(text: str) -> dict[str, str]:
    out = {}
    for item in text.split():
        code, v = item.split(":")
        out[CODES[code]] = VERDICT[v]
    assert sorted(out) == sorted(CODES.values()), f"labels incomplete: {text}"
    return out


def build(call: dict) -> dict:
    turns, t, audio = [], 0.0, call.get("audio", False)
    for raw in call["script"].strip().splitlines():
        raw = raw.strip()
        if not raw:
            continue
        who, text = raw.split(":", 1)
        opts: dict = {}
        while m := OPT.search(text):
            text = text[: m.start()]
            for o in m.group(1).split():
                k, _, v = o.partition("=")
                opts[k] = v or True
        text = text.strip()
        words = len(text.split())
        dur = round(max(0.8, words / (2.3 if who == "C" else 2.6)), 2)
        turn = {"index": len(turns), "speaker": "caller" if who == "C" else "trainee",
                "text": text}
        prev = turns[-1] if turns else None
        gap = 0.7
        start = t + gap
        if who == "T" and prev is not None and prev.get("interrupted"):
            start = prev["end"] - 1.2  # talked over the end of the caller's line
        turn["start"], turn["end"] = round(start, 2), round(start + dur, 2)
        if "cut" in opts:
            turn["interrupted"] = True
        if "anger" in opts:
            turn["mood"] = {"anger": float(opts["anger"]), "trust": float(opts.get("trust", 3))}
        if audio and who == "T":
            loud = "loud" in opts
            turn["measures"] = {
                "wpm": round(words / dur * 60) + (25 if loud else 0),
                "dbfs": -14.0 if loud else -22.0,
                "rel_db": 8.0 if loud else 0.0,
                "gap": round(start - prev["end"], 2) if prev else 0.0,
            }
            if prev is not None and prev.get("interrupted"):
                turn["measures"]["overlap"] = 1.2
        turns.append(turn)
        t = turn["end"]
    doc = {"id": call["id"], "persona": call["persona"]}
    if call.get("name"):
        doc["caller_name"] = call["name"]
    doc["notes"] = call["notes"]
    doc["labels"] = parse_labels(call["labels"])
    doc["turns"] = turns
    return doc


def main() -> None:
    """``_build.py`` builds eval/transcripts from calls_*.py beside it; ``_build.py SRC_DIR OUT_DIR``
    builds another set's calls_*.py the same way."""
    here = Path(__file__).parent
    src, out = (Path(sys.argv[1]), Path(sys.argv[2])) if len(sys.argv) == 3 else (here, here.parent / "transcripts")
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for mod in sorted(src.glob("calls_*.py")):
        ns: dict = {}
        exec(mod.read_text(), ns)
        for call in ns["CALLS"]:
            (out / f"{call['id']}.json").write_text(
                json.dumps(build(call), indent=2, ensure_ascii=False) + "\n")
            n += 1
    print(f"wrote {n} transcripts to {out}")


if __name__ == "__main__":
    main()
