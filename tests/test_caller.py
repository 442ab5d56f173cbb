from pathlib import Path

import pytest
from fakes import ScriptedChat

from trainer.caller import Caller, clean_line, split_sentences
from trainer.personas import find_persona
from trainer.transcript import Turn

PERSONAS = [Path(__file__).resolve().parent.parent / "personas"]


@pytest.mark.parametrize(("raw", "clean"), [
    ("*sighs heavily* This is ridiculous.", "This is ridiculous."),
    ("Dana: I want a refund.", "I want a refund."),
    ("(angrily) Don't you dare put me on hold!", "Don't you dare put me on hold!"),
    ("[Dana gets angrier] Are you serious?", "Are you serious?"),
    ('"Fine. When?"', "Fine. When?"),
    ("Unbelievable 😡", "Unbelievable"),
])
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw, ["Dana", "Dana Whitfield"]) == clean


def test_split_sentences_streams_whole_sentences() -> None:
    chunks = ["I can", "not believe", " this. Three", " calls! And", " nothing"]
    assert list(split_sentences(chunks)) == ["I cannot believe this.", "Three calls!",
                                             "And nothing"]


def _caller(replies: list[str | Exception]) -> tuple[Caller, ScriptedChat]:
    model = ScriptedChat(replies=replies)
    return Caller(find_persona("irate-dana", PERSONAS), model), model


HISTORY = [Turn(0, "caller", "Third call. Nobody called me back.", 0, 1),
           Turn(1, "trainee", "Calm down.", 1, 2)]


def test_line_is_cleaned_and_agent_role_cut() -> None:
    caller, _ = _caller(["*furious* Don't tell me to calm down! Agent: I'm sorry ma'am."])
    assert list(caller.stream_line(HISTORY, "angry")) == ["Don't tell me to calm down!"]


def test_leaked_direction_and_repeats_are_dropped() -> None:
    caller, _ = _caller(["Because the agent told me to calm down. "
                         "Third call. Nobody called me back. Unbelievable."])
    assert list(caller.stream_line(HISTORY, "angry")) == ["Unbelievable."]


def test_empty_reply_falls_back_to_a_persona_example() -> None:
    caller, _ = _caller(["*stares*"])
    line = list(caller.stream_line(HISTORY, "angry"))
    assert line == [caller.persona.examples[0]]


def test_prompt_is_append_only_and_direction_comes_last() -> None:
    caller, model = _caller(["One.", "Two."])
    list(caller.stream_line(HISTORY, "first direction"))
    longer = [*HISTORY, Turn(2, "caller", "One.", 2, 3), Turn(3, "trainee", "Okay.", 3, 4)]
    list(caller.stream_line(longer, "second direction"))
    first, second = (str(p[1].content) for p in model.prompts)
    head = first.split("[Stage direction")[0].rstrip()
    assert second.startswith(head)
    assert second.rstrip().endswith("Dana's next line:")
    assert str(model.prompts[0][0].content) == str(model.prompts[1][0].content)
