"""Persona authoring for the trainers' pages: validate YAML text as it is typed, save it only
when it is valid (never over a good persona), keep the draft otherwise, start from the template,
and run a persona's behaviour checks.

Drafts live in ``<home>/personas/.drafts/<id>.yaml``; edits are written, atomically, to the file
the persona loads from (a new persona goes to ``<home>/personas/``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from trainer.config import Settings
from trainer.personas import Persona, PersonaError, parse_text, persona_file, template

__all__ = ["SaveResult", "create_draft", "draft_text", "run_persona_checks", "save_persona",
           "validate_text"]

ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}\Z")


@dataclass(frozen=True)
class SaveResult:
    """``saved``: the persona file was written; otherwise ``errors`` says why and the text is
    kept as a draft at ``path``."""

    saved: bool
    path: Path
    errors: tuple[str, ...]


def _check_id(persona_id: str) -> str:
    """Refuse an id that is not a plain file name (it names files on disk)."""
    if not ID.match(persona_id):
        raise PersonaError(f"{persona_id}.yaml: id: use lower-case letters, digits and dashes")
    return persona_id


def _drafts(settings: Settings) -> Path:
    return settings.home / "personas" / ".drafts"


def validate_text(persona_id: str, text: str) -> list[str]:
    """Every problem in the text, as ``<id>.yaml: field: reason`` lines (empty: valid)."""
    try:
        parse_text(text, f"{_check_id(persona_id)}.yaml")
    except PersonaError as exc:
        return str(exc).splitlines()
    return []


def target_path(persona_id: str, settings: Settings) -> Path:
    """Where a save of this persona goes: the file it loads from, else the home's folder."""
    return (persona_file(_check_id(persona_id), settings.persona_dirs())
            or settings.home / "personas" / f"{persona_id}.yaml")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)


def save_persona(persona_id: str, text: str, settings: Settings) -> SaveResult:
    """Save valid text over the persona file; invalid text only ever goes to the draft."""
    draft = _drafts(settings) / f"{_check_id(persona_id)}.yaml"
    errors = validate_text(persona_id, text)
    if errors:
        _write(draft, text)
        return SaveResult(False, draft, tuple(errors))
    path = target_path(persona_id, settings)
    _write(path, text)
    draft.unlink(missing_ok=True)
    return SaveResult(True, path, ())


def draft_text(persona_id: str, settings: Settings) -> str | None:
    """The kept draft of a persona, if an invalid save left one."""
    path = _drafts(settings) / f"{_check_id(persona_id)}.yaml"
    return path.read_text() if path.exists() else None


def create_draft(persona_id: str, settings: Settings) -> str:
    """Start a new persona from the commented template (kept as a draft until it is valid)."""
    if persona_file(_check_id(persona_id), settings.persona_dirs()) is not None:
        raise PersonaError(f"{persona_id}.yaml: id: a persona with this id already exists")
    text = template(persona_id)
    _write(_drafts(settings) / f"{persona_id}.yaml", text)
    return text


@dataclass(frozen=True)
class CheckRow:
    say: str
    expect: str
    anger_before: float
    anger_after: float
    detected: tuple[str, ...]
    passed: bool


def run_persona_checks(persona: Persona, settings: Settings) -> list[CheckRow]:
    """``trainer personas test`` for a page: each behaviour check through the configured
    director (the cues alone on the embedded model), without generating caller replies."""
    from trainer.practice import run_checks

    if not persona.checks:
        raise PersonaError(f"{persona.id}.yaml: checks: none defined")
    return [CheckRow(r.say, r.expect, r.anger_before, r.anger_after, r.detected, r.passed)
            for r in run_checks(persona, settings, with_reply=False)]
