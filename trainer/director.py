"""The director: keeps the caller's mood and decides what the caller does next.

After each trainee turn it reads the triggers and soothers in what the trainee said (the behaviour
reader, `trainer.behaviour`; optionally the director model for lines the reader hears nothing
in), moves the anger and trust meters by the persona's temperament, and writes an explicit stage
direction for the caller model. Small models follow explicit direction far better
than implied persona rules.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from trainer.behaviour import BehaviourReader, Reading, default_reader, is_boundary_warning, is_goodbye
from trainer.gist import Gist, HeardWords, read_gist
from trainer.personas import SOOTHERS, TRIGGERS, Persona
from trainer.prompts import render
from trainer.reactions import choose_reaction, situation
from trainer.transcript import Mood

__all__ = ["Director", "Step"]

TRIGGER_STEP = 1.0  # anger added by a trigger of weight 1
SOOTHER_STEP = 0.9  # anger removed by a soother of weight 1, at full receptivity
MODEL_TRIGGERS = {"defensive", "dismissive", "empty_promise", "jargon"}
MODEL_SOOTHERS = {"empathy", "apology", "paraphrase", "options", "next_steps"}
MIN_TURNS_BEFORE_HANG_UP = 3  # a real caller gives the agent a couple of chances
MAX_RISE, MAX_FALL = 3.0, 2.2  # per turn, before the persona's drift multiplier


@dataclass(frozen=True)
class Step:
    """The director's decision after one trainee turn."""

    mood: Mood
    triggers: tuple[str, ...]
    soothers: tuple[str, ...]
    action: str  # react|vent|silence|supervisor|abuse|satisfied|last_warning|hang_up|goodbye
    direction: str
    ends_call: bool = False
    opener: str = ""  # words the caller's next line begins with (a fact asked for), if any
    reaction: str = ""  # a short spoken reaction said first, at once ("Excuse me?"), if any


@dataclass
class _State:
    anger: float
    trust: float
    heard: set[str] = field(default_factory=set)  # soothers heard at any point in the call
    last_soothers: set[str] = field(default_factory=set)
    caller_turns: int = 1
    supervisor_asked: bool = False
    warned: bool = False
    at_limit: int = 0  # consecutive turns at the hang-up threshold
    last_reaction: str = ""


class Director:
    """Mood meters and stage directions for one call."""

    def __init__(self, persona: Persona, model: BaseChatModel | None = None,
                 seed: int | None = None, model_triggers: bool = False,
                 reader: BehaviourReader | None = None) -> None:
        self.persona = persona
        self.reader = reader or default_reader()
        self.last_reading: Reading | None = None  # what the reader heard in the last trainee turn
        self.model = model
        self.model_triggers = model_triggers
        self.rng = random.Random(seed)
        self.reaction_rng = random.Random(seed)  # its own: reactions leave the mood's swings be
        t = persona.temperament
        self.state = _State(anger=t.anger, trust=t.trust)
        self.last_model_reply: str | None = None

    @property
    def mood(self) -> Mood:
        return Mood(round(self.state.anger, 2), round(self.state.trust, 2))

    def step(self, caller_line: str, trainee_line: str, *, talked_over: bool = False) -> Step:
        """Detect behaviours in the trainee's reply, move the mood, direct the next line.
        ``talked_over``: the trainee barged in and cut the caller's line short."""
        triggers, soothers = self.detect(caller_line, trainee_line)
        if talked_over:
            triggers.add("interrupt")
        self._move(triggers, soothers)
        action = self._decide(trainee_line, triggers)
        gist = self.gist(caller_line, trainee_line, triggers, soothers)
        self.state.caller_turns += 1
        opener = "" if action == "hang_up" else gist.opener
        return Step(self.mood, tuple(sorted(triggers)), tuple(sorted(soothers)), action,
                    self._direction(action, gist),
                    ends_call=action in ("satisfied", "hang_up", "goodbye"), opener=opener,
                    reaction="" if opener else self._reaction(action, triggers, soothers, gist))

    def _reaction(self, action: str, triggers: set[str], soothers: set[str], gist: Gist) -> str:
        """The persona's spoken reaction to what was just said (see `trainer.reactions`)."""
        where = situation(action, triggers, soothers, gist.kinds)
        words = choose_reaction(self.persona.timing.reactions, where, self.state.anger,
                                self.reaction_rng, self.state.last_reaction)
        if words:
            self.state.last_reaction = words
        return words

    def warm(self) -> None:
        """Read the director's fixed instructions into the model's cache before the call."""
        if self.model is not None and hasattr(self.model, "prefill"):
            self.model.prefill(self._messages("", ""))

    # --- detection ------------------------------------------------------------------------------

    def detect(self, caller_line: str, trainee_line: str) -> tuple[set[str], set[str]]:
        if not trainee_line.strip():
            self.last_reading = None
            return {"silence"}, set()
        reading = self.reader.read(trainee_line, caller_name=self.persona.name,
                                   caller_line=caller_line)
        self.last_reading = reading
        triggers, soothers = reading.triggers(), reading.soothers()
        if self.model is not None and not (triggers or soothers):
            # The reader is measured; a small model is not (it labels "Please hold" as five
            # things, and "give me a second while I look" as defensive). So it is asked only
            # about lines the reader hears nothing in; the triggers it reports count only when it was
            # built as trusted (a remote model) — a wrong guess must not enrage the caller,
            # while a wrongly found soother only softens them a little.
            more_t, more_s = self._ask_model(caller_line, trainee_line)
            if self.model_triggers:
                triggers |= set(sorted(more_t & MODEL_TRIGGERS)[:2])
            if not triggers:  # "sorry, but that's policy" is not soothing
                soothers |= set(sorted(more_s & MODEL_SOOTHERS)[:2])
        return triggers, soothers

    def _messages(self, caller_line: str, trainee_line: str) -> list[BaseMessage]:
        prompt = render("director", caller=self.persona.first_name, caller_line=caller_line,
                        trainee_line=trainee_line)
        return [SystemMessage(prompt.system), HumanMessage(prompt.user)]

    def _ask_model(self, caller_line: str, trainee_line: str) -> tuple[set[str], set[str]]:
        if self.model is None:
            return set(), set()
        messages = self._messages(caller_line, trainee_line)
        try:
            reply = self.model.invoke(messages, **_json_options(self.model))
        except Exception:
            return set(), set()
        self.last_model_reply = str(reply.content)
        return _parse_labels(self.last_model_reply)

    def _heard(self, triggers: set[str], soothers: set[str]) -> list[HeardWords]:
        """What was heard, triggers first, each with the words that carry it (if known)."""
        reading = self.last_reading
        out: list[HeardWords] = []
        for b in [*sorted(triggers), *sorted(soothers)]:
            heard = reading.best(b) if reading is not None else None
            out.append(heard or _Words(b, ""))
        return out

    def gist(self, caller_line: str, trainee_line: str, triggers: set[str],
             soothers: set[str]) -> Gist:
        """What the agent just did, for the direction (read after the mood has moved)."""
        p, s = self.persona, self.state
        settled = s.anger <= p.ending.satisfied_at_anger + 1 and not self._missing()
        pronouns = PRONOUNS[p.pronoun]
        missing = " and ".join(ASK[m] for m in self._missing() if m in ASK).format(**pronouns)
        return read_gist(trainee_line, p, self._heard(triggers, soothers),
                         anger=s.anger, settled=settled, pronouns=pronouns, missing=missing,
                         history=caller_line)

    def _missing(self) -> list[str]:
        return [n for n in self.persona.ending.needs if n not in self.state.heard]

    # --- mood -----------------------------------------------------------------------------------

    def _move(self, triggers: set[str], soothers: set[str]) -> None:
        p, s = self.persona, self.state
        rise = sum(p.trigger_weight(t) for t in triggers) * TRIGGER_STEP
        receptivity = 0.35 + 0.65 * s.trust / 10
        if s.caller_turns <= p.temperament.vent_turns:
            receptivity *= 0.5  # still venting: half-listening
        fall = sum(p.soother_weight(x) * (0.5 if x in s.last_soothers else 1.0)
                   for x in soothers) * SOOTHER_STEP * receptivity
        if triggers and soothers:
            fall *= 0.5  # "I'm sorry, but calm down" still stings
        if not triggers and not soothers:
            rise += 0.4 if s.anger >= 3 else 0.0  # nothing useful said: impatience grows
        drift = p.temperament.drift
        delta = min(rise, MAX_RISE) * drift - min(fall, MAX_FALL) * drift
        delta += self.rng.uniform(-1, 1) * p.temperament.volatility
        s.anger = _clamp(s.anger + delta)
        s.trust = _clamp(s.trust + 0.8 * len(soothers) - 1.0 * len(triggers))
        s.heard |= soothers
        s.last_soothers = soothers

    # --- decision -------------------------------------------------------------------------------

    def _decide(self, trainee_line: str, triggers: set[str]) -> str:
        p, s = self.persona, self.state
        b = p.boundaries
        if b.abusive and is_boundary_warning(trainee_line):
            s.warned = True
        if b.abusive and s.anger >= b.abuse_at_anger and not s.warned:
            return "abuse"
        if s.anger >= b.hangs_up_at_anger:
            s.at_limit += 1
            if s.at_limit >= 2 and s.caller_turns >= MIN_TURNS_BEFORE_HANG_UP:
                return "hang_up"
            if not is_goodbye(trainee_line):
                return "last_warning"
        else:
            s.at_limit = 0
        if is_goodbye(trainee_line):
            return "goodbye"
        if "silence" in triggers:
            return "silence"
        if s.anger <= p.ending.satisfied_at_anger and set(p.ending.needs) <= s.heard:
            return "satisfied"
        if b.demands_supervisor and not s.supervisor_asked and (
                s.anger >= b.supervisor_at_anger or
                (b.supervisor_after_turns and s.caller_turns >= b.supervisor_after_turns)):
            s.supervisor_asked = True
            return "supervisor"
        if s.caller_turns <= p.temperament.vent_turns:
            return "vent"
        return "react"

    def _direction(self, action: str, gist: Gist) -> str:
        name, feel = self.persona.first_name, _feeling(self.state.anger)
        pronouns = PRONOUNS[self.persona.pronoun]
        why = gist.text(answer=action != "hang_up")
        texts = {
            "hang_up": "{name} has had enough. {why}{She} says so angrily and hangs up.",
            "last_warning": "{name} is at the end of {his} rope. {why}{She} warns that one more "
                            "thing like that and {she} is hanging up.",
            "goodbye": "The agent is ending the call. {name} is {feel}; {she} says a short "
                       "goodbye in that mood.",
            "silence": "The agent said nothing. {name}, {feel}, asks if anyone is still there.",
            "abuse": "{name} loses {his} temper. {why}{She} insults the agent personally "
                     "(no slurs), still demanding what {she} wants.",
            "satisfied": "{name} is satisfied now. {why}{She} briefly confirms what was agreed, "
                         "thanks the agent and says goodbye.",
            "supervisor": "{name} is {feel}. {why}{She} demands to speak to a supervisor or "
                          "manager right now.",
            "vent": "{name} is {feel} and not done venting. {why}{She} keeps going about what went "
                    "wrong and how it affected {him}, with a new detail.",
        }
        text = texts.get(action) or self._react(gist)
        return text.format(name=name, feel=feel, why=why, **pronouns)

    def _react(self, gist: Gist) -> str:
        """Answer what was said; press on what is still missing unless a question, an offer
        or a request needs the answer first."""
        answered = {"fact", "question", "offer", "options", "anything_else", "goodbye", "hold",
                    "transfer", "jargon"}
        if gist.said and gist.said[0].kind in answered and gist.said[0].answer:
            return "{name} is {feel}. {why}"
        missing = self._missing()
        if self.state.last_soothers and not missing:
            return "{name} is {feel}. {why}{She} is coming round but wants the details confirmed."
        asks = " and ".join(ASK[m] for m in missing if m in ASK) or "what {she} wants"
        then = "Then {she}" if gist.said and gist.said[0].answer else "{She}"
        return "{name} is {feel}. {why}" + then + " presses the agent on " + asks + "."


ASK = {"options": "what exactly they will do", "next_steps": "when it will happen"}


@dataclass(frozen=True)
class _Words:
    behaviour: str
    words: str


PRONOUNS = {
    "she": {"She": "She", "she": "she", "him": "her", "his": "her"},
    "he": {"She": "He", "she": "he", "him": "him", "his": "his"},
    "they": {"She": "They", "she": "they", "him": "them", "his": "their"},
}


def _json_options(model: BaseChatModel) -> dict[str, Any]:
    schema = {"type": "object", "properties": {
        "triggers": {"type": "array", "items": {"enum": list(TRIGGERS)}},
        "soothers": {"type": "array", "items": {"enum": list(SOOTHERS)}}},
        "required": ["triggers", "soothers"]}
    if model._llm_type == "llama-cpp":
        return {"response_format": {"type": "json_object", "schema": schema}}
    return {"response_format": {"type": "json_object"}}


def _parse_labels(raw: str) -> tuple[set[str], set[str]]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return set(), set()
    if not isinstance(data, dict):
        return set(), set()
    t = {x for x in data.get("triggers", []) if x in TRIGGERS and x != "silence"}
    s = {x for x in data.get("soothers", []) if x in SOOTHERS and x != "used_name"}
    return t, s


def _clamp(x: float) -> float:
    return max(0.0, min(10.0, x))


def _feeling(anger: float) -> str:
    scale = [(9, "furious"), (7, "very angry"), (5, "angry"), (3.5, "annoyed"), (2, "wary"),
             (0, "calm")]
    return next(word for level, word in scale if anger >= level)
