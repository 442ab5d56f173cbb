"""The phrase cues the director used before the behaviour reader (trainer/cues.py, frozen here
unchanged so bench/reader_bench.py can print before/after figures on the same lines).

These are phrase patterns, not understanding: they catch the common wordings fast and
consistently; the director model adds what they miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Cues", "detect_cues", "is_boundary_warning", "is_goodbye"]


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


TRIGGER_PATTERNS: dict[str, re.Pattern[str]] = {
    "calm_down": _rx(r"\bcalm (?:yourself )?down\b", r"\brelax\b", r"\bsettle down\b",
                     r"\bno need to (?:get|be) (?:so )?(?:upset|angry|worked up)\b",
                     r"\bdon'?t (?:get|be) (?:so )?(?:upset|angry|emotional|worked up)\b",
                     r"\bchill\b", r"\btake a deep breath\b"),
    "hold": _rx(r"\bput you on hold\b", r"\bplace you on hold\b", r"\b(?:please )?hold on\b",
                r"\bplease hold\b", r"\bhold (?:the line|please)\b", r"\bone moment\b",
                r"\b(?:can|could|would) you hold\b", r"\bhold for (?:a|one) (?:moment|minute|sec)",
                r"\bon hold\b"),
    "defensive": _rx(r"\bnot my fault\b", r"\bnot (?:our|my) (?:fault|responsibility)\b",
                     r"\byou should have\b", r"\byou didn'?t read\b", r"\bthat'?s (?:our|the) policy\b",
                     r"\bpolicy (?:says|is)\b", r"\bthere'?s nothing i can do\b",
                     r"\bi can'?t do anything\b", r"\byour (?:own )?fault\b",
                     r"\bi'?m just doing my job\b", r"\byou must have\b"),
    "dismissive": _rx(r"\bnot my problem\b", r"\bwhatever\b", r"\bthat'?s not (?:a big deal|my job)\b",
                      r"\bit'?s only\b", r"\bcalm\b.*\bit'?s just\b", r"\bso what\b",
                      r"\bdeal with it\b", r"\bit happens\b"),
    "empty_promise": _rx(r"\b(?:i )?(?:promise|guarantee)\b", r"\bdefinitely (?:arrive|be there|fix)\b",
                         r"\bwill never happen again\b", r"\b100 ?(?:%|percent)\b",
                         r"\bright away,? i swear\b"),
    "jargon": _rx(r"\b(?:SKU|RMA|SLA|ETA|escalation ticket|tier[- ]?(?:1|2|one|two)|"
                  r"backend|provisioning|fulfil?ment cent(?:er|re)|DSL sync|API)\b"),
    "transfer": _rx(r"\btransfer you\b", r"\banother department\b", r"\bcall (?:back )?"
                    r"(?:a different|another) (?:number|line)\b", r"\bput you through to\b"),
    "rude": _rx(r"\bshut up\b", r"\bstupid\b", r"\bidiot\b", r"\bare you deaf\b",
                r"\bwhat'?s your problem\b", r"\bget over it\b", r"\bstop whining\b"),
}

SOOTHER_PATTERNS: dict[str, re.Pattern[str]] = {
    "empathy": _rx(r"\bi (?:completely |totally |really )?understand\b",
                   r"\bi can (?:see|hear|imagine|understand)\b", r"\bthat must (?:be|have been)\b",
                   r"\bi'?d be (?:upset|frustrated|angry) too\b", r"\bfrustrating\b",
                   r"\bi hear you\b", r"\bmakes (?:complete |total )?sense\b",
                   r"\byou have every right\b", r"\bunderstandabl[ey]\b"),
    "apology": _rx(r"\b(?:i'?m|i am|we'?re|we are) (?:so |very |really |truly )?sorry\b",
                   r"\b(?:my|our) apolog", r"\bi apologi[sz]e\b", r"\bapologies\b"),
    "paraphrase": _rx(r"\bso (?:if i understand|what i'?m hearing|you'?re saying|just to confirm)\b",
                      r"\bjust to (?:confirm|make sure i understand)\b", r"\bif i understand\b",
                      r"\blet me make sure\b", r"\bwhat i'?m hearing is\b", r"\bso you(?:'ve| have)\b"),
    "options": _rx(r"\b(?:two|three|a few|some|several) (?:options|choices|ways)\b",
                   r"\byou can (?:choose|pick)\b", r"\b(?:either|or i can|or we can|or if you prefer)\b",
                   r"\bi can (?:offer|send|refund|replace|reship|credit)\b", r"\bwould you prefer\b",
                   r"\bwe could\b"),
    "next_steps": _rx(r"\b(?:by|before|on) (?:monday|tuesday|wednesday|thursday|friday|saturday|"
                      r"sunday|tomorrow|tonight|the end of the day|end of day|noon)\b",
                      r"\bwithin (?:\d+|one|two|three|24|48) (?:hours?|days?|business days?)\b",
                      r"\bby \d{1,2}(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.)",
                      r"\bi(?:'ll| will) (?:call|email|text) you back\b",
                      r"\byou(?:'ll| will) (?:get|receive) (?:an? )?(?:email|text|confirmation|"
                      r"tracking)\b", r"\bhere'?s what (?:happens|will happen) next\b",
                      r"\bnext step\b"),
}

# "Thanks for calling" opens calls as often as it closes them, so it is not a goodbye.
GOODBYE = _rx(r"\bgood ?bye\b", r"\bbye\b", r"\bhave a (?:nice|good|great|lovely) "
              r"(?:day|evening|afternoon|night|weekend)\b", r"\btake care\b")
BOUNDARY = _rx(r"\bif you continue\b", r"\b(?:will|have to|going to) (?:end|disconnect|terminate) "
               r"(?:this|the) call\b", r"\bi won'?t (?:accept|tolerate)\b",
               r"\b(?:that|this) language\b", r"\bplease don'?t (?:swear|speak to me like)\b")


@dataclass(frozen=True)
class Cues:
    """Behaviours found in one trainee line, with the words that matched."""

    triggers: dict[str, str]
    soothers: dict[str, str]


def _matches(patterns: dict[str, re.Pattern[str]], text: str) -> dict[str, str]:
    found = {}
    for name, rx in patterns.items():
        m = rx.search(text)
        if m:
            found[name] = m.group(0)
    return found


def _names(caller_name: str) -> re.Pattern[str]:
    parts = [p for p in re.split(r"\W+", caller_name) if len(p) > 1]
    first, last = parts[0], parts[-1]
    return re.compile(rf"\b{re.escape(first)}\b|\b(?:mr|mrs|ms|miss)\.? {re.escape(last)}\b",
                      re.IGNORECASE)


def detect_cues(text: str, caller_name: str = "") -> Cues:
    """Triggers and soothers in a trainee line; empty text is the ``silence`` trigger."""
    if not text.strip():
        return Cues({"silence": ""}, {})
    triggers = _matches(TRIGGER_PATTERNS, text)
    soothers = _matches(SOOTHER_PATTERNS, text)
    if caller_name:
        m = _names(caller_name).search(text)
        if m:
            soothers["used_name"] = m.group(0)
    return Cues(triggers, soothers)


def is_goodbye(text: str) -> bool:
    return bool(GOODBYE.search(text))


def is_boundary_warning(text: str) -> bool:
    return bool(BOUNDARY.search(text))
