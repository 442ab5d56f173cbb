"""The transcript: the interchange format between the call, the grader and the eval suites.

A transcript is a JSON document ``{"id": ..., "persona": ..., "turns": [turn, ...]}`` where every
turn is ``{"index", "speaker": "caller"|"trainee", "text", "start", "end", ...}`` with optional
``mood``, ``triggers``, ``soothers``, ``direction``, ``audio``, ``measures`` and ``interrupted``.
During a call the same turn objects are appended one per line to ``transcript.jsonl``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from trainer.validation import read_text

__all__ = ["Mood", "Transcript", "TranscriptError", "Turn", "load_transcript"]

Speaker = Literal["caller", "trainee"]
SPEAKER_SYNONYMS = {"caller": "caller", "customer": "caller", "trainee": "trainee", "agent": "trainee"}


class TranscriptError(ValueError):
    """A transcript file that is not in the documented format; the message names file and field."""


@dataclass(frozen=True)
class Mood:
    """The caller's state: anger and trust, each 0–10."""

    anger: float
    trust: float


@dataclass(frozen=True)
class Turn:
    """One spoken turn. Times are seconds from the start of the call."""

    index: int
    speaker: Speaker
    text: str
    start: float
    end: float
    mood: Mood | None = None
    triggers: tuple[str, ...] = ()
    soothers: tuple[str, ...] = ()
    direction: str | None = None
    audio: str | None = None
    measures: dict[str, Any] | None = None
    interrupted: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["triggers"] = list(self.triggers)
        data["soothers"] = list(self.soothers)
        return {k: v for k, v in data.items() if v not in (None, [], False) or k in _REQUIRED}


_REQUIRED = ("index", "speaker", "text", "start", "end")


@dataclass
class Transcript:
    """A whole call: who called, which persona, and the turns in order."""

    id: str
    persona: str | None
    turns: list[Turn] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "persona": self.persona, **self.meta,
                "turns": [t.to_dict() for t in self.turns]}

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")

    def by(self, speaker: Speaker) -> list[Turn]:
        return [t for t in self.turns if t.speaker == speaker]


def turn_from_dict(data: Any, where: str) -> Turn:
    """Build a turn from JSON, raising `TranscriptError` that names the bad field."""
    if not isinstance(data, dict):
        raise TranscriptError(f"{where}: expected an object")
    speaker = SPEAKER_SYNONYMS.get(str(data.get("speaker", "")).lower())
    if speaker is None:
        raise TranscriptError(f"{where}.speaker: must be 'caller' or 'trainee' (or 'agent')")
    text = data.get("text")
    if not isinstance(text, str):
        raise TranscriptError(f"{where}.text: must be a string")
    times = [data.get("start", 0.0), data.get("end", data.get("start", 0.0))]
    if not all(isinstance(x, int | float) for x in times):
        raise TranscriptError(f"{where}.start/end: must be numbers of seconds")
    mood = data.get("mood")
    if mood is not None and not (isinstance(mood, dict) and all(
            isinstance(mood.get(k), int | float) for k in ("anger", "trust"))):
        raise TranscriptError(f"{where}.mood: must be {{\"anger\": number, \"trust\": number}}")
    if not isinstance(data.get("index", 0), int):
        raise TranscriptError(f"{where}.index: must be a whole number")
    for key in ("triggers", "soothers"):
        if not isinstance(data.get(key, []), list):
            raise TranscriptError(f"{where}.{key}: must be a list of labels")
    return Turn(
        index=int(data.get("index", 0)),
        speaker=speaker,  # type: ignore[arg-type]  # checked against SPEAKER_SYNONYMS above
        text=text,
        start=float(times[0]),
        end=float(times[1]),
        mood=Mood(float(mood["anger"]), float(mood["trust"])) if isinstance(mood, dict) else None,
        triggers=tuple(data.get("triggers", ())),
        soothers=tuple(data.get("soothers", ())),
        direction=data.get("direction"),
        audio=data.get("audio"),
        measures=data.get("measures"),
        interrupted=bool(data.get("interrupted", False)),
    )


def _renumber(turns: Iterable[Turn]) -> list[Turn]:
    from dataclasses import replace

    return [replace(t, index=i) for i, t in enumerate(turns)]


def load_transcript(path: Path) -> Transcript:
    """Read a transcript from ``transcript.json``, a JSON document with ``turns``, or a JSONL file."""
    raw = read_text(path, TranscriptError)
    if path.suffix == ".jsonl":
        return _from_jsonl(path, raw)
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("turns"), list):
        raise TranscriptError(f"{path}: turns: missing; expected {{\"turns\": [...]}}")
    turns = [turn_from_dict(t, f"{path}: turns[{i}]") for i, t in enumerate(doc["turns"])]
    if not turns:
        raise TranscriptError(f"{path}: turns: empty")
    meta = {k: v for k, v in doc.items() if k not in ("id", "persona", "turns")}
    return Transcript(str(doc.get("id", path.stem)), doc.get("persona"), _renumber(turns), meta)


def _from_jsonl(path: Path, raw: str) -> Transcript:
    turns = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            turns.append(turn_from_dict(json.loads(line), f"{path}: line {n}"))
        except json.JSONDecodeError:
            # The last line may be half-written if the process died mid-write: keep what is whole.
            continue
    return Transcript(path.parent.name, None, _renumber(turns))
