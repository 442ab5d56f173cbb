"""Where the caller's first words go, in tokens (independent of how loaded the machine is).

The scripted trainee's lines (bench/voice_call_bench.py) as a typed call on the embedded model,
in this process, per trainee turn:

- prompt tokens the reply still has to read when the turn ends (not in the model's cache);
- tokens the model generates before its first spoken piece;
- what is said before the model's words (the director's reaction or fact opener).

Old: the call so far read while the trainee talks, first sentence to speech, no reaction.
New: also the reply's whole prompt read ahead when the words sound finished (as the microphone
listener's foresight does at a pause), first clause to speech, the persona's reactions.
Multiply by the machine's speeds (printed) for seconds. The read-ahead here is waited for; in a
live call it starts at the pause that sounds finished (0.2 s of silence, after the words so far
are transcribed) and what it has not read when the turn ends (0.5 s) is still read then.

    python bench/reply_tokens_bench.py [--persona irate-dana]
"""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Iterator
from typing import Any

from machine import tokens_per_second
from voice_call_bench import LINES

from trainer import llama_local
from trainer.caller import Caller
from trainer.config import load_settings
from trainer.director import Director
from trainer.models import chat_model
from trainer.personas import Persona, Reactions, find_persona
from trainer.session import _twin
from trainer.transcript import Turn

_LAST: dict[str, Any] = {}
_run = llama_local.run_request


def _counting(llama: Any, request: Any) -> Any:
    """`run_request`, noting how much of the prompt was not in the cache and what streamed."""
    prompt = llama_local.chat_prompt(llama, request.messages) + (request.assistant_prefix or "")
    tokens = llama.tokenize(prompt.encode(), add_bos=False, special=True)
    cached = 0
    for a, b in zip(list(llama._input_ids[: llama.n_tokens]), tokens, strict=False):
        if a != b:
            break
        cached += 1
    result = _run(llama, request)
    if not request.stream:
        return result
    _LAST.update(unread=len(tokens) - cached, pieces=[])

    def chunks() -> Iterator[Any]:
        for part in result:
            _LAST["pieces"].append(part["choices"][0]["text"])
            yield part

    return chunks()


def one_call(persona: Persona, model: Any, new: bool) -> list[dict[str, Any]]:
    if not new:
        persona = persona.model_copy(update={"timing": persona.timing.model_copy(
            update={"reactions": Reactions()})})
    caller, director = Caller(persona, model, first_clause=new), Director(persona, seed=0)
    history = [Turn(0, "caller", persona.opening, 0, 0)]
    rows = []
    for line in LINES:
        caller.warm(history)
        caller.wait_warm()
        if new:
            step = _twin(director).step(history[-1].text, line)
            caller.warm([*history, Turn(0, "trainee", line, 0, 0)], step.direction, step.opener,
                        step.reaction)
            caller.wait_warm()
        step = director.step(history[-1].text, line)
        history.append(Turn(len(history), "trainee", line, 0, 0))
        first = caller.said_first(step.opener, step.reaction)
        said: list[str] = []
        for piece in caller.stream_line(history, step.direction, step.opener, step.reaction):
            said.append(piece)
            if len(said) > len(first):
                break  # the model's first piece: stop generating
        rows.append({"unread": _LAST["unread"], "generated": len(_LAST["pieces"]),
                     "first": " ".join(first), "words": said[len(first):][:1]})
        history.append(Turn(len(history), "caller", " ".join(said), 0, 0, mood=step.mood))
        if step.ends_call:
            break
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persona", default="irate-dana")
    args = ap.parse_args()
    llama_local.run_request = _counting
    settings = load_settings(model_process="in-process").settings
    persona = find_persona(args.persona, settings.persona_dirs())
    model = chat_model("caller", settings, seed=0)
    speed = tokens_per_second(settings)
    for name in ("old", "new"):
        rows = one_call(persona, model, name == "new")
        print(f"\n{name}:")
        for n, r in enumerate(rows, 1):
            print(f"  turn {n}: {r['unread']:3d} tokens to read, {r['generated']:2d} generated; "
                  f"said first {r['first']!r:16} then {r['words']}")
        print(f"  median: {statistics.median(r['unread'] for r in rows)} tokens to read at the "
              f"end of the turn, {statistics.median(r['generated'] for r in rows)} generated before "
              f"the model's first piece; {sum(bool(r['first']) for r in rows)}/{len(rows)} turns "
              f"begin with words said at once")
    print(f"\n{args.persona}, embedded model, {settings.threads} threads; generation {speed:.1f} "
          f"tok/s, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
