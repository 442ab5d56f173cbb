"""The gist of a trainee line for the caller: what the agent just did, and what to answer.

The director's meters say how the caller feels; this says what the caller is reacting to —
"the agent asked for her order number", "blamed the courier ('our courier partner')",
"offered a refund or a replacement", "said goodbye" — and what the caller does about it
("she gives it: HN-48213"), so the caller answers the content and not only a mood. The
behaviours come from the director's reader (with the words that carry them); requests for
facts, offers, acronyms and closing questions are read here from the line itself, and a
request is matched to the persona's situation facts by the words of the fact's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from trainer.behaviour import is_goodbye
from trainer.personas import Persona

__all__ = ["Gist", "HeardWords", "Said", "asked_fact", "read_gist"]

MAX_QUOTE_WORDS = 9
REFUSES_AT_ANGER = 9.0  # furious callers refuse to repeat a detail; anyone calmer gives it


class HeardWords(Protocol):
    """A behaviour the reader heard and the words that carry it (the reader's ``Heard``)."""

    @property
    def behaviour(self) -> str: ...

    @property
    def words(self) -> str: ...


@dataclass(frozen=True)
class Said:
    """One thing the agent did, as the caller's stage direction names it."""

    kind: str  # fact|question|anything_else|goodbye|hold|transfer|offer|jargon|<behaviour>
    what: str  # "asked for her order number" (follows "The agent just")
    answer: str = ""  # "she gives it: HN-48213" — empty when the mood alone decides
    opener: str = ""  # words the caller's line begins with ("It's HN-48213."), if fixed


@dataclass(frozen=True)
class Gist:
    """What the agent just did, most pressing first."""

    said: tuple[Said, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(s.kind for s in self.said)

    @property
    def opener(self) -> str:
        """The words the caller's line must begin with: a requested fact, given exactly (a
        small model asked in a direction to give a fact often talks past it)."""
        return self.said[0].opener if self.said else ""

    def text(self, *, answer: bool = True) -> str:
        """"The agent just asked for her order number: she gives it: HN-48213. " (or "")."""
        if not self.said:
            return ""
        text = "The agent just " + " and ".join(s.what for s in self.said[:2]) + ". "
        first = self.said[0].answer
        return text + (f"{first[0].upper()}{first[1:]}. " if answer and first else "")


# --- facts --------------------------------------------------------------------------------------

_TARGET = r"(?P<t>[^?.!,;]+)"
_REQUESTS = [re.compile(p, re.IGNORECASE) for p in (
    rf"\b(?:can|could|may|might) (?:i|we) (?:please )?(?:have|get|take|grab|confirm|check|"
    rf"ask (?:you )?for|verify|just get|just have|just confirm)\s+{_TARGET}",
    rf"\b(?:can|could|would|will) you (?:please |just )?(?:give me|tell me|confirm|provide|read me|"
    rf"read out|spell|share|verify|repeat|let me know|send me|give)\s+{_TARGET}",
    rf"\bwhat(?:'s| is| was| are| were)\s+{_TARGET}",
    rf"\b(?:do|did) you (?:have|know|remember)\s+{_TARGET}",
    rf"\bi(?:'ll| will| would|'d)? (?:just |also |first )?need\s+(?=your|the)\s*{_TARGET}",
    rf"\b(?:please )?(?:give|tell|read) me\s+{_TARGET}",
    rf"\bwhen (?:did|was|were|is|do|does)\s+{_TARGET}",
    rf"\bhow much\s+{_TARGET}",
)]
_STOP = frozenset({"the", "your", "a", "an", "that", "this", "me", "you", "of", "for", "on",
                   "in", "at", "to", "is", "was", "please", "just", "again", "with", "it",
                   "from", "about", "where", "which", "they", "we", "i", "my", "our", "have",
                   "has", "had", "there", "then", "so", "and", "or", "can", "could", "do", "did",
                   "get"})
_CANON = {
    "id": "number", "no": "number", "num": "number", "#": "number",
    "customer": "account", "policy": "account", "membership": "account", "member": "account",
    "telephone": "phone", "mobile": "phone", "cell": "phone",
    "zip": "postcode", "postal": "postcode", "e-mail": "email",
    "visa": "card", "mastercard": "card", "reference": "ticket", "case": "ticket",
    "dated": "date", "ordered": "order", "paid": "amount", "pay": "amount", "cost": "amount",
    "price": "amount", "charge": "amount", "charged": "amount",
}
_WEAK = frozenset({"number", "date"})  # shared by many facts: they only break ties
_DATE_WORDS = frozenset({"on", "date", "since", "when"})
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)
_NAME = re.compile(r"\b(?:full |first |last |sur)?name\b", re.IGNORECASE)
_PROBLEM = re.compile(r"\bwhat(?:'s| has| is)? (?:happened|going on|the (?:problem|issue))\b|"
                      r"\bhow can i help\b|\bwhat can i (?:do|help)\b", re.IGNORECASE)


def _words(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[\w#'-]+", text.lower()):
        w = w.removesuffix("'s")
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        w = _CANON.get(w, w)
        if w not in _STOP:
            out.append(w)
    return out


def _fact_score(key: str, value: str, target: list[str], when: bool) -> float:
    parts = set(_words(key.replace("_", " ")))
    score = sum((0.5 if w in _WEAK else 1.0) / (1 + i) for i, w in enumerate(target) if w in parts)
    if when and (parts & _DATE_WORDS or _MONTH.search(value)):
        score += 0.5
    return score


def asked_fact(line: str, persona: Persona) -> tuple[str, str] | None:
    """The persona fact the line asks for, as (label, value), or None. "Can I get your order
    number?" → ("order number", "HN-48213"); a name request gives the persona's name."""
    for rx in _REQUESTS:
        for m in rx.finditer(line):
            target = _words(m.group("t"))
            when = m.group(0).lower().startswith("when")
            scored = [(_fact_score(k, v, target, when), k, v)
                      for k, v in persona.situation.facts.items()]
            best = max(scored, default=(0.0, "", ""))
            if best[0] >= 1.0:
                return best[1].replace("_", " "), best[2]
            if target and _NAME.search(m.group("t")):
                return "name", persona.name
    return None


# --- what else the line does --------------------------------------------------------------------

_ANYTHING_ELSE = re.compile(r"\b(?:anything|something) else (?:i|we) can\b|\bis there (?:anything|"
                            r"something) else\b|\banything else (?:today|for you)\b|\banything else\?",
                            re.IGNORECASE)
_CLOSING = re.compile(r"\bthanks? (?:you )?for calling\b", re.IGNORECASE)
_HOLD = re.compile(r"\bhold\b|\bmute you\b|\bone (?:moment|sec(?:ond)?)\b|\bbear with me\b",
                   re.IGNORECASE)
_TRANSFER = re.compile(r"\btransfer(?:ring)? you\b|\bput you through\b|\banother department\b|"
                       r"\bpass you (?:on|over|to)\b", re.IGNORECASE)
_OFFER_VERB = re.compile(r"\b(?:i|we) (?:can|could|'ll|will)\b|\bi'll\b|\bwe'll\b|\bwould you "
                         r"(?:like|prefer)\b|\bhow about\b|\boffer\b|\bi'?m going to\b|\bor\b",
                         re.IGNORECASE)
_AMOUNT = r"(?:\$\s?\d+(?:\.\d\d)?|\b(?:\w+ )?dollars?)"
_OFFERS: list[tuple[str, re.Pattern[str]]] = [
    ("a refund", re.compile(r"\brefund", re.IGNORECASE)),
    ("a replacement", re.compile(r"\breplace(?:ment)?\b|\breship|\bsend (?:you )?(?:a )?new\b",
                                 re.IGNORECASE)),
    ("a {amount}credit", re.compile(rf"(?P<amount>{_AMOUNT}\s?)?(?:goodwill |account )?credit\b",
                                  re.IGNORECASE)),
    ("a discount", re.compile(r"\bdiscount|\bhalf price\b|\b\d+ ?(?:%|percent) off\b",
                              re.IGNORECASE)),
    ("a technician visit", re.compile(r"\btechnician\b|\bengineer\b", re.IGNORECASE)),
    ("a callback", re.compile(r"\bcall you back\b|\bcallback\b", re.IGNORECASE)),
]
_ACRONYM = re.compile(r"\b[A-Z]{2,5}s?\b")
_PLAIN_CAPS = frozenset({"OK", "TV", "US", "UK", "ID", "AM", "PM", "HD", "USA", "EU", "ASAP",
                         "FAQ", "I"})
_QUESTION = re.compile(r"[^.?!]*\?")
_THIRD_PARTY = re.compile(r"\b(?:courier|carrier|delivery (?:company|partner|driver)|partner|"
                          r"warehouse|supplier|manufacturer|the bank|post office|system|"
                          r"another department|head office|third party)\b", re.IGNORECASE)
_BLAMES_CALLER = re.compile(r"\byou (?:should|shouldn't|didn't|did not|must|were supposed)|"
                            r"\byour (?:own )?fault\b", re.IGNORECASE)


def _quote(words: str) -> str:
    words = " ".join(words.replace("{", "(").replace("}", ")").split()).strip(" ,.;:!?")
    cut = words.split()
    if len(cut) > MAX_QUOTE_WORDS:
        words = " ".join(cut[:MAX_QUOTE_WORDS]) + "…"
    return f" ('{words}')" if words else ""


def _offers(line: str) -> list[str]:
    if not _OFFER_VERB.search(line):
        return []
    found = []
    for name, rx in _OFFERS:
        m = rx.search(line)
        if m:
            amount = (m.groupdict().get("amount") or "").strip().removeprefix("a ")
            found.append(name.format(amount=f"{amount} " if amount else ""))
    return found


def _acronyms(line: str, persona: Persona, history: str) -> list[str]:
    known = " ".join([persona.situation.problem, persona.situation.product,
                      *persona.situation.facts.values(), history])
    out = []
    for m in _ACRONYM.finditer(line):
        word = m.group(0)
        if word.rstrip("s") not in _PLAIN_CAPS and word not in known and word not in out:
            out.append(word)
    return out


# --- answers, by mood ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Mood:
    anger: float
    settled: bool  # the caller would accept the call ending now
    p: dict[str, str]  # pronouns: She, she, him, his


def _fact(label: str, value: str, m: _Mood) -> Said:
    what = f"asked for {m.p['his']} {label}"
    if m.anger >= REFUSES_AT_ANGER:
        return Said("fact", what, f"{m.p['she']} refuses to repeat it until someone helps")
    return Said("fact", what, f"{m.p['she']} gives it: {value}",
                opener=f"It's {value.rstrip('.')}.")


def _hold(persona: Persona, m: _Mood) -> Said:
    objects = persona.trigger_weight("hold") >= 2 or m.anger >= 6
    return Said("hold", f"asked to put {m.p['him']} on hold",
                f"{m.p['she']} objects to being put on hold" if objects
                else f"{m.p['she']} agrees to wait, briefly")


def _transfer(m: _Mood) -> Said:
    p = m.p
    return Said("transfer", f"tried to transfer {p['him']}",
                f"{p['she']} objects to being passed on" if m.anger >= 4
                else f"{p['she']} asks why and to whom")


def _behaviour(b: str, words: str, line: str, persona: Persona, m: _Mood) -> Said | None:
    p, q = m.p, _quote(words)
    if b == "hold":
        return _hold(persona, m)
    if b == "transfer":
        return _transfer(m)
    if b == "defensive":
        third = _THIRD_PARTY.search(line)
        who = (f"the {third.group(0).lower().removeprefix('the ')}" if third
               else p["him"] if _BLAMES_CALLER.search(line) else "")
        what = f"blamed {who}{q}" if who else f"got defensive{q}"
        return Said(b, what, f"{p['she']} rejects that excuse: sorting it out is their job")
    table = {
        "calm_down": ("told {him} to calm down", "{she} bristles at being told that"),
        "dismissive": ("brushed {his} problem off" + q, "{she} says it matters to {him}"),
        "empty_promise": ("promised" + (q or " something"), "{she} says {she} doesn't believe it"),
        "interrupt": ("talked over {him}", "{she} objects to being cut off"),
        "rude": ("was rude" + q, "{she} reacts to the rudeness"),
        "jargon": ("used words {she} doesn't know" + q, "{she} asks what that means"),
        "apology": ("apologised", "{she} says sorry alone is not enough" if m.anger >= 6
                    else "{she} accepts the apology"),
        "empathy": ("acknowledged how {she} feels", ""),
        "paraphrase": ("repeated {his} problem back", "{she} confirms it or corrects it"),
        "next_steps": ("said what happens next" + q, "{she} checks the details"),
        "options": ("offered options" + q, "{she} picks one or asks about one"),
    }
    if b not in table:
        return None
    what, answer = table[b]
    return Said(b, what.format(**p), answer.format(**p))  # quotes carry no braces (_quote)


def _closes(line: str) -> bool:
    """"Thanks for calling" closes the call unless a question follows it: "Hello, thanks for
    calling. Can I have your order number?" opens one."""
    m = _CLOSING.search(line)
    return m is not None and "?" not in line[m.end():]


def _closing(line: str, m: _Mood, missing: str) -> Said | None:
    p = m.p
    if _ANYTHING_ELSE.search(line):
        return Said("anything_else", "asked if there is anything else",
                    f"{p['she']} says no, that's all" if m.settled
                    else f"{p['she']} says yes: it is not sorted yet, {missing}")
    if is_goodbye(line) or _closes(line):
        return Said("goodbye", "said goodbye",
                    f"{p['she']} says goodbye" if m.settled
                    else f"{p['she']} says goodbye curtly: it is not sorted")
    return None


def _content(line: str, persona: Persona, m: _Mood, history: str) -> list[Said]:
    p = m.p
    out = []
    fact = asked_fact(line, persona)
    if fact:
        out.append(_fact(*fact, m))
    elif _PROBLEM.search(line):
        out.append(Said("question", "asked what happened",
                        f"{p['she']} says what went wrong, briefly"))
    if _HOLD.search(line):
        out.append(_hold(persona, m))
    if _TRANSFER.search(line):
        out.append(_transfer(m))
    offers = _offers(line)
    if offers:
        answer = (f"{p['she']} picks one or asks about one" if len(offers) > 1
                  else f"{p['she']} says whether that is good enough")
        out.append(Said("offer", "offered " + " or ".join(offers), answer))
    acronyms = _acronyms(line, persona, history)
    if acronyms:
        out.append(Said("jargon", f"used words {p['she']} doesn't know ('{', '.join(acronyms)}')",
                        f"{p['she']} asks what that means"))
    return out


def read_gist(line: str, persona: Persona, heard: Sequence[HeardWords], *, anger: float,
              settled: bool, pronouns: dict[str, str], missing: str = "",
              history: str = "") -> Gist:
    """What the agent did in ``line``, most pressing first: closing the call, asking for a fact,
    hold, transfer, offers, unknown words, then what the reader heard (blame with who was blamed,
    "calm down", an apology…) with the words that carry it, then any other question, quoted.
    ``history``: the caller's earlier lines (an acronym the caller used is not jargon)."""
    if not line.strip():
        return Gist(())
    m = _Mood(anger, settled, pronouns)
    closing = _closing(line, m, missing or "what will be done and when")
    said = [closing] if closing else []
    said += _content(line, persona, m, history)
    kinds = {s.kind for s in said}
    skip = {"hold": "hold", "transfer": "transfer", "options": "offer", "jargon": "jargon"}
    for h in heard:
        if skip.get(h.behaviour) in kinds or h.behaviour in kinds:
            continue
        s = _behaviour(h.behaviour, h.words, line, persona, m)
        if s:
            said.append(s)
            kinds.add(s.kind)
    if not said:
        q = _QUESTION.search(line)
        if q:
            said.append(Said("question", "asked" + _quote(q.group(0)),
                             f"{pronouns['she']} answers that"))
    return Gist(tuple(said))
