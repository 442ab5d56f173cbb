"""Caller responsiveness: does the caller's next line answer what the trainee just said?

A probe (``eval/responsiveness.yaml``) puts a persona mid-call, gives the trainee a line — a
request for a fact, a hold, a transfer, blame, an offer, a goodbye — runs the real director
and caller for one turn, and checks the caller's line against regular expressions written
with the probe: the fact's value, or words that react to that content.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trainer.caller import Caller
from trainer.config import project_root
from trainer.director import Director
from trainer.personas import Persona
from trainer.transcript import Turn
from trainer.validation import error_lines

__all__ = ["Probe", "ProbeError", "ProbeResult", "default_probes", "judge", "load_probes",
           "run_probe", "share"]


class ProbeError(ValueError):
    """A probe file problem, formatted ``file: field: reason``."""


class Probe(BaseModel):
    """One scripted trainee line and what the caller's next line must show."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    persona: str
    kind: str
    say: str
    react: tuple[str, ...] = Field(min_length=1)
    before: tuple[tuple[str, str], ...] = ()

    @field_validator("react")
    @classmethod
    def _compiles(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in v:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r}: not a regular expression ({exc})") from None
        return v


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    probes: list[Probe] = Field(min_length=1)


@dataclass(frozen=True)
class ProbeResult:
    """The caller's line for one probe, the direction it was given, and the verdict."""

    probe: Probe
    line: str
    direction: str
    matched: str | None  # the words that show the reaction, None when it did not react
    prompt: str = ""  # the caller's whole prompt (system and user text) for this line
    seconds: float = 0.0  # time to the caller's whole line

    @property
    def reacted(self) -> bool:
        return self.matched is not None


def default_probes() -> Path:
    return project_root() / "eval" / "responsiveness.yaml"


def load_probes(path: Path) -> list[Probe]:
    """Every probe in the file; raises `ProbeError` naming the file and field."""
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ProbeError(f"{path}: (file): cannot read ({exc})") from None
    try:
        return _File.model_validate(data).probes
    except ValidationError as exc:
        raise ProbeError("\n".join(error_lines(path, exc))) from None


def judge(probe: Probe, line: str) -> str | None:
    """The words of the line that react to the probe, or None."""
    for pattern in probe.react:
        m = re.search(pattern, line, re.IGNORECASE)
        if m:
            return m.group(0)
    return None


def _history(persona: Persona, director: Director, probe: Probe) -> list[Turn]:
    history = [Turn(0, "caller", persona.opening, 0, 0)]
    for trainee, caller in probe.before:
        director.step(history[-1].text, trainee)
        history += [Turn(len(history), "trainee", trainee, 0, 0),
                    Turn(len(history) + 1, "caller", caller, 0, 0)]
    return history


def run_probe(probe: Probe, persona: Persona, caller_model: BaseChatModel,
              director_model: BaseChatModel | None = None, seed: int = 0) -> ProbeResult:
    """One probe on a fresh director and caller: the caller's next line, judged."""
    director = Director(persona, director_model, seed=seed)
    history = _history(persona, director, probe)
    step = director.step(history[-1].text, probe.say)
    history.append(Turn(len(history), "trainee", probe.say, 0, 0))
    caller = Caller(persona, caller_model)
    started = time.perf_counter()
    line = " ".join(caller.stream_line(history, step.direction, opener=step.opener))
    took = time.perf_counter() - started
    prompt = "\n".join(str(m.content) for m in caller.messages(history, step.direction))
    return ProbeResult(probe, line, step.direction, judge(probe, line), prompt, took)


def share(results: Sequence[ProbeResult]) -> float:
    """The share of probes whose next caller line reacted."""
    return sum(r.reacted for r in results) / len(results) if results else 0.0
