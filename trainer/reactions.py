"""A short spoken reaction the caller says the moment the trainee stops: "Excuse me?" to
being told to calm down, "Mm." to an apology while still angry, "Oh, um," from a confused caller.

It is spoken at once (a word takes pyttsx3 ~10 ms), so the caller is heard while the model
writes the rest; a local model continues after it (it begins the model's reply), so the line
stays one line. The director picks it from what the agent just did (its reader's triggers and
soothers, the gist's kinds) and the caller's mood, never the same one twice running; the
persona turns it on and may word it its own way (``timing.reactions``). No reaction to
silence, a goodbye or a hang-up, nor before a fact the caller gives (that opener is spoken at
once anyway).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from trainer.personas import Reactions

__all__ = ["BUILT_IN", "NO_REACTION", "choose_reaction", "situation"]

ANGRY_AT = 5.0  # from this anger on, the angry wording

# situation → (angry wording, calm wording)
BUILT_IN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "provoked": (("Excuse me?", "Oh, come on.", "Seriously?", "Wow."),
                 ("Sorry?", "Hm.", "Oh.")),
    "hold": (("No, wait,", "Hold on,", "Oh, no,"), ("Oh,", "Um,", "Okay,")),
    "jargon": (("A what?", "Sorry, what?"), ("Sorry, a what?", "Um, sorry,")),
    "question": (("Well,", "Look,", "Ugh,"), ("Um,", "Well,", "Oh,")),
    "offer": (("Hm.", "Okay,", "Right,"), ("Oh,", "Okay,", "Hm,")),
    "apology": (("Mm.", "Right.", "Yeah, well,"), ("Oh,", "Okay,", "Thank you,")),
    "other": (("Look,", "Right,", "Listen,"), ("Okay,", "Well,", "Right,")),
}
NO_REACTION = frozenset({"silence", "hang_up", "goodbye"})
_PROVOKING = frozenset({"calm_down", "defensive", "dismissive", "rude", "interrupt",
                        "empty_promise"})
_HOLD = frozenset({"hold", "transfer"})
_QUESTION = frozenset({"fact", "question", "anything_else"})
_OFFER = frozenset({"offer", "options", "next_steps"})
_APOLOGY = frozenset({"apology", "empathy", "paraphrase"})


def situation(action: str, triggers: Iterable[str], soothers: Iterable[str],
              kinds: Sequence[str]) -> str | None:
    """What the caller reacts to, most provoking first: a provocation, hold or transfer,
    unknown words, a question, an offer, an apology — or None when no reaction fits the
    director's ``action`` (silence, goodbye, hang-up). ``kinds``: the gist's, most pressing
    first."""
    if action in NO_REACTION:
        return None
    heard = {*triggers, *soothers, *kinds}
    if "goodbye" in kinds:
        return None  # "thanks for calling" mid-call: a reaction would answer the wrong thing
    for name, cue in (("provoked", _PROVOKING), ("hold", _HOLD), ("jargon", {"jargon"}),
                      ("question", _QUESTION), ("offer", _OFFER), ("apology", _APOLOGY)):
        if heard & cue:
            return name
    return "other"


def choose_reaction(reactions: Reactions, where: str | None, anger: float, rng: random.Random,
                    last: str = "") -> str:
    """The reaction for a situation: the persona's own list, else the built-in one for the
    mood; never ``last`` again when there is another. "" when off or none fits."""
    if not reactions.enabled or where is None:
        return ""
    own = reactions.own(where)
    words = list(own) if own is not None else list(BUILT_IN[where][0 if anger >= ANGRY_AT else 1])
    fresh = [w for w in words if w != last] or words
    return rng.choice(fresh) if fresh else ""
