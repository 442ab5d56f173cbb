"""The call loop: persona → caller line → trainee reply → director → caller line → …

It runs until the caller hangs up or is satisfied, the trainee ends the call, the input runs
out, or the turn limit. Every turn is on disk the moment it ends; Ctrl-C or a model failure
ends the call cleanly with everything said so far saved.
"""

from __future__ import annotations

import copy
import dataclasses
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.caller import Caller, split_sentences
from trainer.director import Director, Step
from trainer.models import ModelCrashed, describe_error
from trainer.personas import Persona
from trainer.store import SessionWriter
from trainer.transcript import Mood, Turn
from trainer.voice.base import EndOfInput, Listener, Speaker, VoiceStyle

__all__ = ["Call", "CallResult", "run_call"]


@dataclass
class Call:
    """Everything one practice call needs; the loop itself is `run_call`."""

    persona: Persona
    caller: Caller
    director: Director
    speaker: Speaker
    listener: Listener
    writer: SessionWriter
    max_turns: int = 20
    model_label: str = "caller model"
    style_for: Callable[[Persona, Mood], VoiceStyle] | None = None
    clock: Callable[[], float] = time.monotonic
    warm_opening: bool = True  # start reading the caller's prompt before the opening plays
    notify: Callable[[str], None] = lambda _msg: None


@dataclass(frozen=True)
class CallResult:
    """How a call ended and where it was saved."""

    session_id: str
    session_dir: Path
    ended_by: str
    turns: int
    mood: Mood
    error: str | None = None


@dataclass
class _Loop:
    call: Call
    t0: float
    history: list[Turn] = field(default_factory=list)

    def now(self) -> float:
        return round(self.call.clock() - self.t0, 3)

    def add(self, turn: Turn) -> Turn:
        self.call.writer.append(turn)
        self.history.append(turn)
        return turn


def _style(call: Call, mood: Mood) -> VoiceStyle:
    if call.style_for is not None:
        return call.style_for(call.persona, mood)
    v = call.persona.voice
    return VoiceStyle(voice=v.voice, rate=v.rate, pitch=v.pitch, volume=v.volume, engine=v.engine)


class _Stamped:
    """Wraps a sentence stream and notes when the first sentence arrived, the first the model
    wrote (after ``fixed`` pieces said first: a reaction, an opener) and the last."""

    def __init__(self, sentences: Iterable[str], clock: Callable[[], float],
                 fixed: int = 0) -> None:
        self.sentences, self.clock, self.fixed = sentences, clock, fixed
        self.started = clock()
        self.first: float | None = None
        self.model_first: float | None = None
        self.done: float | None = None

    def __iter__(self) -> Iterator[str]:
        for n, s in enumerate(self.sentences):
            if self.first is None:
                self.first = self.clock()
            if n == self.fixed:
                self.model_first = self.clock()
            yield s
        self.done = self.clock()

    def timings(self) -> dict[str, float]:
        out = {}
        if self.first is not None:
            out["first_sentence_s"] = round(self.first - self.started, 3)
        if self.model_first is not None:
            out["model_words_s"] = round(self.model_first - self.started, 3)
        if self.done is not None:
            out["line_s"] = round(self.done - self.started, 3)
        return out


def _speak(loop: _Loop, sentences: Iterable[str], step: Step | None,
           timings: dict[str, Any]) -> Turn:
    call, index = loop.call, len(loop.history)
    mood = step.mood if step else call.director.mood
    start = loop.now()
    fixed = len(call.caller.said_first(step.opener, step.reaction)) if step else 0
    stream = _Stamped(sentences, call.clock, fixed)
    spoken = call.speaker.say(stream, _style(call, mood), call.writer.audio_path(index, "caller"))
    measures = {**timings, **stream.timings()}
    if step is not None and step.reaction and fixed:
        measures["reaction"] = step.reaction
    if spoken.first_audio_at is not None:
        measures["first_audio_s"] = round(spoken.first_audio_at - stream.started, 3)
    return loop.add(Turn(index, "caller", spoken.text, start, loop.now(), mood=mood,
                         direction=step.direction if step else None,
                         audio=_rel(call, spoken.audio), measures=measures or None,
                         interrupted=spoken.interrupted))


def _rel(call: Call, path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return str(path.relative_to(call.writer.dir))
    except ValueError:
        return str(path)


def reply_delay(persona: Persona, mood: Mood) -> float:
    """A calm caller's pause before answering: the persona's ``timing.reply_delay``, shrinking
    to nothing as anger rises to 10."""
    return persona.timing.reply_delay * max(0.0, 1.0 - mood.anger / 10.0)


def _held(sentences: Iterable[str], until: float, clock: Callable[[], float],
          sleep: Callable[[float], None] = time.sleep) -> Iterator[str]:
    """The sentence stream, its first sentence held back until ``until`` (generation goes on
    meanwhile, so the delay costs no compute time)."""
    for n, sentence in enumerate(sentences):
        if n == 0:
            sleep(max(0.0, until - clock()))
        yield sentence


_STATE_TYPES = (random.Random, str, int, float, bool, set, list, dict, tuple, type(None))


def _twin(director: Director) -> Director:
    """A copy of the director whose steps leave the real one's mood and memory untouched; its
    models and readers (shared, stateless for a step) are the real one's."""
    twin = copy.copy(director)
    for name, value in vars(director).items():
        if dataclasses.is_dataclass(value) or isinstance(value, _STATE_TYPES):
            setattr(twin, name, copy.deepcopy(value))
    return twin


def _foresee(loop: _Loop, caller_turn: Turn, index: int) -> Callable[[str], None]:
    """What a listener calls when the trainee's words so far read as finished: the caller
    reads the whole prompt for them — the direction from a copy of the director — so if the
    trainee says no more, the reply only has to be written."""
    call = loop.call

    def foresee(text: str) -> None:
        step = _twin(call.director).step(caller_turn.text, text,
                                         talked_over=caller_turn.interrupted)
        call.caller.warm([*loop.history, Turn(index, "trainee", text, 0.0, 0.0)], step.direction,
                         step.opener, step.reaction)

    return foresee


def _innermost(listener: Any) -> Any:
    """The listener behind wrappers (the web page's `Announcing`, a benchmark's script): a
    wrapper names what it wraps ``inner``. The settings a call gives its listener (patience,
    the foresight hook) belong to the one that hears."""
    seen = 0
    while getattr(listener, "inner", None) is not None and seen < 8:
        listener, seen = listener.inner, seen + 1
    return listener


def _listen(loop: _Loop, caller_turn: Turn) -> tuple[Turn, bool, Step | None]:
    call, index = loop.call, len(loop.history)
    hearer = _innermost(call.listener)
    if hasattr(hearer, "on_words") and call.director.model is None:
        hearer.on_words = _foresee(loop, caller_turn, index)  # a deterministic director
    before = loop.now()
    heard = call.listener.listen(call.writer.audio_path(index, "trainee"))
    start = round(heard.started - loop.t0, 3) if heard.started else before
    end = round(heard.ended - loop.t0, 3) if heard.ended else loop.now()
    step = None
    if not heard.ended_call:
        t = call.clock()
        step = call.director.step(caller_turn.text, heard.text,
                                  talked_over=caller_turn.interrupted)
        heard.measures["director_s"] = round(call.clock() - t, 3)
    turn = Turn(index, "trainee", heard.text, start, end,
                triggers=step.triggers if step else (), soothers=step.soothers if step else (),
                audio=_rel(call, heard.audio), measures=heard.measures or None)
    return loop.add(turn), heard.ended_call, step


def _converse(loop: _Loop) -> str:
    call = loop.call
    hearer = _innermost(call.listener)
    if hasattr(hearer, "silence_timeout"):  # the persona's patience with silence
        hearer.silence_timeout = call.persona.timing.patience
    threading.Thread(target=call.director.warm, daemon=True).start()
    opening = call.caller.opening()
    if call.warm_opening:  # the persona sheet is read into the cache while the opening plays
        call.caller.warm([Turn(0, "caller", opening, 0.0, 0.0)])
    caller_turn = _speak(loop, split_sentences([opening]), None, {})
    for _ in range(call.max_turns):
        call.caller.warm(loop.history)
        _, trainee_ended, step = _listen(loop, caller_turn)
        if trainee_ended or step is None:
            return "trainee"
        director_s = loop.history[-1].measures or {}
        line = call.caller.stream_line(loop.history, step.direction, step.opener, step.reaction)
        delay = reply_delay(call.persona, step.mood)
        if delay > 0:
            line = _held(line, loop.t0 + loop.history[-1].end + delay, call.clock)
        caller_turn = _speak(loop, line, step, {"director_s": director_s.get("director_s")})
        if step.ends_call:
            return f"caller_{step.action}"
    return "turn_limit"


def run_call(call: Call) -> CallResult:
    """Run one practice call to its end; never loses a turn already said."""
    loop = _Loop(call, call.clock())
    error = None
    try:
        ended_by = _converse(loop)
    except EndOfInput as exc:  # EndOfInput("disconnected"): why the input ended
        ended_by = str(exc.args[0]) if exc.args else "end_of_input"
    except KeyboardInterrupt:
        ended_by = "interrupted"
    except ModelCrashed as exc:  # the model's process died: the call cannot go on, nothing is lost
        ended_by = "model_crashed"
        error = str(exc)
    except Exception as exc:  # a model or device failure: keep what was said, report one line
        ended_by = "error"
        error = describe_error(exc, call.model_label) or f"{type(exc).__name__}: {exc}"
    call.writer.finish(ended_by=ended_by, final_mood=vars(call.director.mood), error=error)
    call.notify(f"call ended ({ended_by.replace('_', ' ')})")
    return CallResult(call.writer.id, call.writer.dir, ended_by, len(loop.history),
                      call.director.mood, error)
