"""Assembling a practice call from settings: models, director, caller, voice, session folder."""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel

from trainer.caller import Caller
from trainer.config import Settings
from trainer.db import local_login, open_store
from trainer.director import Director
from trainer.models import chat_model, parse_spec
from trainer.personas import Persona, persona_hash, write_snapshot
from trainer.prompts import template_version
from trainer.session import Call, CallResult, run_call
from trainer.store import SessionWriter, load_session, update_session_meta
from trainer.transcript import Mood, Turn
from trainer.voice.base import Listener, Speaker, VoiceStyle
from trainer.voice.text import KeyboardListener, ScriptListener, TextSpeaker

__all__ = ["CallOptions", "CheckResult", "build_io", "director_model", "practise", "run_checks"]

NO_MODEL = ("none", "cues")


def director_spec(settings: Settings) -> str:
    """The director's model spec, or ``cues`` (deterministic cues only).

    Unless a director model is set explicitly, a shared model on this machine (embedded, or a
    server on 127.0.0.1) means cues only: measured, the embedded 1.5B model put spurious
    triggers on every one of twelve test lines, neutral ones included, and took seconds per
    line on 2 cores (see README)."""
    spec = settings.model_for("director")
    if spec in NO_MODEL:
        return "cues"
    if settings.director_model is None and parse_spec(spec).on_this_machine:
        return "cues"
    return spec


def director_model(settings: Settings, seed: int | None = None) -> BaseChatModel | None:
    """The director's model, or None when the director runs on cues alone."""
    if director_spec(settings) == "cues":
        return None
    return chat_model("director", settings, seed=seed)


def trusted_director(settings: Settings) -> bool:
    """Only a remote director model's triggers are trusted (the embedded 1.5B guesses)."""
    spec = director_spec(settings)
    return spec != "cues" and parse_spec(spec).provider != "local"


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("trainer", "llama-cpp-python", "langchain-core", "langchain-openai", "openai"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            continue
    return out


def _session_meta(persona: Persona, settings: Settings, seed: int | None,
                  mode: str) -> dict[str, object]:
    return {
        "caller_name": persona.name,
        "persona_hash": persona_hash(persona),
        "persona_file_difficulty": persona.difficulty,
        "mode": mode,
        "seed": seed,
        "models": {"caller": parse_spec(settings.model_for("caller")).label,
                   "director": "cues" if director_spec(settings) == "cues"
                   else parse_spec(director_spec(settings)).label},
        "prompts": {"caller": template_version("caller"),
                    "director": template_version("director")},
        "versions": _versions(),
        "settings": settings.model_dump(mode="json", exclude={"api_key"}),
    }


@dataclass(frozen=True)
class CallOptions:
    """What the trainee chose for this call."""

    max_turns: int = 20
    seed: int | None = None
    mode: str = "text"
    trainee: str | None = None  # the account the call is filed under (default: the OS login)


def practise(persona: Persona, settings: Settings, speaker: Speaker, listener: Listener,
             options: CallOptions, notify: Callable[[str], None] = lambda _m: None,
             style_for: StyleFor | None = None,
             on_start: Callable[[SessionWriter], None] | None = None) -> CallResult:
    """Build the models and run one call; the transcript is saved as it goes. ``on_start``
    gets the session as soon as its folder exists (before the caller's first line)."""
    caller = Caller(persona, chat_model("caller", settings, seed=options.seed))
    director = Director(persona, director_model(settings, options.seed), seed=options.seed,
                        model_triggers=trusted_director(settings))
    writer = _open_session(persona, settings, options)
    if on_start is not None:
        on_start(writer)
    call = Call(persona, caller, director, speaker, listener, writer,
                max_turns=options.max_turns, model_label=settings.model_for("caller"),
                style_for=style_for, notify=notify)
    result = run_call(call)
    finish_recording(result.session_dir)
    open_store(settings).finish_session(result.session_id, result.ended_by, result.turns)
    return result


def _open_session(persona: Persona, settings: Settings, options: CallOptions) -> SessionWriter:
    """The session folder, filed in the shared store under the trainee's account as it starts
    (a call made in the terminal appears on the trainee's web page)."""
    trainee = options.trainee or local_login()
    version = persona_hash(persona)
    meta = {**_session_meta(persona, settings, options.seed, options.mode), "trainee": trainee}
    writer = SessionWriter(settings.sessions_dir, persona.id, meta)
    write_snapshot(persona, writer.dir, settings.persona_dirs())
    open_store(settings).register_session(
        writer.id, trainee, writer.dir, persona_id=persona.id, persona_hash=version,
        mode=options.mode, started_at=str(writer.meta["started_at"]))
    return writer


def finish_recording(session_dir: Path) -> None:
    """For a call with audio: the whole-call WAV, and — when the trainee spoke rather than typed
    — the measures only the whole call gives (talk-time ratio; per trainee turn the response
    gap, overlap, loudness vs own median)."""
    transcript = load_session(session_dir)
    if not any(t.audio for t in transcript.turns):
        return
    from trainer.voice.recording import call_measures, write_call_wav

    call_wav = write_call_wav(transcript.turns, session_dir)
    if not any(t.audio for t in transcript.by("trainee")):  # typed replies: nothing to measure
        if call_wav is not None:
            update_session_meta(session_dir, call_audio=str(call_wav.relative_to(session_dir)))
        return
    measures = call_measures(transcript.turns, session_dir).to_dict()
    per_turn = measures.pop("turns")
    transcript.turns = [replace(t, measures={**(t.measures or {}), **per_turn[t.index]})
                        if t.index in per_turn else t for t in transcript.turns]
    transcript.meta["audio_measures"] = measures
    if call_wav is not None:
        transcript.meta["call_audio"] = str(call_wav.relative_to(session_dir))
    transcript.save(session_dir / "transcript.json")
    update_session_meta(session_dir, audio_measures=measures,
                        call_audio=transcript.meta.get("call_audio"))


@dataclass(frozen=True)
class CheckResult:
    """One behaviour check: the trainee line, how the mood moved, and the verdict."""

    say: str
    expect: str
    anger_before: float
    anger_after: float
    detected: tuple[str, ...]
    passed: bool
    caller_reply: str = ""


MARGIN = 0.25  # a move smaller than this counts as "no change"


def _passes(expect: str, delta: float) -> bool:
    return {"angrier": delta > MARGIN, "calmer": delta < -MARGIN,
            "not_calmer": delta >= -MARGIN, "not_angrier": delta <= MARGIN}[expect]


def run_checks(persona: Persona, settings: Settings, with_reply: bool = True,
               seed: int = 0) -> list[CheckResult]:
    """Run the persona's behaviour checks on the configured director (and caller) models."""
    model = director_model(settings, seed)
    caller = Caller(persona, chat_model("caller", settings, seed=seed)) if with_reply else None
    results = []
    for check in persona.checks:
        director = Director(persona, model, seed=seed, model_triggers=trusted_director(settings))
        before = director.mood.anger
        step = director.step(persona.opening, check.say)
        reply = ""
        if caller is not None:
            history = [Turn(0, "caller", persona.opening, 0, 0), Turn(1, "trainee", check.say, 0, 0)]
            reply = " ".join(caller.stream_line(history, step.direction, step.opener,
                                                     step.reaction))
        delta = step.mood.anger - before
        results.append(CheckResult(check.say, check.expect, before, step.mood.anger,
                                   step.triggers + step.soothers, _passes(check.expect, delta),
                                   reply))
    return results


StyleFor = Callable[[Persona, Mood], VoiceStyle]


def build_io(settings: Settings, persona: Persona, *, text: bool, script: Path | None,
             audio_script: Path | None, notify: Callable[[str], None]
             ) -> tuple[Speaker, Listener, str, StyleFor | None]:
    """The speaker and listener for a call: text mode, a script, WAV files or the microphone."""
    if text:
        listener: Listener = (ScriptListener.from_file(script, echo=print) if script
                              else KeyboardListener())
        return TextSpeaker(), listener, "script" if script else "text", None
    from trainer.voice import factory

    if audio_script is not None:
        listener, mode = factory.build_listener("wavs", settings, audio_script,
                                                notify=notify), "audio-script"
    elif script is not None:
        listener, mode = ScriptListener.from_file(script, echo=print), "script"
    else:
        listener = factory.build_listener("microphone", settings, notify=notify)
        mode = "text" if isinstance(listener, KeyboardListener) else "voice"
    barge_in = getattr(listener, "barge_signal", None)
    if settings.barge_in and barge_in is None:
        notify("barge-in needs the microphone with automatic endpointing; it is off for this call")
    speaker = factory.build_speaker(settings, notify=notify, engine=persona.voice.engine,
                                    barge_in=barge_in)
    return speaker, listener, mode, factory.style_for_persona
