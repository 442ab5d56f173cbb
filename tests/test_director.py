from pathlib import Path

import pytest
from fakes import ScriptedChat

from trainer.behaviour.fakes import ScriptedReader
from trainer.director import Director
from trainer.personas import find_persona

PERSONAS = [Path(__file__).resolve().parent.parent / "personas"]
DISMISSIVE = ["Calm down, ma'am.", "Please hold.", "That's not my problem."]
EMPATHETIC = [
    "I'm so sorry, Dana. I completely understand how frustrating this is.",
    "So just to confirm, the table arrived cracked and two chairs are missing?",
    "I can send a replacement or refund you in full. Which would you prefer?",
    "You'll get a confirmation email within one hour and I'll call you back by 3pm tomorrow.",
]


def _run(persona_id: str, lines: list[str], seed: int = 0) -> Director:
    d = Director(find_persona(persona_id, PERSONAS), seed=seed)
    for line in lines:
        d.step("...", line)
    return d


@pytest.mark.parametrize("seed", range(5))
def test_dismissive_ends_angrier_than_empathetic(seed: int) -> None:
    assert _run("irate-dana", DISMISSIVE, seed).mood.anger > \
        _run("irate-dana", EMPATHETIC, seed).mood.anger + 3


def test_no_melting_at_the_first_polite_word() -> None:
    d = _run("irate-dana", ["I'm sorry."])
    assert d.mood.anger >= 6


def test_not_furious_forever_when_helped() -> None:
    d = Director(find_persona("irate-dana", PERSONAS), seed=1)
    steps = [d.step("...", line) for line in EMPATHETIC]
    assert steps[-1].action == "satisfied" and steps[-1].ends_call


def test_calm_caller_escalates_only_when_triggered() -> None:
    calm = _run("calm-marcus", ["Let me look into that for you.", "What's the account number?"])
    pushed = _run("calm-marcus", ["Calm down, sir.", "That's not my problem."])
    assert calm.mood.anger <= 3.5 < pushed.mood.anger


def test_silence_asks_if_anyone_is_there() -> None:
    d = Director(find_persona("irate-dana", PERSONAS), seed=0)
    step = d.step("...", "")
    assert step.action == "silence" and "still there" in step.direction


def test_goodbye_is_accepted() -> None:
    d = Director(find_persona("calm-marcus", PERSONAS), seed=0)
    step = d.step("...", "Okay, goodbye.")
    assert step.action == "goodbye" and step.ends_call


def test_hangs_up_when_anger_maxes_out_after_a_few_turns() -> None:
    d = Director(find_persona("irate-dana", PERSONAS), seed=0)
    actions = [d.step("...", line).action for line in DISMISSIVE * 2]
    assert actions[0] != "hang_up"
    assert "hang_up" in actions


def test_abusive_caller_abuses_until_warned() -> None:
    d = Director(find_persona("abusive-vince", PERSONAS), seed=0)
    first = d.step("...", "Calm down, sir, that's our policy.")
    assert first.action == "abuse"
    assert "He insults" in first.direction  # directions use the persona's pronoun
    warned = d.step("...", "If you continue to swear at me, I will end this call.")
    assert warned.action != "abuse"


def test_supervisor_demand() -> None:
    d = Director(find_persona("supervisor-ray", PERSONAS), seed=0)
    actions = [d.step("...", "Let me check.").action for _ in range(3)]
    assert "supervisor" in actions


def test_venting_caller_keeps_venting_first() -> None:
    d = Director(find_persona("venting-lorraine", PERSONAS), seed=0)
    assert d.step("...", "I see.").action == "vent"


# The model-fallback tests script the reader, so they test the director's rules, not wording.
SCRIPTED = ScriptedReader({"Calm down, ma'am.": {"calm_down"}})


def test_model_only_asked_when_the_reader_hears_nothing_and_never_contradicts() -> None:
    model = ScriptedChat(replies=['{"triggers": ["rude", "defensive"], "soothers": ["empathy"]}'])
    d = Director(find_persona("irate-dana", PERSONAS), model=model, seed=0, model_triggers=True,
                 reader=SCRIPTED)
    step = d.step("...", "Calm down, ma'am.")  # the reader heard calm_down: the model is not asked
    assert model.prompts == [] and step.soothers == ()
    step = d.step("...", "Well, these things take the time they take.")
    assert step.triggers == ("defensive",)  # "rude" is the reader's business, not the model's
    assert step.soothers == ()  # a line with a trigger gets no soother from the model


def test_model_failure_falls_back_to_the_reader() -> None:
    model = ScriptedChat(replies=[RuntimeError("boom")])
    d = Director(find_persona("irate-dana", PERSONAS), model=model, seed=0, reader=SCRIPTED)
    step = d.step("...", "Hmm, okay then.")
    assert step.triggers == () and step.soothers == ()


def test_untrusted_model_adds_soothers_but_no_triggers() -> None:
    model = ScriptedChat(replies=['{"triggers": ["defensive"], "soothers": []}',
                                  '{"triggers": [], "soothers": ["paraphrase"]}'])
    d = Director(find_persona("irate-dana", PERSONAS), model=model, seed=0, reader=SCRIPTED)
    assert d.step("...", "Give me a second while I look at the order.").triggers == ()
    assert d.step("...", "Right, the table and the chairs, got it.").soothers == ("paraphrase",)


def test_the_director_passes_the_name_and_keeps_the_reading() -> None:
    reader = ScriptedReader({"Thanks, Dana.": {"used_name"}})
    d = Director(find_persona("irate-dana", PERSONAS), seed=0, reader=reader)
    step = d.step("Where is my table?", "Thanks, Dana.")
    assert step.soothers == ("used_name",) and reader.lines == ["Thanks, Dana."]
    assert d.last_reading is not None and d.last_reading.soothers() == {"used_name"}
    d.step("...", "")
    assert d.last_reading is None  # silence: nothing was read


def test_talking_over_the_caller_is_an_interrupt_trigger() -> None:
    persona = find_persona("irate-dana", PERSONAS)
    polite, cut_off = Director(persona, seed=3), Director(persona, seed=3)
    line = "Okay, let me look into that."
    assert "interrupt" not in polite.step("...", line).triggers
    step = cut_off.step("...", line, talked_over=True)
    assert "interrupt" in step.triggers and step.mood.anger > polite.mood.anger
