from pathlib import Path

import pytest

from trainer.config import ConfigError, Settings, load_settings


def test_defaults_then_file_then_env(trainer_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (trainer_home / "config.toml").write_text('model = "openai:gpt-4o-mini"\nrepeats = 5\n')
    monkeypatch.setenv("TRAINER_REPEATS", "7")
    loaded = load_settings()
    s = loaded.settings
    assert s.model == "openai:gpt-4o-mini" and s.repeats == 7
    assert loaded.sources["model"] == str(trainer_home / "config.toml")
    assert loaded.sources["repeats"] == "$TRAINER_REPEATS"
    assert loaded.sources["timeout"] == "default"
    assert s.model_for("grader") == "openai:gpt-4o-mini"


def test_role_overrides_shared_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_GRADER_MODEL", "openai:big@http://127.0.0.1:9/v1")
    s = load_settings().settings
    assert s.model_for("caller") == "local"
    assert s.model_for("grader") == "openai:big@http://127.0.0.1:9/v1"


def test_bad_values_name_the_source(trainer_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_REPEATS", "many")
    with pytest.raises(ConfigError, match=r"\$TRAINER_REPEATS: repeats"):
        load_settings()
    monkeypatch.delenv("TRAINER_REPEATS")
    (trainer_home / "config.toml").write_text("colour = 1\n")
    with pytest.raises(ConfigError, match="colour: unknown setting"):
        load_settings()


@pytest.mark.parametrize(("model", "director", "spec"), [
    ("local", None, "cues"),  # the embedded model: the reader alone directs
    ("openai:qwen@http://127.0.0.1:8080/v1", None, "cues"),  # a server on this machine's cores
    ("openai:qwen@http://localhost:8080/v1", None, "cues"),
    ("openai:qwen@http://[::1]:8080/v1", None, "cues"),
    ("openai:qwen@http://gpu-box:8000/v1", None, "openai:qwen@http://gpu-box:8000/v1"),
    ("openai:gpt-4o-mini", None, "openai:gpt-4o-mini"),
    ("openai:qwen@http://127.0.0.1:8080/v1", "openai:qwen@http://127.0.0.1:8080/v1",
     "openai:qwen@http://127.0.0.1:8080/v1"),  # set explicitly: used
])
def test_the_director_asks_a_model_only_off_this_machine_unless_told(
        model: str, director: str | None, spec: str) -> None:
    from trainer.practice import director_spec

    settings = Settings(model=model, director_model=director)
    assert director_spec(settings) == spec


def test_the_web_app_holds_fewer_calls_when_the_model_shares_this_machine() -> None:
    from trainer.web.calls import EMBEDDED_MAX_CALLS, REMOTE_MAX_CALLS, default_max_calls

    assert default_max_calls(Settings(model="local")) == EMBEDDED_MAX_CALLS
    assert default_max_calls(Settings(model="openai:q@http://127.0.0.1:8080/v1")) == \
        EMBEDDED_MAX_CALLS
    assert default_max_calls(Settings(model="openai:q@http://gpu-box:8000/v1")) == REMOTE_MAX_CALLS
    assert default_max_calls(Settings(model="local", web_max_calls=3)) == 3
