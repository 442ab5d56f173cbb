"""Sessions on disk: one folder per call, written turn by turn so nothing said is ever lost.

``sessions/<id>/session.json``      persona, models, versions, settings, how the call ended
``sessions/<id>/transcript.jsonl``  one turn per line, flushed and synced as it happens
``sessions/<id>/transcript.json``   the whole transcript (written when the call ends)
``sessions/<id>/audio/``            each turn's WAV and the whole-call WAV (voice calls)
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from trainer.transcript import Transcript, TranscriptError, Turn, load_transcript

__all__ = ["SessionInfo", "SessionWriter", "find_session", "list_sessions", "load_session", "update_session_meta"]


class SessionWriter:
    """Appends turns to a session folder as they happen."""

    def __init__(self, root: Path, persona_id: str, meta: dict[str, Any]) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.id = _unique_id(root, f"{stamp}-{persona_id}")
        self.dir = root / self.id
        (self.dir / "audio").mkdir(parents=True)
        self.transcript = Transcript(self.id, persona_id)
        self.meta = {"id": self.id, "persona": persona_id,
                     "started_at": datetime.now().isoformat(timespec="seconds"), **meta}
        self._write_meta()
        self._jsonl = (self.dir / "transcript.jsonl").open("a", encoding="utf-8")

    def audio_path(self, index: int, speaker: str) -> Path:
        return self.dir / "audio" / f"{index:03d}-{speaker}.wav"

    def append(self, turn: Turn) -> None:
        self.transcript.turns.append(turn)
        self._jsonl.write(json.dumps(turn.to_dict(), ensure_ascii=False) + "\n")
        self._jsonl.flush()
        os.fsync(self._jsonl.fileno())

    def finish(self, **outcome: Any) -> None:
        """Close the call: write the whole transcript and how it ended."""
        self._jsonl.close()
        self.meta.update(outcome, ended_at=datetime.now().isoformat(timespec="seconds"),
                         turns=len(self.transcript.turns))
        self._write_meta()
        self.transcript.meta = {"caller_name": self.meta.get("caller_name")}
        self.transcript.save(self.dir / "transcript.json")

    def _write_meta(self) -> None:
        _write_session_json(self.dir, self.meta)


def _unique_id(root: Path, base: str) -> str:
    candidate, n = base, 1
    while (root / candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@dataclass(frozen=True)
class SessionInfo:
    """A session folder's summary for listings."""

    id: str
    dir: Path
    meta: dict[str, Any]


def update_session_meta(folder: Path, **values: Any) -> None:
    """Merge values into a finished session's ``session.json``."""
    _write_session_json(folder, {**_read_meta(folder), **values})


def _write_session_json(folder: Path, meta: dict[str, Any]) -> None:
    """Write ``session.json`` atomically: a crash never leaves half a file."""
    tmp = folder / "session.json.tmp"
    tmp.write_text(json.dumps(meta, indent=2, default=str) + "\n")
    tmp.replace(folder / "session.json")


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "session.json").read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, json.JSONDecodeError):
        return {}


def list_sessions(root: Path) -> list[SessionInfo]:
    """Every session folder, newest first."""
    if not root.is_dir():
        return []
    folders = sorted((d for d in root.iterdir() if d.is_dir()), key=lambda d: d.name, reverse=True)
    return [SessionInfo(d.name, d, _read_meta(d)) for d in folders]


def find_session(root: Path, ref: str) -> Path:
    """A session folder by id, unique prefix or ``latest``."""
    sessions = list_sessions(root)
    if ref == "latest" and sessions:
        return sessions[0].dir
    exact = [s for s in sessions if s.id == ref]
    hits = exact or [s for s in sessions if s.id.startswith(ref) or re.search(ref, s.id)]
    if len(hits) == 1:
        return hits[0].dir
    if not hits:
        raise TranscriptError(f"{ref}: no such session under {root} (see: trainer sessions list)")
    raise TranscriptError(f"{ref}: ambiguous, matches {', '.join(s.id for s in hits[:5])}")


def load_session(folder: Path) -> Transcript:
    """A session's transcript: the whole file if the call ended, else the turn-by-turn log."""
    whole = folder / "transcript.json"
    transcript = load_transcript(whole if whole.exists() else folder / "transcript.jsonl")
    meta = _read_meta(folder)
    transcript.id = folder.name
    transcript.persona = transcript.persona or meta.get("persona")
    transcript.meta.setdefault("caller_name", meta.get("caller_name"))
    return transcript
