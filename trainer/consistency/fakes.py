"""A scripted grader model for tests and model-free suite runs.

`ScriptedGrader` answers each grading prompt through a ``decide`` function that sees the
criterion, the transcript id line, the run and attempt (from the seed the grader sends), the
allowed verdicts and the candidate sentences. ``decide`` returns a verdict (the fake builds a
schema-valid reply quoting the first candidate sentence), any other string (sent as the raw
reply, e.g. to test schema failures), or raises (an endpoint failure).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage

from trainer.grading.grader import CANDIDATES_HEADER

__all__ = ["Ask", "ScriptedGrader"]

_CRITERION = re.compile(r"CRITERION (\w+):")
_CANDIDATE = re.compile(r'\[(\d+)\] "(.*?)"')


@dataclass(frozen=True)
class Ask:
    """One grading request as the fake sees it."""

    criterion: str
    run: int
    attempt: int
    options: tuple[str, ...]
    candidates: tuple[tuple[int, str], ...]
    prompt: str


class ScriptedGrader:
    """A chat model whose replies come from ``decide(ask)``; thread-safe, records every ask."""

    def __init__(self, decide: Callable[[Ask], str], llm_type: str = "llama-cpp") -> None:
        self.decide = decide
        self.asks: list[Ask] = []
        self._llm_type = llm_type
        self._lock = threading.Lock()

    def invoke(self, input: Any, **kwargs: Any) -> AIMessage:
        ask = _ask(list(input), kwargs)
        with self._lock:
            self.asks.append(ask)
        answer = self.decide(ask)
        if answer in ask.options:
            answer = _reply(ask, answer)
        return AIMessage(answer, usage_metadata={"input_tokens": len(ask.prompt) // 4,
                                                 "output_tokens": len(answer) // 4,
                                                 "total_tokens": 0})


def _ask(messages: list[Any], kwargs: dict[str, Any]) -> Ask:
    prompt = str(messages[1].content) if len(messages) > 1 else ""
    criterion = _CRITERION.search(prompt)
    notes = prompt.split(CANDIDATES_HEADER, 1)
    candidates = tuple((int(t), q) for t, q in _CANDIDATE.findall(notes[1])) if len(notes) > 1 else ()
    seed = int(kwargs.get("seed") or 0)
    options = kwargs["response_format"]["schema"]["properties"]["verdict"]["enum"]
    return Ask(criterion.group(1) if criterion else "", seed // 100, seed % 100, tuple(options),
               candidates, prompt)


def _reply(ask: Ask, verdict: str) -> str:
    evidence = [{"turn": t, "quote": q} for t, q in ask.candidates[:1]]
    return json.dumps({"evidence": evidence, "reason": f"scripted {verdict}", "verdict": verdict})
