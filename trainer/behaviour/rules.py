"""Phrase rules, kept only where wording is exact: the caller's name, "calm down", explicit hold,
mute and transfer words; negation ("I won't put you on hold"); goodbyes and abuse warnings.

Everything else (empathy, blame, options…) is the embedding classifier's business: phrase lists
written beside their own test lines do not hold on wording they were never written for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["RuleHit", "is_boundary_warning", "is_goodbye", "name_pattern", "negated", "rule_hits"]


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


EXACT: dict[str, re.Pattern[str]] = {
    "calm_down": _rx(
        r"\b(?:calm|settle|simmer|cool) (?:yourself |it )?down\b", r"\bcalm yourself\b",
        r"(?:^|[,.!?]\s*|\b(?:just|please|try to|need to|you should|gotta|got to) )relax\b",
        r"\bchill out\b", r"\blower your voice\b", r"\bkeep your voice down\b",
        r"\bstop (?:shouting|yelling|screaming|raising your voice)\b",
        r"\btake a (?:deep )?breath\b",
        r"\bno need to (?:get|be) (?:so )?(?:upset|angry|worked up|emotional|hysterical)\b",
        r"\bdon'?t (?:get|be) (?:so )?(?:upset|angry|emotional|worked up|hysterical)\b"),
    "hold": _rx(
        r"\b(?:put|place|putting|placing|pop|popping|keep|leave) you (?:on|onto) (?:a )?"
        r"(?:quick |brief |short |little )?hold\b",
        r"\bplease hold\b", r"\bhold the line\b", r"\bhold(?:,)? please\b",
        r"\b(?:can|could|would|will) you (?:please )?hold\b", r"\bmute (?:you|the line|the call)\b",
        r"\b(?:mute|muting) (?:you|this)\b", r"\bon mute\b"),
    "transfer": _rx(
        r"\btransfer(?:ring)? (?:you|your call|this call|the call)\b",
        r"\bput you through to\b", r"\b(?:pass|passing|hand|handing) you (?:over )?to\b",
        r"\b(?:redirect|reroute|forward)(?:ing)? (?:you|your call)\b",
        r"\bconnect(?:ing)? you (?:to|with) (?:another|a different|the|our) "),
}
BASE_CONFIDENCE = {"calm_down": 0.97, "hold": 0.95, "transfer": 0.95}

_NEGATION = re.compile(
    r"\b(?:not|never|won'?t|wouldn'?t|don'?t|didn'?t|no need to|rather than|instead of|without|"
    r"avoid|not going to|no one will|nobody will|not gonna)\b[\w\s,']{0,30}$", re.IGNORECASE)
# Reported speech: "you said not to tell you to calm down", "someone told you to relax".
_REPORTED = re.compile(r"\b(?:you said|you asked|told you to|asked you to)\b[\w\s,']{0,20}$",
                       re.IGNORECASE)


@dataclass(frozen=True)
class RuleHit:
    behaviour: str
    words: str
    confidence: float


def negated(sentence: str, start: int) -> bool:
    """The words before ``start`` negate or report what follows."""
    before = sentence[:start]
    return bool(_NEGATION.search(before) or _REPORTED.search(before))


def _first(pattern: re.Pattern[str], sentence: str) -> tuple[re.Match[str] | None, bool]:
    """The first un-negated match, and whether a negated one was seen."""
    saw_negated = False
    for m in pattern.finditer(sentence):
        if negated(sentence, m.start()):
            saw_negated = True
        else:
            return m, saw_negated
    return None, saw_negated


def rule_hits(sentence: str) -> tuple[list[RuleHit], set[str]]:
    """Exact-phrase behaviours in one sentence, and the behaviours it explicitly negates
    (which the classifier must not report for this sentence)."""
    hits, vetoed = [], set()
    for name, pattern in EXACT.items():
        m, saw_negated = _first(pattern, sentence)
        if m:
            hits.append(RuleHit(name, m.group(0).strip(" ,.!?"), BASE_CONFIDENCE[name]))
        elif saw_negated:
            vetoed.add(name)
    return hits, vetoed


_TITLES = r"(?:mr|mrs|ms|miss|mx|dr|sir|madam|mister|missus)"


def name_pattern(caller_name: str) -> re.Pattern[str] | None:
    """The caller's first name, surname, or title + surname; speech-to-text may drop the
    title's dot or capitals. Names of one or two letters are too ambiguous to match."""
    parts = [p for p in re.findall(r"[^\W\d_][\w'-]*", caller_name) if len(p) > 2]
    parts = [p for p in parts if not re.fullmatch(_TITLES + r"\.?", p, re.IGNORECASE)]
    if not parts:
        return None
    alts = [re.escape(p) for p in parts]
    return re.compile(rf"\b(?:{_TITLES}\.? )?(?:{'|'.join(alts)})\b", re.IGNORECASE)


# Title + surname, with no caller name given: "thanks, Mrs. Rodriguez", "thanks mrs rodriguez".
TITLED_NAME = re.compile(r"\b(?:mr|mrs|ms|dr)\.? (?!(?:and|or|the|a|an|is|was|i|you|it|so|to|of|"
                         r"for|in|on|at|if|but|who|what|please|thank|thanks|sorry|okay|ok)\b)"
                         r"[^\W\d_][\w'-]+", re.IGNORECASE)

# "Thanks for calling" opens calls as often as it closes them, so it is not a goodbye.
GOODBYE = _rx(r"\bgood ?bye\b", r"\bbye\b", r"\bhave a (?:nice|good|great|lovely) "
              r"(?:day|evening|afternoon|night|weekend)\b", r"\btake care\b")
BOUNDARY = _rx(r"\bif you (?:continue|keep)\b",
               r"\bif (?:the|this|that) (?:language|swearing|abuse|shouting|name-calling|insults?|"
               r"behaviou?r)\b",
               r"\b(?:will|'ll|have to|going to|need to) (?:have to )?(?:end|disconnect|terminate) "
               r"(?:this|the) call\b", r"\bi won'?t (?:accept|tolerate)\b",
               r"\b(?:that|this) language\b", r"\bplease don'?t (?:swear|speak to me like)\b")


def is_goodbye(text: str) -> bool:
    """The trainee is closing the call."""
    return bool(GOODBYE.search(text))


def is_boundary_warning(text: str) -> bool:
    """The trainee warns an abusive caller that the call will end."""
    return bool(BOUNDARY.search(text))
