"""The caller's short spoken reaction first ("Excuse me?"): chosen by the director from what
was heard and the mood, part of the persona (``timing.reactions``), spoken before the model
writes and continued by a local model."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from fakes import ForeseeingListener, PrefillChat, ScriptedChat

from trainer.caller import Caller
from trainer.director import Director
from trainer.personas import Persona, PersonaError, Reactions, find_persona, load_persona, persona_hash
from trainer.reactions import BUILT_IN, choose_reaction, situation
from trainer.session import Call, run_call
from trainer.store import SessionWriter, load_session
from trainer.transcript import Turn
from trainer.voice.base import Heard
from trainer.voice.text import TextSpeaker

PERSONAS = [Path(__file__).resolve().parent.parent / "personas"]
ANGRY, CALM = 0, 1


def _with(persona: Persona, reactions: Any) -> Persona:
    timing = persona.timing.model_copy(update={"reactions": Reactions.model_validate(
        {"enabled": True, **reactions} if isinstance(reactions, dict) else {"enabled": reactions})})
    return persona.model_copy(update={"timing": timing})


def dana(reactions: Any = True) -> Persona:
    return _with(find_persona("irate-dana", PERSONAS), reactions)


@pytest.mark.parametrize(("action", "triggers", "soothers", "kinds", "expected"), [
    ("react", {"calm_down"}, set(), (), "provoked"),
    ("react", {"defensive"}, {"apology"}, ("defensive",), "provoked"),  # "sorry, but" stings
    ("react", {"hold"}, set(), ("hold",), "hold"),
    ("react", set(), set(), ("jargon",), "jargon"),
    ("react", set(), set(), ("fact",), "question"),
    ("react", set(), {"options"}, ("offer",), "offer"),
    ("vent", set(), {"apology", "empathy"}, ("apology",), "apology"),
    ("react", set(), set(), (), "other"),
    ("silence", {"silence"}, set(), (), None),
    ("hang_up", {"rude"}, set(), (), None),
    ("goodbye", set(), set(), ("goodbye",), None),
])
def test_the_situation_is_what_the_agent_just_did(action: str, triggers: set[str],
                                                  soothers: set[str], kinds: tuple[str, ...],
                                                  expected: str | None) -> None:
    assert situation(action, triggers, soothers, kinds) == expected


def test_built_in_wording_follows_the_mood_and_never_repeats_itself() -> None:
    on = Reactions(enabled=True)
    rng = random.Random(0)
    angry = [choose_reaction(on, "apology", 8.0, rng) for _ in range(20)]
    assert set(angry) <= set(BUILT_IN["apology"][ANGRY])
    calm = choose_reaction(on, "apology", 2.0, rng)
    assert calm in BUILT_IN["apology"][CALM]
    last = ""
    for _ in range(30):
        words = choose_reaction(on, "provoked", 8.0, rng, last)
        assert words != last
        last = words


def test_off_or_no_situation_means_no_reaction() -> None:
    assert choose_reaction(Reactions(), "provoked", 8.0, random.Random(0)) == ""
    assert choose_reaction(Reactions(enabled=True), None, 8.0, random.Random(0)) == ""


def test_a_personas_own_list_replaces_the_built_in_one_and_empty_turns_it_off() -> None:
    own = Reactions(enabled=True, question=["Oh, um,", "Oh dear,"], provoked=[])
    picks = {choose_reaction(own, "question", 1.0, random.Random(n)) for n in range(10)}
    assert picks == {"Oh, um,", "Oh dear,"}
    assert choose_reaction(own, "provoked", 9.0, random.Random(0)) == ""
    assert choose_reaction(own, "offer", 9.0, random.Random(0)) in BUILT_IN["offer"][ANGRY]


def test_the_director_reacts_to_what_was_said() -> None:
    director = Director(dana(), seed=1)
    step = director.step("It's cracked.", "Ma'am, you need to calm down.")
    assert step.reaction in BUILT_IN["provoked"][ANGRY]
    assert Director(dana(), seed=1).step("It's cracked.", "").reaction == ""  # silence
    off = Director(dana(False), seed=1).step("It's cracked.", "Ma'am, you need to calm down.")
    assert off.reaction == ""


def test_no_reaction_before_a_fact_the_caller_gives() -> None:
    director = Director(dana(), seed=0)
    director.state.anger = 6.0  # calm enough to give it
    step = director.step("Hello?", "Could I have your order number please?")
    assert step.opener.startswith("It's HN-48213") and step.reaction == ""


def test_reactions_vary_over_a_call_and_leave_the_mood_alone() -> None:
    lines = ["I'm sorry.", "I'm really sorry about that.", "Sorry, that's awful.", "I apologise."]
    with_r, without = Director(dana(), seed=3), Director(dana(False), seed=3)
    said = []
    for line in lines:
        a, b = with_r.step("No!", line), without.step("No!", line)
        assert a.mood == b.mood  # the reaction has its own random stream
        said.append(a.reaction)
    assert all(said) and all(x != y for x, y in itertools.pairwise(said))


HISTORY = [Turn(0, "caller", "My table is cracked.", 0, 0),
           Turn(1, "trainee", "Calm down, ma'am.", 0, 0)]


def test_the_reaction_is_said_first_and_the_model_continues_after_it() -> None:
    model = PrefillChat(replies=["Don't tell me to calm down."])
    line = list(Caller(dana(), model).stream_line(HISTORY, "angry", reaction="Excuse me?"))
    assert line == ["Excuse me?", "Don't tell me to calm down."]
    assert model.kwargs[0]["assistant_prefix"] == "Dana: Excuse me?"


def test_reaction_then_opener_begin_the_reply() -> None:
    model = PrefillChat(replies=["Write it down."])
    line = list(Caller(dana(), model).stream_line(HISTORY, "x", "It's HN-48213.", "Fine."))
    assert line == ["Fine.", "It's HN-48213.", "Write it down."]
    assert model.kwargs[0]["assistant_prefix"] == "Dana: Fine. It's HN-48213."


def test_after_a_reaction_the_model_does_not_interject_again() -> None:
    model = PrefillChat(replies=["Oh. Um, well, I suppose that helps."])
    line = list(Caller(dana(), model).stream_line(HISTORY, "x", reaction="Mm."))
    assert line == ["Mm.", "Um, well, I suppose that helps."]


def test_a_reaction_alone_is_not_a_line() -> None:
    model = PrefillChat(replies=["My table is cracked."])  # a repeat: dropped
    line = list(Caller(dana(), model).stream_line(HISTORY, "angry", reaction="Mm."))
    assert line[0] == "Mm." and len(line) == 2  # the persona's fallback line follows


def test_a_remote_model_is_told_the_reaction_said_aloud_and_goes_on_from_it() -> None:
    model = ScriptedChat(replies=["Don't tell me to calm down."])
    line = list(Caller(dana(), model).stream_line(HISTORY, "angry", reaction="Excuse me?"))
    assert line == ["Excuse me?", "Don't tell me to calm down."]
    assert "assistant_prefix" not in model.kwargs[0]  # a chat API cannot be given a prefix
    assert 'Dana has just said "Excuse me?" aloud' in str(model.prompts[0][-1].content)


def test_a_remote_model_that_says_the_reaction_again_is_heard_once() -> None:
    model = ScriptedChat(replies=["Excuse me? Don't you dare."])
    line = list(Caller(dana(), model).stream_line(HISTORY, "angry", "It's HN-48213.",
                                                  "Excuse me?"))
    assert line == ["Excuse me?", "It's HN-48213.", "Don't you dare."]
    assert 'just said "Excuse me? It\'s HN-48213." aloud' in str(model.prompts[0][-1].content)


def test_a_remote_model_that_repeats_the_fact_said_for_it_is_heard_once() -> None:
    model = ScriptedChat(replies=["It's HN-48213. Write it down this time."])
    line = list(Caller(dana(), model).stream_line(HISTORY, "x", "It's HN-48213."))
    assert line == ["It's HN-48213.", "Write it down this time."]


class Wrapper:
    """A listener wrapper (the web page's `Announcing` names what it wraps ``inner``)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def listen(self, save_as: Path | None) -> Heard:
        heard: Heard = self.inner.listen(save_as)
        return heard


def test_a_call_speaks_the_reaction_first_and_reads_it_ahead(tmp_path: Path) -> None:
    persona = dana()
    model = PrefillChat(replies=["Don't you dare."])
    writer = SessionWriter(tmp_path / "sessions", persona.id, {"caller_name": persona.name})
    call = Call(persona, Caller(persona, model), Director(persona, seed=0),
                TextSpeaker(write=lambda _s: None), Wrapper(ForeseeingListener(["Calm down, Dana."])),
                writer, max_turns=1)
    result = run_call(call)
    call.caller.wait_warm()
    reply = load_session(result.session_dir).turns[2]
    reaction = (reply.measures or {})["reaction"]
    assert reply.text == f"{reaction} Don't you dare."
    assert "model_words_s" in (reply.measures or {})
    # the foresight reached the listener behind the wrapper and read the prefix too
    assert (model.prompts[0][-1].content, f"Dana: {reaction}") in model.prefills


def _persona_file(tmp_path: Path, reactions: Any) -> Path:
    data = yaml.safe_load((PERSONAS[0] / "calm-marcus.yaml").read_text())
    data.setdefault("timing", {})["reactions"] = reactions
    path = tmp_path / "calm-marcus.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_persona_field_is_validated_strictly(tmp_path: Path) -> None:
    assert load_persona(_persona_file(tmp_path, True)).timing.reactions.enabled
    own = load_persona(_persona_file(tmp_path, {"question": ["Oh, um,"], "provoked": []}))
    assert own.timing.reactions.enabled and own.timing.reactions.own("question") == ["Oh, um,"]
    assert not load_persona(_persona_file(tmp_path, {"enabled": False})).timing.reactions.enabled
    cases = [
        ({"angry": ["Hm."]}, r"calm-marcus\.yaml: timing\.reactions\.angry: unknown key"),
        ({"provoked": ["I really cannot believe you said that."]},
         r"calm-marcus\.yaml: timing\.reactions\.provoked\.0: a reaction is 1 to 4 spoken words"),
        ({"offer": ["Hm"]}, r"timing\.reactions\.offer\.0: a reaction is .*ending in"),
        ({"hold": ["(sighs)."]}, r"timing\.reactions\.hold\.0: a reaction is spoken words only"),
        ({"hold": "Wait,"}, r"timing\.reactions\.hold: "),
        (3, r"calm-marcus\.yaml: timing\.reactions: expected true, false, or a mapping"),
    ]
    for value, message in cases:
        with pytest.raises(PersonaError, match=message):
            load_persona(_persona_file(tmp_path, value))


def test_unused_reactions_leave_a_personas_version_as_it_was() -> None:
    persona = find_persona("calm-marcus", PERSONAS)
    assert persona_hash(persona) != persona_hash(_with(persona, True))
    plain = _with(persona, False)
    assert persona_hash(plain) == persona_hash(persona.model_copy(
        update={"timing": persona.timing.model_copy(update={"reactions": Reactions()})}))
