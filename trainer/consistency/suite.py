"""Eval suites as data: ``eval/suites/*.yaml``, validated strictly on load.

A suite names the gold transcripts (globs or ids under ``eval/transcripts/``), the grader
models, how many times each transcript is graded, how many grades run at once, which edit tests
to run and the gates a run must meet. Every problem is reported as ``file: field: reason``.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trainer.config import project_root
from trainer.validation import error_line, read_text

__all__ = [
    "EDIT_KINDS",
    "EditKind",
    "Edits",
    "Gates",
    "GoldItem",
    "LoadedSuite",
    "Suite",
    "SuiteError",
    "load_suite",
    "resolve_transcripts",
    "suites_dir",
    "transcripts_dir",
]

EditKind = Literal["rename", "filler", "split_turn", "remove_apology", "insert_hold",
                   "add_next_steps"]
EDIT_KINDS: tuple[EditKind, ...] = ("rename", "filler", "split_turn", "remove_apology",
                                    "insert_hold", "add_next_steps")
VERDICTS = ("pass", "fail", "na")


class SuiteError(ValueError):
    """A suite file problem, formatted ``file: field: reason``."""


def suites_dir() -> Path:
    return project_root() / "eval" / "suites"


def transcripts_dir() -> Path:
    return project_root() / "eval" / "transcripts"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Gates(_Strict):
    """Thresholds a run must meet; a failed gate makes ``trainer eval run`` exit non-zero."""

    alpha: float = Field(default=0.8, ge=-1, le=1)  # Krippendorff's α over every verdict, at least
    flip_rate: float = Field(default=0.05, ge=0, le=1)  # share of non-unanimous items, at most
    kappa: float = Field(default=0.61, ge=-1, le=1)  # mean Cohen's κ against the gold labels, at least
    edit_pass: float = Field(default=0.95, ge=0, le=1)  # share of edit tests passed, at least
    schema_valid: float = Field(default=1.0, ge=0, le=1)  # share of replies that fit the schema
    quote_match: float = Field(default=0.98, ge=0, le=1)  # share of checked replies whose quotes exist
    regression: float = Field(default=0.05, ge=0, le=1)  # worse than the baseline by more: a regression


class Edits(_Strict):
    """Which edit tests to run, and on at most how many source transcripts each."""

    kinds: list[EditKind] = Field(default_factory=list)
    per_kind: int | None = Field(default=None, ge=1)  # None: every eligible transcript


class Suite(_Strict):
    """One eval suite. ``transcripts``: ids or globs (``e0*``) under ``eval/transcripts/``."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    transcripts: list[str] = Field(min_length=1)
    graders: list[str] = Field(default_factory=lambda: ["local"], min_length=1)
    repeats: int = Field(default=3, ge=1, le=50)
    concurrency: int = Field(default=1, ge=1, le=64)
    edits: Edits = Edits()
    gates: Gates = Gates()
    bootstrap: int = Field(default=1000, ge=0, le=100_000)  # resamples for confidence intervals
    seed: int = 0  # for the bootstrap and for choosing edit sources

    @field_validator("graders")
    @classmethod
    def _specs(cls, graders: list[str]) -> list[str]:
        from trainer.models import ModelError, parse_spec

        for i, spec in enumerate(graders):
            try:
                parse_spec(spec)
            except ModelError as exc:
                raise ValueError(f"[{i}] {exc}") from None
        return graders


@dataclass(frozen=True)
class GoldItem:
    """A labelled transcript of the gold set."""

    id: str
    path: Path
    labels: dict[str, str]


@dataclass(frozen=True)
class LoadedSuite:
    """A validated suite with its transcripts resolved to gold items."""

    suite: Suite
    path: Path | None
    items: tuple[GoldItem, ...]


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(read_text(path, SuiteError))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise SuiteError(f"{path}: not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise SuiteError(f"{path}: suite: expected a mapping at the top level")
    return data


def _gold(path: Path, where: str) -> GoldItem:
    try:
        doc = json.loads(read_text(path, SuiteError))
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{where}: {path.name}: not readable JSON ({exc})") from None
    labels = doc.get("labels") if isinstance(doc, dict) else None
    if not isinstance(labels, dict) or not labels:
        raise SuiteError(f"{where}: {path.name}: labels: missing (gold transcripts need labels)")
    bad = sorted(k for k, v in labels.items() if v not in VERDICTS)
    if bad:
        raise SuiteError(f"{where}: {path.name}: labels.{bad[0]}: must be pass, fail or na")
    return GoldItem(str(doc.get("id", path.stem)), path, {str(k): str(v) for k, v in labels.items()})


def resolve_transcripts(patterns: list[str], folder: Path, where: str) -> tuple[GoldItem, ...]:
    """The gold items named by ids or globs, in file-name order; a pattern matching nothing is
    an error naming it."""
    files = sorted(folder.glob("*.json"))
    chosen: list[Path] = []
    for i, pattern in enumerate(patterns):
        stem = pattern.removesuffix(".json")
        hits = [f for f in files if fnmatch.fnmatchcase(f.stem, stem)]
        if not hits:
            raise SuiteError(f"{where}: transcripts[{i}]: no transcript matches '{pattern}' "
                             f"in {folder}")
        chosen += [h for h in hits if h not in chosen]
    return tuple(_gold(p, f"{where}: transcripts") for p in sorted(chosen))


def load_suite(ref: str | Path, *, transcripts: Path | None = None) -> LoadedSuite:
    """Load a suite by path or by name (``ci`` → ``eval/suites/ci.yaml``)."""
    path = Path(ref)
    if not path.suffix and not path.exists():
        path = suites_dir() / f"{ref}.yaml"
    data = _read_yaml(path)
    try:
        suite = Suite.model_validate(data)
    except ValidationError as exc:
        raise SuiteError(error_line(path, exc.errors()[0], top="suite")) from None
    items = resolve_transcripts(suite.transcripts, transcripts or transcripts_dir(), str(path))
    return LoadedSuite(suite, path, items)
