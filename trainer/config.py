"""Settings: models per role, voice, grading, paths — and where each value came from.

Precedence, lowest to highest: built-in defaults, ``$TRAINER_HOME/config.toml``, environment
variables ``TRAINER_<FIELD>`` (e.g. ``TRAINER_MODEL``, ``TRAINER_CALLER_MODEL``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = ["ConfigError", "LoadedSettings", "Role", "Settings", "load_settings", "project_root"]

Role = Literal["caller", "director", "grader"]


class ConfigError(ValueError):
    """A bad setting; the message names the file or variable and the field."""


CONTENT = ("personas", "prompts", "eval")


def project_root() -> Path:
    """Where the starter content (personas/, prompts/, eval/) lives: the checkout this package
    runs from (an editable install, or a source tree on the path), else the copy a wheel ships
    inside the package as ``trainer/_data`` (see setup.py)."""
    package = Path(__file__).resolve().parent
    checkout = package.parent
    if all((checkout / name).is_dir() for name in CONTENT):
        return checkout
    return package / "_data"


def default_home() -> Path:
    return Path(os.environ.get("TRAINER_HOME") or Path.home() / ".trainer")


class Settings(BaseModel):
    """Every setting the app reads. Model specs: ``local``, ``local:/path/model.gguf``,
    ``openai:MODEL`` or ``openai:MODEL@http://host:port/v1`` (any OpenAI-compatible server)."""

    model_config = ConfigDict(extra="forbid")

    home: Path = Path("~/.trainer")
    model: str = "local"
    caller_model: str | None = None
    director_model: str | None = None
    grader_model: str | None = None
    api_key: str | None = None
    timeout: float = 60.0
    retries: int = 3
    threads: int = max(1, os.cpu_count() or 2)
    context: int = 4096
    # the embedded model runs in a worker process, so a native crash ends the call cleanly;
    # "in-process" runs it in the app's own process (a crash then kills the app)
    model_process: Literal["worker", "in-process"] = "worker"
    caller_temperature: float = 0.8
    personas: str = ""  # extra persona folders, separated by ':'
    # voice
    tts_engine: Literal["pyttsx3", "espeak", "hibari", "none"] = "pyttsx3"
    stt_engine: Literal["whisper", "whisper-base", "sphinx", "openai"] = "whisper"
    pause_threshold: float = 0.6  # turn_detection "pause": the quiet that ends a turn
    # "smart": a VAD pause, then a turn model decides whether the trainee finished
    turn_detection: Literal["smart", "pause"] = "smart"
    push_to_talk: bool = False
    barge_in: bool = False
    # grading
    repeats: int = 3
    pass_mark: float = 70.0
    # the shared store and the web app
    database_url: str | None = None  # default: SQLite at home/trainer.db
    web_max_calls: int = 0  # simultaneous web calls; 0: measured default for the model (see README)
    web_resume_seconds: float = 30.0  # a dropped call socket may reconnect within this window

    def model_for(self, role: Role) -> str:
        """The model spec for a role: its own setting, else the shared ``model``."""
        return getattr(self, f"{role}_model") or self.model

    def persona_dirs(self) -> list[Path]:
        extra = [Path(p).expanduser() for p in self.personas.split(":") if p]
        return [project_root() / "personas", self.home / "personas", *extra]

    @property
    def sessions_dir(self) -> Path:
        return self.home / "sessions"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"


@dataclass(frozen=True)
class LoadedSettings:
    """Settings plus the source of every field (``default``, the config file, or ``$VAR``)."""

    settings: Settings
    sources: dict[str, str]


def _env_values() -> dict[str, tuple[str, str]]:
    found = {}
    for name in Settings.model_fields:
        var = f"TRAINER_{name.upper()}"
        if var in os.environ:
            found[name] = (os.environ[var], f"${var}")
    return found


def _file_values(path: Path) -> dict[str, tuple[Any, str]]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"{path}: {unknown[0]}: unknown setting")
    return {k: (v, str(path)) for k, v in data.items()}


def load_settings(**overrides: Any) -> LoadedSettings:
    """Merge defaults, config file, environment and explicit overrides (e.g. CLI options)."""
    home = default_home().expanduser()
    values: dict[str, tuple[Any, str]] = {"home": (home, "$TRAINER_HOME" if
                                                    "TRAINER_HOME" in os.environ else "default")}
    values.update(_file_values(home / "config.toml"))
    values.update(_env_values())
    values.update({k: (v, "command line") for k, v in overrides.items() if v is not None})
    if values.get("api_key") is None and os.environ.get("OPENAI_API_KEY"):
        values["api_key"] = (os.environ["OPENAI_API_KEY"], "$OPENAI_API_KEY")
    try:
        settings = Settings(**{k: v for k, (v, _) in values.items()})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        source = values.get(str(err["loc"][0]), (None, "settings"))[1]
        raise ConfigError(f"{source}: {field}: {err['msg']}") from None
    settings.home = settings.home.expanduser()
    sources = {name: values.get(name, (None, "default"))[1] for name in Settings.model_fields}
    return LoadedSettings(settings, sources)
