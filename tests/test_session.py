import json
from pathlib import Path

import pytest
from fakes import ScriptedChat

from trainer.caller import Caller
from trainer.director import Director
from trainer.personas import find_persona
from trainer.session import Call, run_call
from trainer.store import SessionWriter, load_session
from trainer.voice.base import Heard
from trainer.voice.text import ScriptListener, TextSpeaker

PERSONAS = [Path(__file__).resolve().parent.parent / "personas"]


def _call(tmp_path: Path, replies: list, listener, max_turns: int = 10) -> Call:
    persona = find_persona("irate-dana", PERSONAS)
    writer = SessionWriter(tmp_path / "sessions", persona.id, {"caller_name": persona.name})
    return Call(persona, Caller(persona, ScriptedChat(replies=replies)),
                Director(persona, seed=0), TextSpeaker(write=lambda s: None), listener, writer,
                max_turns=max_turns)


def test_scripted_call_is_saved_turn_by_turn(tmp_path: Path) -> None:
    call = _call(tmp_path, ["Don't tell me to calm down!", "Hold? Seriously?"],
                 ScriptListener(["Calm down.", "Please hold."]))
    result = run_call(call)
    assert result.ended_by == "end_of_input"
    lines = (result.session_dir / "transcript.jsonl").read_text().splitlines()
    turns = [json.loads(x) for x in lines]
    assert [t["speaker"] for t in turns] == ["caller", "trainee", "caller", "trainee", "caller"]
    assert turns[1]["triggers"] == ["calm_down"]
    assert turns[2]["mood"]["anger"] > 8 and "calm down" in turns[2]["direction"]
    meta = json.loads((result.session_dir / "session.json").read_text())
    assert meta["ended_by"] == "end_of_input" and meta["turns"] == 5
    said = load_session(result.session_dir).turns[2]  # a spoken reaction, then the model's line
    assert said.text.endswith("Don't tell me to calm down!")
    assert said.measures and said.text == f"{said.measures['reaction']} Don't tell me to calm down!"


class _Interrupting:
    def __init__(self) -> None:
        self.n = 0

    def listen(self, save_as: Path | None) -> Heard:
        self.n += 1
        if self.n == 2:
            raise KeyboardInterrupt
        return Heard("I'm so sorry.")


def test_ctrl_c_keeps_everything_said(tmp_path: Path) -> None:
    result = run_call(_call(tmp_path, ["Sorry doesn't fix it."], _Interrupting()))
    assert result.ended_by == "interrupted"
    t = load_session(result.session_dir)
    assert [x.text for x in t.turns][1] == "I'm so sorry."
    assert t.turns[2].text.endswith("Sorry doesn't fix it.")  # after her spoken reaction


def test_model_failure_is_one_line_and_turns_stay(tmp_path: Path) -> None:
    import httpx
    import openai

    boom = openai.APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1:9/v1"))
    result = run_call(_call(tmp_path, [boom], ScriptListener(["Hello?"])))
    assert result.ended_by == "error"
    assert result.error is not None and "unreachable" in result.error
    assert len(load_session(result.session_dir).turns) == 2


def test_silence_gets_a_are_you_there(tmp_path: Path) -> None:
    call = _call(tmp_path, ["Hello? Are you still there?"], ScriptListener([""]))
    result = run_call(call)
    t = load_session(result.session_dir)
    assert t.turns[1].triggers == ("silence",)
    assert "still there" in (t.turns[2].direction or "")


def test_trainee_can_end_the_call(tmp_path: Path) -> None:
    result = run_call(_call(tmp_path, [], ScriptListener(["/end"])))
    assert result.ended_by == "trainee"


def test_turn_limit(tmp_path: Path) -> None:
    call = _call(tmp_path, ["What?", "And?"], ScriptListener(["Hm.", "Hm.", "Hm."]), max_turns=2)
    assert run_call(call).ended_by == "turn_limit"


@pytest.mark.parametrize("line", ["Okay, goodbye.", "Thanks, have a nice day."])
def test_caller_accepts_goodbye_and_call_ends(tmp_path: Path, line: str) -> None:
    call = _call(tmp_path, ["Fine. Bye."], ScriptListener([line, "never read"]))
    assert run_call(call).ended_by == "caller_goodbye"


class _TalkedOver:
    """A speaker whose every line the trainee talks over after its first sentence."""

    def say(self, sentences, style, save_as):  # type: ignore[no-untyped-def]
        from trainer.voice.base import Spoken

        first = next(iter(sentences))
        return Spoken(text=first, interrupted=True)


def test_a_line_talked_over_is_recorded_and_the_caller_minds(tmp_path: Path) -> None:
    call = _call(tmp_path, ["Excuse me, I was still talking!"],
                 ScriptListener(["Okay, let me look into that."]))
    call.speaker = _TalkedOver()
    result = run_call(call)
    turns = load_session(result.session_dir).turns
    assert turns[0].interrupted and turns[2].interrupted
    assert "interrupt" in turns[1].triggers
