"""Every session records the exact persona it was played with: its content hash and a copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import ScriptedChat

import trainer.practice as practice
from trainer.config import load_settings
from trainer.personas import find_persona, load_snapshot, persona_hash
from trainer.voice.text import ScriptListener, TextSpeaker

PERSONAS = Path(__file__).resolve().parent.parent / "personas"


def test_hash_is_content_not_formatting(tmp_path: Path) -> None:
    original = find_persona("irate-dana", [PERSONAS])
    copy = tmp_path / "irate-dana.yaml"
    copy.write_text("# a new comment\n" + (PERSONAS / "irate-dana.yaml").read_text())
    assert persona_hash(find_persona(str(copy), [])) == persona_hash(original)
    copy.write_text(copy.read_text().replace("anger: 8", "anger: 7", 1))
    assert persona_hash(find_persona(str(copy), [])) != persona_hash(original)


def test_session_keeps_hash_and_copy_and_reads_the_same_after_an_edit(
        tmp_path: Path, trainer_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = trainer_home / "personas"
    mine.mkdir()
    text = (PERSONAS / "calm-marcus.yaml").read_text().replace("id: calm-marcus", "id: my-marcus")
    (mine / "my-marcus.yaml").write_text("# my copy\n" + text)
    monkeypatch.setenv("TRAINER_PERSONAS", str(mine))
    monkeypatch.setattr(practice, "chat_model", lambda *a, **k: ScriptedChat(
        replies=["Fine. What now?", "Okay."]))
    settings = load_settings().settings  # director on cues: no model loaded
    persona = find_persona("my-marcus", settings.persona_dirs())
    result = practice.practise(persona, settings, TextSpeaker(write=lambda s: None),
                               ScriptListener(["I'm sorry about that."]),
                               practice.CallOptions(max_turns=1))
    meta = json.loads((result.session_dir / "session.json").read_text())
    assert meta["persona_hash"] == persona_hash(persona)
    snap = result.session_dir / "persona" / "my-marcus.yaml"
    assert snap.read_text() == (mine / "my-marcus.yaml").read_text()  # comments kept
    (mine / "my-marcus.yaml").write_text(snap.read_text().replace("Marcus", "Mark"))
    played = load_snapshot(result.session_dir)
    assert played is not None and persona_hash(played) == meta["persona_hash"]
    assert "Marcus" in played.name
