"""What running the embedded model in a worker process costs, against in-process, measured in
the same run with the modes interleaved (other jobs load the machine: compare the ratios).

Each round, per mode: read the call so far into the cache (as while the trainee talks), then
stream the caller's next line (greedy, same tokens in every mode). Reported per mode: prefill
time, time to the first token, and generation tokens/s. The third mode is the AMX guard's
fallback (extra buffer types off, so no weight repacking), the speed an AMX build runs at.

    python bench/worker_bench.py [--rounds 6] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from trainer import llama_local
from trainer.caller import Caller
from trainer.config import load_settings
from trainer.models import LlamaCppChat, ensure_embedded_model
from trainer.personas import find_persona
from trainer.transcript import Turn

LINES = ["Hi, I'm sorry to hear that. Can I have your order number?",
         "Thanks. I can see the order here.",
         "I understand how frustrating this is after three calls.",
         "I can send a replacement, or refund you in full.",
         "I'll book it now, and you'll get a confirmation email within one hour.",
         "Is there anything else I can do for you today?"]
FAKE_AMX = "CPU : AVX2 = 1 | AMX_INT8 = 1 | REPACK = 1 |"
MODES = ("in-process", "worker", "in-process, no repack (AMX fallback)")


def _model(path: Path, mode: str, threads: int) -> LlamaCppChat:
    slot = f"bench-{MODES.index(mode)}"
    model = LlamaCppChat(model_path=str(path), slot=slot, n_threads=threads, max_tokens=24,
                         temperature=0.0, seed=1, in_process=mode != "worker")
    if "fallback" in mode:  # load it now with the guard's plan for an AMX build
        llama_local.load_llama(model._request([], False, None, {}), info=FAKE_AMX)
    return model


def _round(model: LlamaCppChat, caller: Caller, history: list[Turn]) -> dict[str, float]:
    prefix = f"{caller.persona.first_name}:"
    t = time.perf_counter()
    model.prefill(list(caller.messages(history[:-1], "")), assistant_prefix=prefix)
    prefill = time.perf_counter() - t
    messages = caller.messages(history, "Dana is angry but listening. She answers the agent.")
    t = time.perf_counter()
    first = None
    tokens = 0
    for _chunk in model.stream(messages, stop=["\nAgent:"], assistant_prefix=prefix):
        tokens += 1
        if first is None:
            first = time.perf_counter() - t
    total = time.perf_counter() - t
    assert first is not None
    return {"prefill": prefill, "first": first,
            "tps": (tokens - 1) / (total - first) if tokens > 1 else 0.0, "tokens": tokens}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    settings = load_settings().settings
    threads = args.threads or settings.threads
    path = ensure_embedded_model(settings.models_dir)
    persona = find_persona("irate-dana", settings.persona_dirs())
    caller = Caller(persona, None)  # type: ignore[arg-type]  # only its prompt is used
    models = {mode: _model(path, mode, threads) for mode in MODES}
    for mode, model in models.items():  # load and warm each (the worker starts here)
        _round(model, caller, [Turn(0, "caller", persona.opening, 0, 0), Turn(1, "trainee", "Hello.", 0, 0)])
        print(f"warmed: {mode}", flush=True)
    results: dict[str, list[dict[str, float]]] = {m: [] for m in MODES}
    for r in range(args.rounds):
        history = [Turn(0, "caller", persona.opening, 0, 0)]
        for i, line in enumerate(LINES[: r % len(LINES) + 1]):
            history.append(Turn(len(history), "trainee", line, 0, 0))
            if i < r % len(LINES):
                history.append(Turn(len(history), "caller", "You'd better.", 0, 0))
        order = MODES if r % 2 == 0 else tuple(reversed(MODES))
        for mode in order:
            results[mode].append(_round(models[mode], caller, history))
        print(f"round {r + 1}: " + ", ".join(f"{m} first {results[m][-1]['first']:.2f} s "
                                            f"{results[m][-1]['tps']:.1f} tok/s" for m in MODES),
              flush=True)
    _report(results, threads)


def _report(results: dict[str, list[dict[str, Any]]], threads: int) -> None:
    med = {m: {k: statistics.median(x[k] for x in rows) for k in ("prefill", "first", "tps")}
           for m, rows in results.items()}
    base = med["in-process"]
    print(f"\n{len(results['in-process'])} rounds per mode, {threads} threads, medians; "
          f"llama.cpp generation in-process: {base['tps']:.1f} tok/s")
    print(f"{'mode':40} {'prefill s':>10} {'first token s':>14} {'gen tok/s':>10} "
          f"{'first vs in-proc':>17} {'tok/s vs in-proc':>17}")
    for mode, m in med.items():
        print(f"{mode:40} {m['prefill']:10.3f} {m['first']:14.3f} {m['tps']:10.1f} "
              f"{m['first'] / base['first']:17.2f} {m['tps'] / base['tps']:17.2f}")


if __name__ == "__main__":
    main()
