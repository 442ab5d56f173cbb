"""The rubric and the grader prompts: data files under ``prompts/``, validated strictly on load."""

from __future__ import annotations

from pathlib import Path
from string import Template
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trainer.config import project_root
from trainer.validation import error_line, read_text

__all__ = [
    "CONTRACT_IDS",
    "Criterion",
    "GraderPrompts",
    "PersonaRubric",
    "Rubric",
    "RubricError",
    "load_prompts",
    "load_rubric",
]

CONTRACT_IDS = (
    "let_vent", "empathy", "apology", "no_calm_down", "not_defensive", "paraphrase", "used_name",
    "options", "honest_promises", "avoided_hold", "next_steps", "abuse_boundary",
    "stayed_professional",
)


class RubricError(ValueError):
    """A rubric or prompt file problem, formatted ``file: field: reason``."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    """One behaviour-anchored check, traced to the seed articles it comes from."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str
    check: str | None = None  # the verdict rule the grader model reads
    kind: Literal["presence", "absence"]
    decided_by: Literal["detector", "llm", "hybrid"]
    weight: float = Field(gt=0, le=100)
    pass_examples: list[str] = Field(min_length=1)
    fail_examples: list[str] = Field(min_length=1)
    edge_rules: list[str] = []
    na_when: str
    seeds: list[str] = Field(min_length=1)
    instead: str

    @model_validator(mode="after")
    def _llm_needs_check(self) -> Criterion:
        if self.decided_by != "detector" and not self.check:
            raise ValueError("check: required when the model decides (decided_by llm or hybrid)")
        return self

    @property
    def can_be_na(self) -> bool:
        return not self.na_when.lower().startswith("never")


class PersonaRubric(_Strict):
    """A trainer's changes for one persona: weights by criterion id and extra criteria."""

    weights: dict[str, float] = {}
    criteria: list[Criterion] = []


class Rubric(_Strict):
    version: str
    pass_mark: float = Field(default=70, ge=0, le=100)
    criteria: list[Criterion]
    personas: dict[str, PersonaRubric] = {}

    @model_validator(mode="after")
    def _ids(self) -> Rubric:
        ids = [c.id for c in self.criteria]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"criteria: duplicate id '{dupes[0]}'")
        missing = [i for i in CONTRACT_IDS if i not in ids]
        if missing:
            raise ValueError(f"criteria: missing contract id '{missing[0]}'")
        for pid, extra in self.personas.items():
            unknown = sorted(set(extra.weights) - set(ids) - {c.id for c in extra.criteria})
            if unknown:
                raise ValueError(f"personas.{pid}.weights: unknown criterion '{unknown[0]}'")
            for c in extra.criteria:
                if c.id in ids:
                    raise ValueError(f"personas.{pid}.criteria: '{c.id}' already in the rubric")
                if c.decided_by == "detector":
                    raise ValueError(f"personas.{pid}.criteria.{c.id}: extra criteria are "
                                     "judged by the model (decided_by: llm)")
        return self

    def get(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def for_persona(self, persona_id: str | None) -> Rubric:
        """This rubric with the persona's weights and extra criteria applied."""
        extra = self.personas.get(persona_id or "")
        if extra is None:
            return self
        crits = [c.model_copy(update={"weight": extra.weights.get(c.id, c.weight)})
                 for c in [*self.criteria, *extra.criteria]]
        return self.model_copy(update={"criteria": crits, "personas": {}})


class GraderPrompts(_Strict):
    """The grader's prompt templates (``$name`` placeholders), with their own version."""

    version: str
    system: str
    transcript: str
    criterion: str
    retry: str

    def render(self, part: Literal["system", "transcript", "criterion", "retry"],
               **values: str) -> str:
        """Fill one template; a missing placeholder raises `RubricError`."""
        try:
            return Template(getattr(self, part)).substitute(values)
        except KeyError as exc:
            raise RubricError(f"grader prompt: {part}: missing value for ${exc.args[0]}") from None


def _read_yaml(path: Path) -> dict[str, object]:
    try:
        data = yaml.safe_load(read_text(path, RubricError))
    except yaml.YAMLError:
        raise RubricError(f"{path}: not valid YAML") from None
    if not isinstance(data, dict):
        raise RubricError(f"{path}: expected a mapping at the top level")
    return data


def load_rubric(path: Path | None = None) -> Rubric:
    """Load and validate the rubric (default ``prompts/rubric.yaml``)."""
    path = path or project_root() / "prompts" / "rubric.yaml"
    try:
        return Rubric.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise RubricError(error_line(path, exc.errors()[0])) from None


def load_prompts(path: Path | None = None) -> GraderPrompts:
    """Load and validate the grader prompt templates (default ``prompts/grader.yaml``)."""
    path = path or project_root() / "prompts" / "grader.yaml"
    try:
        return GraderPrompts.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise RubricError(error_line(path, exc.errors()[0])) from None
