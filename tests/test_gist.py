"""The director's stage direction names what the trainee said, and the caller prompt carries it
last; the responsiveness probes load and judge as written."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fakes import PrefillChat, ScriptedChat
from langchain_core.outputs import ChatGenerationChunk

from trainer.caller import Caller
from trainer.director import Director
from trainer.gist import asked_fact
from trainer.personas import find_persona
from trainer.responsiveness import ProbeError, default_probes, judge, load_probes, run_probe
from trainer.transcript import Turn

PERSONAS = [Path(__file__).resolve().parent.parent / "personas"]


def _persona(pid: str):  # type: ignore[no-untyped-def]
    return find_persona(pid, PERSONAS)


@pytest.mark.parametrize(("pid", "line", "label", "value"), [
    ("irate-dana", "Can I get your order number, please?", "order number", "HN-48213"),
    ("irate-dana", "can i just get the order number", "order number", "HN-48213"),
    ("irate-dana", "What's the phone number on the order?", "phone", "555-0143"),
    ("irate-dana", "When did you place the order?", "ordered on", "April 2"),
    ("birthday-priya", "What's the postcode for the delivery address?", "postcode", "60614"),
    ("calm-marcus", "Can you confirm the address where the service is installed?", "address",
     "14 Carver Street, Apartment 3B"),
    ("calm-marcus", "Could you give me your account number?", "account number", "BL-3307-5521"),
    ("billing-tom", "What's your customer ID?", "customer id", "LG-80315"),
    ("billing-tom", "I'll need the account email first.", "account email", "tom@brennanplumbing.com"),
    ("supervisor-ray", "Could I have the phone number on the account?", "phone number", "555-0187"),
    ("confused-edith", "Can you tell me the date on the letter you received?", "letter dated",
     "April 3"),
    ("irate-dana", "Can I take your full name?", "name", "Dana Whitfield"),
])
def test_a_request_maps_to_the_persona_fact(pid: str, line: str, label: str, value: str) -> None:
    assert asked_fact(line, _persona(pid)) == (label, value)


@pytest.mark.parametrize("line", [
    "I'm so sorry about that.", "Let me look into this.", "What a week you've had.",
    "I need you to calm down.", "Before anything else, I'm sorry.",
])
def test_no_fact_is_asked_for(line: str) -> None:
    assert asked_fact(line, _persona("irate-dana")) is None


def _direction(pid: str, line: str, before: tuple[str, ...] = ()) -> str:
    d = Director(_persona(pid), seed=0)
    for b in before:
        d.step("...", b)
    return d.step("...", line).direction


def test_direction_gives_the_fact_asked_for_not_the_brief() -> None:
    direction = _direction("calm-marcus", "Could you give me your account number?")
    assert "asked for his account number" in direction and "BL-3307-5521" in direction
    assert _persona("calm-marcus").wants not in direction


def test_a_furious_caller_refuses_to_repeat_a_detail() -> None:
    d = Director(_persona("irate-dana"), seed=0)
    d.state.anger = 9.8
    direction = d.step("...", "Can I get your order number?").direction
    assert "order number" in direction and "refuses" in direction
    assert "HN-48213" not in direction


@pytest.mark.parametrize(("pid", "line", "named", "answer"), [
    ("billing-tom", "Can you hold for a minute while I check?", "put him on hold", "objects"),
    ("supervisor-ray", "I'm going to transfer you to billing.", "transfer him", "passed on"),
    ("birthday-priya", "I can send a replacement or refund you today. Which would you prefer?",
     "offered a refund or a replacement", "picks one"),
    ("freebie-gary", "I can put a five dollar credit on your account.",
     "offered a five dollar credit", "good enough"),
    ("freebie-gary", "Is there anything else I can help you with today?",
     "asked if there is anything else", "not sorted"),
    ("confused-edith", "Your DD was recalculated after the EAC on your MPAN was revised.",
     "'DD, EAC, MPAN'", "what that means"),
    ("billing-tom", "I'm really sorry about the double charge.", "apologised", "Tom"),
    ("calm-marcus", "Calm down, sir.", "told him to calm down", "bristles"),
    ("calm-marcus", "Well, you should have read the contract.", "blamed him", "rejects"),
    ("irate-dana", "Okay, so what's happened?", "asked what happened", "what went wrong"),
])
def test_direction_names_what_was_said(pid: str, line: str, named: str, answer: str) -> None:
    direction = _direction(pid, line, before=("Okay, let me look.",))
    assert named in direction and answer in direction


@dataclass(frozen=True)
class Heard:
    behaviour: str
    words: str


def test_a_quote_with_braces_does_not_break_the_direction() -> None:
    from trainer.director import PRONOUNS
    from trainer.gist import read_gist

    gist = read_gist("Shut up {name}.", _persona("calm-marcus"), [Heard("rude", "Shut up {name}")],
                     anger=5, settled=False, pronouns=PRONOUNS["he"])
    assert gist.text() == "The agent just was rude ('Shut up (name)'). He reacts to the rudeness. "


def test_goodbye_direction_is_a_goodbye() -> None:
    d = Director(_persona("venting-lorraine"), seed=0)
    step = d.step("...", "Alright, thanks for calling, have a good day. Goodbye.")
    assert step.action == "goodbye" and "goodbye" in step.direction


def test_direction_is_the_last_thing_in_the_caller_prompt() -> None:
    persona = _persona("irate-dana")
    d = Director(persona, seed=0)
    step = d.step(persona.opening, "Can I get your order number, please?")
    model = ScriptedChat(replies=["Fine. It's HN-48213."])
    history = [Turn(0, "caller", persona.opening, 0, 1),
               Turn(1, "trainee", "Can I get your order number, please?", 1, 2)]
    assert list(Caller(persona, model).stream_line(history, step.direction)) == \
        ["Fine.", "It's HN-48213."]
    user = str(model.prompts[0][1].content)
    assert user.rstrip().endswith(f"[Stage direction for Dana's next line: {step.direction}]\n"
                                  "Dana's next line:")


def test_probes_load_and_judge_by_their_own_patterns() -> None:
    probes = {p.id: p for p in load_probes(default_probes())}
    assert len({p.persona for p in probes.values()}) >= 6
    assert judge(probes["dana-order-number"], "Fine. It's HN-48213.") == "48213"
    assert judge(probes["dana-order-number"], "I'm at the end of my rope.") is None
    assert judge(probes["gary-anything-else"], "No, that's all.") is not None


def test_a_bad_probe_file_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("probes:\n  - {id: x, persona: irate-dana, kind: fact, say: hi, react: ['(']}\n")
    with pytest.raises(ProbeError, match=r"p.yaml: probes.0.react"):
        load_probes(bad)


def test_run_probe_with_a_fake_caller() -> None:
    probe = next(p for p in load_probes(default_probes()) if p.id == "marcus-address")
    model = ScriptedChat(replies=["Sure, it's 14 Carver Street, Apartment 3B."])
    result = run_probe(probe, _persona("calm-marcus"), model)
    assert result.reacted and "Carver" in result.direction and "Carver" in result.prompt


def test_blame_names_who_was_blamed_and_quotes_the_words() -> None:
    from trainer.director import PRONOUNS
    from trainer.gist import read_gist

    line = "Deliveries are handled by our courier partner, so the delay wasn't really on our side."
    gist = read_gist(line, _persona("irate-dana"),
                     [Heard("defensive", "the delay wasn't really on our side")],
                     anger=8, settled=False, pronouns=PRONOUNS["she"])
    assert gist.text() == ("The agent just blamed the courier ('the delay wasn't really on our "
                           "side'). She rejects that excuse: sorting it out is their job. ")


def test_a_fact_asked_for_opens_the_callers_line() -> None:
    persona = _persona("calm-marcus")
    step = Director(persona, seed=0).step(persona.opening, "Could you give me your account number?")
    assert step.opener == "It's BL-3307-5521."
    model = PrefillChat(replies=["Anything else you need?"])
    history = [Turn(0, "caller", persona.opening, 0, 1),
               Turn(1, "trainee", "Could you give me your account number?", 1, 2)]
    line = list(Caller(persona, model).stream_line(history, step.direction, step.opener))
    assert line == ["It's BL-3307-5521.", "Anything else you need?"]
    assert model.kwargs[0]["assistant_prefix"] == "Marcus: It's BL-3307-5521."


def test_any_other_question_is_quoted_and_answered() -> None:
    from trainer.director import PRONOUNS
    from trainer.gist import read_gist

    gist = read_gist("Which of those suits you?", _persona("irate-dana"), [], anger=7,
                     settled=False, pronouns=PRONOUNS["she"])
    assert gist.text() == "The agent just asked ('Which of those suits you'). She answers that. "


class SilentLocalChat(PrefillChat):
    """Stops at once: streams no chunk at all (LangChain then raises)."""

    def _stream(self, *args: object, **kwargs: object) -> Iterator[ChatGenerationChunk]:
        return iter(())


def test_a_model_that_adds_nothing_after_the_opener_still_gives_the_line() -> None:
    persona = _persona("calm-marcus")
    model = SilentLocalChat(replies=[])
    history = [Turn(0, "caller", persona.opening, 0, 1)]
    assert list(Caller(persona, model).stream_line(history, "x", "It's BL-3307-5521.")) == \
        ["It's BL-3307-5521."]


def test_thanks_for_calling_before_a_question_opens_the_call_rather_than_closing_it() -> None:
    d = Director(_persona("irate-dana"), seed=1)
    opening = d.step(d.persona.opening, "Hello, thanks for calling. Can I have your order "
                     "number please?")
    assert opening.action != "goodbye"
    assert opening.opener or opening.reaction  # something said at once, then the line goes on
    assert "goodbye" not in d.gist("", "Hello, thanks for calling. How can I help?", set(),
                                   set()).kinds
    assert d.gist("", "Thanks for calling, and have a good day.", set(), set()).kinds[0] == "goodbye"
