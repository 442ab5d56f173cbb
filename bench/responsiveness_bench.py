"""Caller responsiveness: does the caller's next line react to what the trainee just said?

Runs every probe of eval/responsiveness.yaml (a fact asked for, blame, hold, apology, options,
jargon, a small credit, a transfer, "anything else?", goodbye — on nine personas) through the
real director and the configured caller model, and prints per probe the caller's line, whether
it reacted (the probe's own regular expressions, written before any run) and the words that
showed it; then the share that reacted, the caller prompt's size, and the machine's llama.cpp
generation speed.

    python bench/responsiveness_bench.py [--seeds 2] [--only dana-order-number,...] [-v]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.config import load_settings  # noqa: E402
from trainer.models import chat_model, ensure_embedded_model  # noqa: E402
from trainer.personas import find_persona  # noqa: E402
from trainer.practice import director_model  # noqa: E402
from trainer.prompts import template_version  # noqa: E402
from trainer.responsiveness import ProbeResult, default_probes, load_probes, run_probe, share  # noqa: E402


def generation_tokens_per_s(model: Any) -> float:
    """Generation speed on this machine now, through the caller's own model: 64 tokens after
    a short prompt (the prompt is a few dozen tokens, so decoding dominates)."""
    started = time.perf_counter()
    reply = model.invoke([HumanMessage("Count from 1 to 200, comma separated: 1, 2, 3,")],
                         max_tokens=64, temperature=0.0)
    took = time.perf_counter() - started
    usage = getattr(reply, "usage_metadata", None) or {}
    return float(usage.get("output_tokens") or len(str(reply.content).split())) / took


def token_counter(settings: Any) -> Callable[[str], int]:
    """Counts tokens with the embedded model's vocabulary (loaded alone: no weights), or
    words when that is not available."""
    try:
        from llama_cpp import Llama

        vocab = Llama(model_path=str(ensure_embedded_model(settings.models_dir)), vocab_only=True,
                      verbose=False)
        return lambda text: len(vocab.tokenize(text.encode()))
    except Exception:  # a remote-only setup: words are close enough for a comparison
        return lambda text: len(text.split())


def _print(r: ProbeResult, seed: int, verbose: bool) -> None:
    mark = "PASS" if r.reacted else "FAIL"
    print(f"{mark}  {r.probe.id:<24} seed {seed}  [{r.probe.kind}]  ({r.seconds:.1f}s)", flush=True)
    print(f"      agent : {r.probe.say}")
    print(f"      caller: {r.line}")
    if r.reacted:
        print(f"      shows : {r.matched!r}")
    if verbose:
        print(f"      direction: {r.direction}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=2, help="runs per probe (seeds 0..N-1)")
    ap.add_argument("--only", default="", help="comma-separated probe ids")
    ap.add_argument("--probes", type=Path, default=default_probes())
    ap.add_argument("-v", "--verbose", action="store_true", help="print each direction")
    args = ap.parse_args()
    settings = load_settings().settings
    probes = load_probes(args.probes)
    if args.only:
        probes = [p for p in probes if p.id in args.only.split(",")]
    model = chat_model("caller", settings)
    speed = generation_tokens_per_s(model)
    tokens = token_counter(settings)
    results: list[ProbeResult] = []
    by_kind: dict[str, list[ProbeResult]] = defaultdict(list)
    for probe in probes:
        persona = find_persona(probe.persona, settings.persona_dirs())
        for seed in range(args.seeds):
            caller_model = chat_model("caller", settings, seed=seed)  # shares the loaded model
            r = run_probe(probe, persona, caller_model, director_model(settings, seed), seed=seed)
            _print(r, seed, args.verbose)
            results.append(r)
            by_kind[probe.kind].append(r)
    print(f"\ncaller prompt {template_version('caller')}, director prompt "
          f"{template_version('director')}, model {settings.model_for('caller')}")
    print("by kind: " + ", ".join(f"{k} {sum(r.reacted for r in v)}/{len(v)}"
                                  for k, v in sorted(by_kind.items())))
    reacted = sum(r.reacted for r in results)
    print(f"reacted: {reacted}/{len(results)} = {share(results):.0%} "
          f"({len(probes)} probes x {args.seeds} seeds, "
          f"{len({p.persona for p in probes})} personas)")
    print(f"caller prompt: mean {statistics.mean(tokens(r.prompt) for r in results):.0f} "
          f"tokens; direction mean {statistics.mean(len(r.direction) for r in results):.0f} chars, "
          f"{statistics.mean(tokens(r.direction) for r in results):.0f} tokens")
    print(f"caller line: mean {statistics.mean(r.seconds for r in results):.2f}s, "
          f"median {statistics.median(r.seconds for r in results):.2f}s (includes reading the "
          "persona sheet: each probe starts a fresh call)")
    end = generation_tokens_per_s(model)
    print(f"generation speed: {speed:.1f} tokens/s at the start, {end:.1f} at the end "
          f"({settings.model_for('caller')}, {settings.threads} threads)")


if __name__ == "__main__":
    main()
