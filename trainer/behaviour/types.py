"""What the reader hears: the behaviour vocabulary and the records it returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["BEHAVIOURS", "SOOTHERS", "TRIGGERS", "Heard", "Reading"]

TRIGGERS = ("calm_down", "hold", "defensive", "dismissive", "empty_promise", "jargon", "transfer",
            "rude")
SOOTHERS = ("empathy", "apology", "used_name", "paraphrase", "options", "next_steps")
# Text behaviours only: ``interrupt`` and ``silence`` come from the audio and the empty turn.
BEHAVIOURS: dict[str, str] = {**{t: "trigger" for t in TRIGGERS}, **{s: "soother" for s in SOOTHERS}}


@dataclass(frozen=True)
class Heard:
    """One behaviour in one sentence of a trainee line."""

    behaviour: str
    kind: str  # "trigger" | "soother"
    confidence: float  # 0..1; 0.5 is the reader's decision threshold
    words: str  # the words that carry it: a substring of ``sentence``
    sentence: str
    source: str  # "rule" | "embedding" | "model"


@dataclass(frozen=True)
class Reading:
    """Everything the reader heard in one trainee line, sentence by sentence."""

    line: str
    sentences: tuple[str, ...]
    heard: tuple[Heard, ...]

    def triggers(self, min_confidence: float = 0.5) -> set[str]:
        return self._names("trigger", min_confidence)

    def soothers(self, min_confidence: float = 0.5) -> set[str]:
        return self._names("soother", min_confidence)

    def behaviours(self, min_confidence: float = 0.5) -> set[str]:
        return self.triggers(min_confidence) | self.soothers(min_confidence)

    def best(self, behaviour: str) -> Heard | None:
        """The most confident sighting of ``behaviour``, if any."""
        found = [h for h in self.heard if h.behaviour == behaviour]
        return max(found, key=lambda h: h.confidence) if found else None

    def as_dict(self, min_confidence: float = 0.5) -> dict[str, Any]:
        """JSON-ready: the decided behaviours, and every sighting with its confidence."""
        return {"line": self.line, "sentences": list(self.sentences),
                "triggers": sorted(self.triggers(min_confidence)),
                "soothers": sorted(self.soothers(min_confidence)),
                "heard": [asdict(h) for h in self.heard]}

    def _names(self, kind: str, min_confidence: float) -> set[str]:
        return {h.behaviour for h in self.heard if h.kind == kind and h.confidence >= min_confidence}
