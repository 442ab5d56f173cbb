"""Personas: who calls, validated strictly on load (unknown keys are errors)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from trainer.validation import error_lines, read_text

__all__ = [
    "CRITERIA",
    "REACTION_SITUATIONS",
    "SOOTHERS",
    "TRIGGERS",
    "Persona",
    "PersonaError",
    "check_files",
    "find_persona",
    "list_personas",
    "load_persona",
    "load_snapshot",
    "parse_text",
    "persona_file",
    "persona_hash",
    "template",
    "write_snapshot",
]

TRIGGERS = (
    "calm_down",  # being told to calm down / relax
    "hold",  # being put on hold
    "defensive",  # arguing, blaming the caller, "not my fault", hiding behind policy
    "dismissive",  # "that's not my problem", brushing the problem off
    "empty_promise",  # promises nobody can keep ("it will definitely arrive today")
    "interrupt",  # talked over while speaking
    "jargon",  # internal terms the caller can't follow
    "transfer",  # being passed to another department
    "silence",  # no answer at all
    "rude",  # sarcasm, insults, raised voice
)
SOOTHERS = (
    "empathy",  # acknowledging feelings
    "apology",  # a sincere apology
    "used_name",  # being called by name
    "paraphrase",  # hearing the problem repeated back
    "options",  # concrete options to choose from
    "next_steps",  # clear next steps with a time
)
CRITERIA = (
    "let_vent", "empathy", "apology", "no_calm_down", "not_defensive", "paraphrase", "used_name",
    "options", "honest_promises", "avoided_hold", "next_steps", "abuse_boundary",
    "stayed_professional",
)

Level = Field(ge=0, le=10)


class PersonaError(ValueError):
    """A persona problem, formatted ``file: field: reason``."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Situation(_Strict):
    company: str
    product: str
    problem: str
    facts: dict[str, str] = {}
    history: str = ""


class Temperament(_Strict):
    anger: float = Level  # starting anger
    trust: float = Field(default=3, ge=0, le=10)  # starting trust in the agent
    drift: float = Field(default=1.0, ge=0.1, le=3.0)  # how fast the mood moves per turn
    volatility: float = Field(default=0.3, ge=0, le=1)  # random swing added each turn
    vent_turns: int = Field(default=0, ge=0, le=5)  # turns of venting before listening


class Boundaries(_Strict):
    abusive: bool = False
    abuse_at_anger: float = Field(default=8, ge=0, le=10)
    demands_supervisor: bool = False
    supervisor_at_anger: float = Field(default=7, ge=0, le=10)
    supervisor_after_turns: int | None = Field(default=None, ge=1)
    hangs_up_at_anger: float = Field(default=10, ge=1, le=10)


class Ending(_Strict):
    satisfied_when: str
    needs: list[Literal[SOOTHERS]] = ["options", "next_steps"]  # type: ignore[valid-type]
    satisfied_at_anger: float = Field(default=3, ge=0, le=10)


class Voice(_Strict):
    engine: Literal["default", "pyttsx3", "espeak", "hibari"] = "default"
    voice: str = "gmw/en-us"
    rate: int = Field(default=170, ge=80, le=320)  # words per minute when calm
    pitch: int = Field(default=50, ge=0, le=99)
    volume: float = Field(default=0.9, ge=0.1, le=1.0)


# What the agent just did, as a caller reacts to it before answering (see trainer.reactions).
REACTION_SITUATIONS = ("provoked", "hold", "jargon", "question", "offer", "apology", "other")
MAX_REACTION_WORDS = 4


def _reaction_words(text: str) -> str:
    text = " ".join(text.split())
    if not 1 <= len(text.split()) <= MAX_REACTION_WORDS or text[-1] not in ".,?!…":
        raise ValueError(f"a reaction is 1 to {MAX_REACTION_WORDS} spoken words ending in "
                         f". , ? or ! (got '{text}')")
    if any(c in text for c in "*()[]{}<>:\"\n"):
        raise ValueError(f"a reaction is spoken words only, no brackets or labels (got '{text}')")
    return text


Reaction = Annotated[str, AfterValidator(_reaction_words)]


class Reactions(_Strict):
    """A short spoken reaction the caller says the moment the trainee stops ("Excuse me?",
    "Mm.", "Oh, um,") before the model's words. ``enabled``: on at all; a situation's own list
    replaces the built-in one (``[]``: no reaction in that situation)."""

    enabled: bool = False
    provoked: list[Reaction] | None = None  # told to calm down, blamed, brushed off, rudeness
    hold: list[Reaction] | None = None  # put on hold or passed on
    jargon: list[Reaction] | None = None  # words the caller doesn't know
    question: list[Reaction] | None = None  # asked something (a fact refused, a question)
    offer: list[Reaction] | None = None  # offered something, told what happens next
    apology: list[Reaction] | None = None  # an apology, empathy, the problem repeated back
    other: list[Reaction] | None = None  # anything else

    def own(self, situation: str) -> list[str] | None:
        """The persona's own reactions for a situation, or None (the built-ins apply)."""
        words: list[str] | None = getattr(self, situation)
        return words


def _reactions_input(value: Any) -> Any:
    """``true``/``false``, or a mapping of situation → reactions (which turns them on)."""
    if isinstance(value, bool):
        return {"enabled": value}
    if isinstance(value, dict):
        return {"enabled": True, **value}
    if isinstance(value, Reactions):
        return value
    raise ValueError("expected true, false, or a mapping of situation → list of reactions "
                     f"(situations: {', '.join(REACTION_SITUATIONS)})")


class Timing(_Strict):
    """How long this caller waits: part of the character, not of the machine's speed."""

    patience: float = Field(default=10.0, ge=2.0, le=60.0)  # silence before "Hello? Still there?"
    reply_delay: float = Field(default=0.0, ge=0.0, le=3.0)  # a calm caller's pause before replying
    reactions: Reactions = Reactions()  # a short spoken reaction first ("Excuse me?")

    @field_validator("reactions", mode="before")
    @classmethod
    def _reactions(cls, value: Any) -> Any:
        return _reactions_input(value)


class Check(_Strict):
    """A behaviour check: a trainee line and the direction the mood must move."""

    say: str
    expect: Literal["angrier", "calmer", "not_calmer", "not_angrier"]


class Persona(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    pronoun: Literal["she", "he", "they"] = "she"  # for the caller's stage directions
    difficulty: Literal["easy", "medium", "hard"]
    summary: str
    situation: Situation
    wants: str
    temperament: Temperament
    triggers: dict[Literal[TRIGGERS], float] = {}  # type: ignore[valid-type]
    soothers: dict[Literal[SOOTHERS], float] = {}  # type: ignore[valid-type]
    boundaries: Boundaries = Boundaries()
    ending: Ending
    voice: Voice = Voice()
    timing: Timing = Timing()
    opening: str
    examples: list[str] = Field(min_length=1)
    tips: list[Literal[CRITERIA]] = Field(min_length=1)  # type: ignore[valid-type]
    checks: list[Check] = []

    @field_validator("triggers", "soothers")
    @classmethod
    def _weights_in_range(cls, v: dict[str, float]) -> dict[str, float]:
        for key, weight in v.items():
            if not 0 <= weight <= 5:
                raise ValueError(f"{key}: weight must be between 0 and 5")
        return v

    @model_validator(mode="after")
    def _no_todo(self) -> Persona:
        for path, value in _strings(self.model_dump()):
            if "TODO" in value:
                raise ValueError(f"{path}: still TODO: fill it in")
        return self

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    def trigger_weight(self, name: str) -> float:
        return self.triggers.get(name, 1.0)

    def soother_weight(self, name: str) -> float:
        return self.soothers.get(name, 1.0)


def _strings(value: object, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")


def _parse(path: Path) -> Persona:
    return parse_text(read_text(path, PersonaError, "(file)"), path)


MAX_BYTES = 200_000


def _yaml_data(text: str, path: Path | str) -> object:
    """``yaml.safe_load`` (plain data only, never arbitrary objects), refusing aliases: a few
    nested aliases expand to billions of nodes when validated."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise PersonaError(f"{path}: (file): larger than {MAX_BYTES // 1000} kB")
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken):
                line = token.start_mark.line + 1
                raise PersonaError(f"{path}: line {line}: YAML aliases (*name) are not allowed")
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(yaml)"
        problem = getattr(exc, "problem", None)
        raise PersonaError(f"{path}: {where}: not valid YAML" + (f" ({problem})" if problem
                                                                   else "")) from None


def parse_text(text: str, path: Path | str) -> Persona:
    """Validate persona YAML text as if it were the file ``path`` (whose stem is the id);
    raises `PersonaError` with every problem, one ``file: field: reason`` per line."""
    data = _yaml_data(text, path)
    if not isinstance(data, dict):
        raise PersonaError(f"{path}: (top level): expected a mapping of fields")
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        raise PersonaError("\n".join(error_lines(path, exc))) from None
    stem = Path(path).stem
    if persona.id != stem:
        raise PersonaError(f"{path}: id: '{persona.id}' must match the file name '{stem}'")
    return persona


def persona_file(persona_id: str, dirs: Iterable[Path]) -> Path | None:
    """The file a persona id loads from (the first folder that has it), or None."""
    return _persona_files(dirs).get(persona_id)


def load_persona(path: Path) -> Persona:
    """Load and validate one persona file; raises `PersonaError` naming file and field."""
    return _parse(path)


def _persona_files(dirs: Iterable[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in dirs:
        if d.is_dir():
            for f in sorted(d.glob("*.yaml")):
                found.setdefault(f.stem, f)
    return found


def list_personas(dirs: Iterable[Path]) -> list[Persona]:
    """Every valid persona in the folders (invalid ones are reported by `check_files`)."""
    out = []
    for path in _persona_files(dirs).values():
        try:
            out.append(_parse(path))
        except PersonaError:
            continue
    return out


def find_persona(ref: str, dirs: Iterable[Path]) -> Persona:
    """A persona by id, or by path to a YAML file; unknown ids list the valid ones."""
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        return _parse(Path(ref))
    dirs = list(dirs)
    files = _persona_files(dirs)
    if ref not in files:
        valid = ", ".join(sorted(files)) or "(none found)"
        raise PersonaError(f"unknown persona '{ref}'; valid ids: {valid}")
    return _parse(files[ref])


def check_files(paths: Iterable[Path]) -> list[str]:
    """Every problem in the given persona files, one ``file: field: reason`` per line."""
    problems = []
    for path in paths:
        try:
            _parse(path)
        except PersonaError as exc:
            problems.extend(str(exc).splitlines())
    return problems


def template(persona_id: str) -> str:
    """A commented persona template that passes `check` once the TODO lines are filled in."""
    return (Path(__file__).parent / "persona_template.yaml").read_text().replace(
        "__ID__", persona_id)


# --- versions: what exactly a session was played with -------------------------------------------

SNAPSHOT_DIR = "persona"  # <session>/persona/<id>.yaml: the persona as it was played


def persona_hash(persona: Persona) -> str:
    """The persona's content hash (SHA-256 of its validated fields as canonical JSON): the same
    for any file that means the same persona, different after any change of meaning."""
    data = persona.model_dump(mode="json")
    if persona.timing.reactions == Reactions():  # added later: unused, it leaves old hashes be
        data["timing"].pop("reactions")
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _source_text(persona: Persona, dirs: Iterable[Path]) -> str:
    """The persona file's own text (comments kept) when it still holds this exact persona,
    else the validated fields as YAML."""
    path = _persona_files(dirs).get(persona.id)
    if path is not None:
        try:
            if persona_hash(_parse(path)) == persona_hash(persona):
                return path.read_text()
        except PersonaError:
            pass
    return yaml.safe_dump(persona.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def write_snapshot(persona: Persona, folder: Path, dirs: Iterable[Path] = ()) -> Path:
    """Keep a copy of the persona YAML a session is played with inside its folder, so later
    edits of the persona never change how the session reads."""
    out = folder / SNAPSHOT_DIR / f"{persona.id}.yaml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_source_text(persona, dirs))
    return out


def load_snapshot(folder: Path) -> Persona | None:
    """The persona a session was played with (its snapshot), or None for older sessions."""
    found = sorted((folder / SNAPSHOT_DIR).glob("*.yaml"))
    return _parse(found[0]) if found else None
