"""Prompt templates: data files under ``prompts/``, rendered with LangChain's prompt templates.

A template file is YAML with ``version``, ``system`` and ``user``. Rendering with a missing
variable raises, so a typo in a template never reaches a model silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from langchain_core.prompts import PromptTemplate

from trainer.config import project_root
from trainer.validation import read_text

__all__ = ["Prompt", "PromptError", "render", "template_version"]


class PromptError(ValueError):
    """A prompt file that is missing, malformed, or rendered without a variable it needs."""


@dataclass(frozen=True)
class Prompt:
    """A rendered prompt: the system and user texts and the template version they came from."""

    name: str
    version: str
    system: str
    user: str


@cache
def _load(name: str) -> dict[str, str]:
    path = project_root() / "prompts" / f"{name}.yaml"
    try:
        data = yaml.safe_load(read_text(path, PromptError))
    except yaml.YAMLError as exc:
        raise PromptError(f"{path}: {exc}") from None
    missing = {"version", "system", "user"} - set(data or {})
    if missing:
        raise PromptError(f"{path}: {sorted(missing)[0]}: missing")
    return {k: str(v) for k, v in data.items()}


def template_version(name: str) -> str:
    return _load(name)["version"]


def _fill(path: str, text: str, values: dict[str, Any]) -> str:
    template = PromptTemplate.from_template(text)
    missing = set(template.input_variables) - set(values)
    if missing:
        raise PromptError(f"prompts/{path}: variable {sorted(missing)[0]!r} not given")
    return template.format(**{k: values[k] for k in template.input_variables})


def render(name: str, /, **values: Any) -> Prompt:
    """Render ``prompts/<name>.yaml`` with the given values."""
    data = _load(name)
    return Prompt(name, data["version"], _fill(f"{name}.yaml:system", data["system"], values),
                  _fill(f"{name}.yaml:user", data["user"], values))
