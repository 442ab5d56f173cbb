from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pg import pg_server, pg_url  # noqa: F401  (the postgres tier's fixtures)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"  # Debian's; no browser download exists here


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


@pytest.fixture
def chromium() -> Iterator[Callable[..., Any]]:
    """Launches Debian's headless Chromium through Playwright (``executable_path``: no browser
    download exists here), with ``args`` added to the defaults; every browser it launched is
    closed after the test. Skips with the reason when chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        launched: list[Any] = []

        def launch(*args: str) -> Any:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu",
                "--autoplay-policy=no-user-gesture-required", *args])
            launched.append(browser)
            return browser

        yield launch
        for browser in launched:
            browser.close()
