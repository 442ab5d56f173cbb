from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pg import pg_server, pg_url  # noqa: F401  (the postgres tier's fixtures)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def trainer_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own app home; the embedded model is shared from the real cache so
    integration tests don't re-assemble 1.1 GB each time."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TRAINER_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for var in list(__import__("os").environ):
        if var.startswith("TRAINER_") and var != "TRAINER_HOME":
            monkeypatch.delenv(var)
    return home


@pytest.fixture(scope="session")
def embedded_model_path() -> Path:
    """The real embedded GGUF, assembled once into the user's cache."""
    from trainer.models import ensure_embedded_model

    cache = Path.home() / ".trainer" / "models"
    return ensure_embedded_model(cache)


@pytest.fixture
def local_model_settings(embedded_model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_MODEL", f"local:{embedded_model_path}")


@pytest.fixture
def persona_dirs() -> list[Path]:
    return [ROOT / "personas"]
