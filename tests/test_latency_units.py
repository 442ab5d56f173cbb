"""The caller's first sound sooner, and latency a trainer sets: first-clause flushing, the
persona's prompt read while the opening plays, patience and a calm caller's reply delay."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fakes import ForeseeingListener, PrefillChat, ScriptedChat

from trainer.caller import Caller, split_first_clause
from trainer.director import Director
from trainer.personas import PersonaError, find_persona, load_persona
from trainer.session import Call, _held, reply_delay, run_call
from trainer.store import SessionWriter, load_session
from trainer.transcript import Mood
from trainer.voice.base import Heard
from trainer.voice.text import ScriptListener, TextSpeaker

PERSONAS = [Path(__file__).resolve().parent.parent / "personas"]


def tokens(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text)


@pytest.mark.parametrize(("text", "pieces"), [
    ("Look, I have waited an hour. Where is it?", ["Look,", "I have waited an hour.", "Where is it?"]),
    ("Oh great. Another excuse.", ["Oh great.", "Another excuse."]),
    ("I have been waiting on hold for over an hour now.",
     ["I have been waiting on hold for over an", "hour now."]),
    ("Fine; send it.", ["Fine;", "send it."]),
    ("No — that is not good enough!", ["No", "— that is not good enough!"]),
    ("Okay", ["Okay"]),
])
def test_the_first_piece_is_the_first_clause(text: str, pieces: list[str]) -> None:
    assert list(split_first_clause(tokens(text))) == pieces


def test_caller_speaks_its_first_clause_first_unless_told_not_to() -> None:
    persona = find_persona("irate-dana", PERSONAS)
    reply = "Listen, this is the third time I've called. Fix it."
    fast = Caller(persona, ScriptedChat(replies=[reply]))
    assert list(fast.stream_line([], "vent")) == [
        "Listen,", "this is the third time I've called.", "Fix it."]
    slow = Caller(persona, ScriptedChat(replies=[reply]), first_clause=False)
    assert list(slow.stream_line([], "vent")) == [
        "Listen, this is the third time I've called.", "Fix it."]


class RecordingSpeaker(TextSpeaker):
    def __init__(self, model: PrefillChat) -> None:
        super().__init__(write=lambda _s: None)
        self.model = model
        self.prefills_before: list[int] = []

    def say(self, sentences: Any, style: Any, save_as: Any) -> Any:
        self.prefills_before.append(len(self.model.read))
        return super().say(sentences, style, save_as)


def _call(tmp_path: Path, model: ScriptedChat, listener: Any, speaker: Any,
          persona_id: str = "irate-dana", **kwargs: Any) -> Call:
    persona = find_persona(persona_id, PERSONAS)
    writer = SessionWriter(tmp_path / "sessions", persona.id, {"caller_name": persona.name})
    return Call(persona, Caller(persona, model), Director(persona, seed=0), speaker, listener,
                writer, max_turns=2, **kwargs)


def test_the_persona_prompt_is_read_while_the_opening_plays(tmp_path: Path) -> None:
    model = PrefillChat(replies=["Finally."])
    speaker = RecordingSpeaker(model)
    call = _call(tmp_path, model, ScriptListener(["Hello."]), speaker)
    run_call(call)
    call.caller.wait_warm()
    assert "opening" not in model.read[0] and call.persona.opening in model.read[0]
    assert speaker.prefills_before[0] == 1  # the warm-up started before the opening was said


def test_without_the_opening_warm_up_the_first_read_waits_for_the_loop(tmp_path: Path) -> None:
    model = PrefillChat(replies=["Finally."])
    speaker = RecordingSpeaker(model)
    run_call(_call(tmp_path, model, ScriptListener(["Hello."]), speaker, warm_opening=False))
    assert speaker.prefills_before[0] == 0


class PatientListener:
    silence_timeout = 99.0

    def listen(self, save_as: Path | None) -> Heard:
        return Heard("", ended_call=True)


def test_the_session_gives_the_listener_the_personas_patience(tmp_path: Path) -> None:
    listener = PatientListener()
    call = _call(tmp_path, ScriptedChat(replies=[]), listener, TextSpeaker(write=lambda _s: None))
    run_call(call)
    assert listener.silence_timeout == call.persona.timing.patience == 10.0


def test_a_calm_callers_reply_delay_shrinks_with_anger() -> None:
    persona = find_persona("calm-marcus", PERSONAS).model_copy(
        update={"timing": find_persona("calm-marcus", PERSONAS).timing.model_copy(
            update={"reply_delay": 1.0})})
    assert reply_delay(persona, Mood(anger=0, trust=5)) == pytest.approx(1.0)
    assert reply_delay(persona, Mood(anger=5, trust=5)) == pytest.approx(0.5)
    assert reply_delay(persona, Mood(anger=10, trust=5)) == 0.0


def test_the_first_sentence_is_held_until_the_delay_is_over() -> None:
    now = [10.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    out = list(_held(iter(["Well.", "Let me think."]), 11.5, lambda: now[0], sleep))
    assert out == ["Well.", "Let me think."] and slept == [1.5]


def _persona_file(tmp_path: Path, **timing: Any) -> Path:
    data = yaml.safe_load((PERSONAS[0] / "calm-marcus.yaml").read_text())
    data["timing"] = timing
    path = tmp_path / "calm-marcus.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_timing_is_validated_strictly(tmp_path: Path) -> None:
    assert load_persona(_persona_file(tmp_path, patience=20, reply_delay=0.8)).timing.patience == 20
    with pytest.raises(PersonaError, match=r"timing\.patience: .*greater than or equal to 2"):
        load_persona(_persona_file(tmp_path, patience=1))
    with pytest.raises(PersonaError, match=r"timing\.reply_delay: .*less than or equal to 3"):
        load_persona(_persona_file(tmp_path, reply_delay=5))
    with pytest.raises(PersonaError, match=r"timing\.wait: unknown key"):
        load_persona(_persona_file(tmp_path, wait=1))


def test_the_reply_prompt_is_read_before_the_turn_is_confirmed(tmp_path: Path) -> None:
    lines = ["Calm down, Dana.", "I'm so sorry. I will send a new table by Friday."]
    model = PrefillChat(replies=["Calm down?!", "Friday. Fine."])
    result = run_call(_call(tmp_path / "a", model, ForeseeingListener(list(lines)),
                            TextSpeaker(write=lambda _s: None)))
    plain = run_call(_call(tmp_path / "b", ScriptedChat(replies=["Calm down?!", "Friday. Fine."]),
                           ScriptListener(list(lines)), TextSpeaker(write=lambda _s: None)))
    turns = load_session(result.session_dir).turns
    assert result.ended_by == "turn_limit", (result.ended_by, result.error)
    assert [t.mood for t in turns] == [t.mood for t in load_session(plain.session_dir).turns]
    for n, trainee in ((2, lines[0]), (4, lines[1])):
        foreseen = [p for p in model.read if trainee in p and turns[n].direction in p]
        assert foreseen, f"turn {n}: the reply's prompt was not read ahead"
    assert model.prompts[1][-1].content in model.read  # the very prompt the reply used
