"""Facts the grader takes from the call itself, not only from its metadata.

- **The caller's name**: metadata or persona first; else as said in the call ("this is Maria
  Rodriguez", "my name's Dana", "Dana Whitfield." in answer to "can I take your name?"), or as
  the trainee addressed them ("thanks, Mrs. Rodriguez"; "Dana, here's what I found").
- **Whether something went wrong** (so an apology was owed): a caller sentence that complains
  about an error, a delay, a charge, damage or a service that failed, told apart from a request,
  a question or confusion by sentence embeddings (`trainer.grading.occasions`).
- **Whether the caller vented** (so letting them vent was possible): a caller sentence pouring
  out anger, frustration or distress, by the same embeddings, or the caller's mood meter.

A criterion is n.a. only when the call gave no occasion for it; these facts say which occasions
arose, each with the caller's words that show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trainer.grading.occasions import Occasion, Senses, default_senses
from trainer.transcript import Transcript, Turn

__all__ = ["CallFacts", "NameFound", "call_facts", "name_from_call", "name_from_meta"]

VENT_ANGER = 6.0  # a caller mood meter at or above this: they were venting


@dataclass(frozen=True)
class NameFound:
    """The caller's name and where it came from ("metadata", "persona", "turn N")."""

    name: str
    source: str


@dataclass(frozen=True)
class CallFacts:
    """What the call itself says about who called and what happened."""

    name: NameFound | None
    went_wrong: Occasion | None  # something went wrong: an apology was owed
    vented: Occasion | None  # the caller vented: letting them finish was possible


# --- the caller's name ---------------------------------------------------------------------------

_CAP = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_FULL = rf"({_CAP}(?:\s+(?:Mc|Mac|O')?{_CAP})?)"
_ANY = r"([A-Za-z][a-z]+(?:[-'][A-Za-z]?[a-z]+)?(?:\s+[A-Za-z][a-z]+)?)"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?"
# What callers say to introduce themselves: "my name is" takes any case (speech-to-text writes
# "my name is maria"); the looser leads need a capitalised name.
_INTRO_ANY_CASE = re.compile(rf"\b(?:my name is|my name's|the name's|name's)\s+{_ANY}", re.IGNORECASE)
_INTRO = re.compile(rf"(?:\b(?:[Tt]his is|[Ii]t's|[Ii]t is|I'm|I am|[Hh]i,?|[Hh]ello,?|[Yy]es,?)\s+"
                    rf"(?:{_TITLE}\s+)?{_FULL}|^\W*{_FULL}\s+(?:here|speaking)\b)")
_BARE = re.compile(rf"^\W*(?:(?:yes|yeah|sure|hi|hello|er|um|oh|ok|okay),?\s+)*(?:it's\s+)?"
                   rf"(?:{_TITLE}\s+)?{_FULL}\s*(?:[.,!?]|$)", re.IGNORECASE)
_ASKS_NAME = re.compile(r"\b(your (full |first |last )?name|who am i (speaking|talking) (to|with)|"
                        r"who'?s (calling|this)|(can|could|may) i (take|have|get|grab) (your|a) name|"
                        r"am i (speaking|talking) (to|with))\b", re.IGNORECASE)
_TITLED = re.compile(rf"\b{_TITLE}\s+((?:Mc|Mac|O')?{_CAP})")
# "Dana, here's what I found." / "Thanks, Dana." / "Okay, Dana, let's sort it."
_VOCATIVE = re.compile(rf"(?:^|(?<=[.!?]\s))({_CAP})(?=,\s)|(?<=,\s)({_CAP})(?=\s*(?:[.!?,]|$))")
# Capitalised words that are not names (a vocative "Thanks, Sir." or "...today, Thursday?").
_NOT_NAMES = frozenset({
    "noted", "ahh", "really", "now", "tonight", "alright", "no", "hello", "sunday", "only",
    "march", "worried", "nearly", "tuesday", "december", "account", "what", "us", "wait",
    "absolutely", "welcome", "sorry", "or", "this", "confused", "angry", "why", "true",
    "friday", "lovely", "yeah", "right", "um", "afternoon", "obviously", "however", "likely",
    "morning", "fine", "who", "october", "anyway", "him", "today", "frustrated", "er", "how",
    "wonderful", "so", "but", "just", "brilliant", "and", "eight", "monday", "sadly", "goodbye",
    "yes", "thank", "wednesday", "uh", "bye", "two", "nine", "ok", "too", "ringing", "her",
    "january", "is", "april", "sure", "august", "ten", "ooh", "here", "five", "pardon",
    "seriously", "yep", "hey", "because", "otherwise", "six", "finally", "meanwhile", "though",
    "still", "already", "early", "upset", "madam", "cheers", "afraid", "please", "was", "sir",
    "gosh", "listen", "thursday", "speaking", "very", "my", "the", "certainly", "ma'am",
    "thanks", "lately", "november", "four", "three", "twenty", "hold", "blimey", "look", "hang",
    "february", "honestly", "june", "thirty", "it", "totally", "hi", "furious", "happily",
    "are", "excuse", "not", "when", "order", "clearly", "fully", "september", "truly", "merely",
    "seven", "one", "surely", "simply", "mostly", "then", "evening", "exactly", "them", "your",
    "number", "god", "me", "of", "calling", "back", "well", "wow", "perfect", "also", "great",
    "tomorrow", "miss", "understood", "mister", "may", "july", "saturday", "actually", "okay",
    "agreed", "there", "excellent", "you", "apologies", "where", "aww", "done", "course",
    "again", "good",
    # interjections and discourse markers (a closed class) open a sentence with a comma the way
    # a vocative does: "Whoa, chill out.", "Whatever, mate."
    "whoa", "woah", "whatever", "oops", "ouch", "phew", "hmm", "huh", "aha", "alas", "meh", "nah",
    "yikes", "jeez", "geez", "crikey", "ahem", "hush", "shush", "yay", "hooray", "bravo", "duh",
    "ugh", "whew", "erm", "indeed", "anyhow", "besides", "regardless", "granted", "cool", "nice",
    "sweet", "splendid", "marvellous", "super", "sorted", "righto", "alrighty", "goodness",
    "heavens", "lord", "jesus", "christ", "damn", "bloody", "blast", "fair", "gotcha", "wicked",
})


def _not_name(word: str) -> bool:
    w = word.lower()
    # "Unfortunately, ..." opens a sentence like a name would; short -ly names (Emily, Holly)
    # are kept, the short adverbs are in the list.
    return w in _NOT_NAMES or (w.endswith("ly") and len(w) >= 8) or len(w) < 3


def _valid(name: str) -> str | None:
    parts = name.split()
    while parts and _not_name(parts[-1]):
        parts.pop()
    if not parts or _not_name(parts[0]):
        return None
    return " ".join(p[:1].upper() + p[1:] for p in parts)


def name_from_meta(t: Transcript, persona_name: str | None = None) -> NameFound | None:
    name = t.meta.get("caller_name")
    caller = t.meta.get("caller")
    if not name and isinstance(caller, dict):
        name = caller.get("name")
    if isinstance(name, str) and name.strip():
        return NameFound(name.strip(), "metadata")
    if persona_name and persona_name.strip():
        return NameFound(persona_name.strip(), "persona")
    return None


def _introduced(turn: Turn) -> str | None:
    for rx in (_INTRO_ANY_CASE, _INTRO):
        for m in rx.finditer(turn.text):
            found = _valid(next(g for g in m.groups() if g))
            if found:
                return found
    return None


def _answered(t: Transcript, turn: Turn) -> str | None:
    """A name given in answer to "can I take your name?": "Dana Whitfield. Order 55210."."""
    before = t.turns[turn.index - 1] if turn.index > 0 else None
    asked = before is not None and before.speaker == "trainee" and _ASKS_NAME.search(before.text)
    first = turn.text.strip()
    m = _BARE.match(first)
    if not m:
        return None
    name = _valid(m.group(1))
    if name is None:
        return None
    fuller = _BARE.match(first[m.end():])  # "Dev. Devinder Singh.": the full name follows
    if asked and fuller and (longer := _valid(fuller.group(1))) and len(longer.split()) > len(name.split()):
        return longer
    said = m.group(1).split()
    if asked or (len(said) == 2 and all(w[0].isupper() for w in said) and not m.group(0).rstrip().endswith("?")):
        return name  # two capitalised words opening a caller turn: "Marcus Hale. My broadband..."
    return None


def _addressed(t: Transcript) -> NameFound | None:
    """The name the trainee called the caller by: "Mrs. Rodriguez", or "Dana, ..." / ", Dana."."""
    for turn in t.by("trainee"):
        for rx in (_TITLED, _VOCATIVE):
            for m in rx.finditer(turn.text):
                name = _valid(next(g for g in m.groups() if g))
                if name:
                    return NameFound(name, f"turn {turn.index} (the trainee's words)")
    return None


def name_from_call(t: Transcript) -> NameFound | None:
    """The caller's name as said in the call: by the caller, else as the trainee used it."""
    for turn in t.by("caller"):
        name = _introduced(turn) or _answered(t, turn)
        if name:
            return NameFound(name, f"turn {turn.index}")
    return _addressed(t)


# --- the facts -----------------------------------------------------------------------------------


def _vented_by_mood(t: Transcript) -> tuple[bool, Occasion | None]:
    """From the caller's mood meters, where the call has them (the live director keeps them):
    (True, the turn whose anger reached ``VENT_ANGER`` or None); (False, None) when the call has
    no meters, and the words decide."""
    moods = [(turn, turn.mood.anger) for turn in t.by("caller") if turn.mood is not None]
    if not moods:
        return False, None
    turn, anger = max(moods, key=lambda ta: ta[1])
    if anger < VENT_ANGER:
        return True, None
    return True, Occasion(turn.index, turn.text, f"the caller's anger meter read {anger:g}")


def call_facts(t: Transcript, persona_name: str | None = None, *,
               senses: Senses | None = None) -> CallFacts:
    """The call's facts; ``senses`` classifies caller sentences (default: embeddings)."""
    sense = senses or default_senses()
    name = name_from_meta(t, persona_name) or name_from_call(t)
    metered, vented = _vented_by_mood(t)
    return CallFacts(name, sense.went_wrong(t), vented if metered else sense.vented(t))
