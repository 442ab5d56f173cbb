"""Caller latency over a scripted eight-turn call on the embedded model.

Prints the caller's time to first sentence and to the full line (p50, p95), and the director's
time, per turn after warm-up. As in a real call, the caller reads the call so far into its KV
cache while the trainee is talking (here: before the scripted line is given), so the timed part
is what a trainee waits for after they stop speaking.

    python bench/caller_bench.py [--persona irate-dana] [--calls 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from machine import tokens_per_second
from stats import pct

from trainer.caller import Caller
from trainer.config import load_settings
from trainer.director import Director
from trainer.models import chat_model
from trainer.personas import find_persona
from trainer.practice import director_model, trusted_director
from trainer.transcript import Turn

SCRIPT = [
    "Hi, I'm sorry to hear that. Can I have your order number?",
    "Thanks. Give me a second while I look at the order.",
    "Okay, I see the order. It says it was delivered on the 23rd.",
    "I understand how frustrating this is, Dana, after three calls.",
    "So just to confirm, the table arrived cracked and two chairs are missing?",
    "I can send a replacement, or refund you in full and pick up the set.",
    "Which would you prefer?",
    "I'll book it now, and you'll get a confirmation email within one hour.",
]


def one_call(persona_id: str, seed: int) -> dict[str, list[float]]:
    settings = load_settings().settings
    persona = find_persona(persona_id, settings.persona_dirs())
    caller = Caller(persona, chat_model("caller", settings, seed=seed))
    director = Director(persona, director_model(settings, seed), seed=seed,
                        model_triggers=trusted_director(settings))
    director.warm()
    history = [Turn(0, "caller", caller.opening(), 0, 0)]
    out: dict[str, list[float]] = {"first": [], "line": [], "director": [], "prefill": []}
    for line in SCRIPT:
        t = time.perf_counter()
        caller.warm(history)
        caller.wait_warm()  # the trainee is still talking
        out["prefill"].append(time.perf_counter() - t)
        history.append(Turn(len(history), "trainee", line, 0, 0))
        t = time.perf_counter()
        step = director.step(history[-2].text, line)
        out["director"].append(time.perf_counter() - t)
        t, first = time.perf_counter(), None
        sentences = []
        for sentence in caller.stream_line(history, step.direction):
            first = first or time.perf_counter() - t
            sentences.append(sentence)
        out["first"].append(first or 0.0)
        out["line"].append(time.perf_counter() - t)
        history.append(Turn(len(history), "caller", " ".join(sentences), 0, 0))
        # The call goes on even if the caller would end it: the bench times eight turns.
        print(f"  [{step.action:>12} anger {step.mood.anger:4.1f}] {history[-1].text}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persona", default="irate-dana")
    ap.add_argument("--calls", type=int, default=2)
    args = ap.parse_args()
    speed = tokens_per_second(load_settings().settings)
    print("warm-up call (not counted)")
    one_call(args.persona, seed=100)
    totals: dict[str, list[float]] = {"first": [], "line": [], "director": [], "prefill": []}
    for n in range(args.calls):
        print(f"call {n + 1}")
        for k, v in one_call(args.persona, seed=n).items():
            totals[k] += v
    after = tokens_per_second(load_settings().settings)
    print(f"\n{len(totals['first'])} caller turns, embedded model, "
          f"{load_settings().settings.threads} threads; generation {speed:.1f} tok/s before, "
          f"{after:.1f} after; load average {os.getloadavg()[0]:.2f}")
    print(f"{'stage':<28}{'p50 s':>8}{'p95 s':>8}{'mean s':>8}")
    for key, label in [("director", "director"),
                       ("first", "caller first sentence"), ("line", "caller full line"),
                       ("prefill", "background prefill*")]:
        v = totals[key]
        print(f"{label:<28}{statistics.median(v):8.2f}{pct(v, 0.95):8.2f}{statistics.mean(v):8.2f}")
    print("* while the trainee talks; not on the trainee's wait")


if __name__ == "__main__":
    main()
