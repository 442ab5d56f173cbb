"""CLI commands for grading: ``grade``, ``debrief``, ``history``, ``dispute``.

``register(app)`` adds them to the app's Typer instance. Each command parses its options, calls
one library function and prints the result; errors are one line ``file: reason``, exit code 1.
"""

from __future__ import annotations

import json
import webbrowser
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from trainer.config import ConfigError, Settings, load_settings
from trainer.db import StoreError
from trainer.grading.debrief import build_debrief, summary, to_markdown, write_debrief
from trainer.grading.grader import GradingError
from trainer.grading.history import add_dispute, history
from trainer.grading.pipeline import (
    Grading,
    find_persona_info,
    finish_call,
    grade_session,
    grade_transcript,
    load_grade,
    load_session,
    session_dir,
)
from trainer.grading.records import Grade
from trainer.grading.rubric import RubricError
from trainer.transcript import TranscriptError, load_transcript

__all__ = ["after_call", "grade_json", "register"]

F = TypeVar("F", bound=Callable[..., Any])
_ERRORS = (TranscriptError, RubricError, ConfigError, GradingError, OSError, StoreError)


def _one_line_errors(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from trainer.models import ModelError

        try:
            return fn(*args, **kwargs)
        except (*_ERRORS, ModelError) as exc:
            typer.echo(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]  # same signature, wrapped


def grade_json(grade: Grade) -> dict[str, Any]:
    """The ``--json`` view: per-criterion verdicts, evidence and votes keyed by criterion id."""
    return {
        "transcript": grade.transcript_id, "persona": grade.persona,
        "score": grade.score.total, "passed": grade.score.passed,
        "pass_mark": grade.score.pass_mark, "rubric_version": grade.rubric_version,
        "prompt_version": grade.prompt_version, "model": grade.model, "repeats": grade.repeats,
        "criteria": {cid: {"verdict": g.verdict, "decided_by": g.decided_by, "reason": g.reason,
                           "evidence": [q.model_dump() for q in g.evidence], "votes": g.votes,
                           "split": g.split}
                     for cid, g in grade.criteria.items()},
    }


def _settings(grader: str | None = None) -> Settings:
    return load_settings(grader_model=grader).settings


def _progress(quiet: bool) -> Callable[[str], None] | None:
    return None if quiet else (lambda cid: typer.echo(f"  grading {cid}…", err=True))


def grade_cmd(
    target: Annotated[str, typer.Argument(help="A session id, or a transcript .json/.jsonl file")],
    repeats: Annotated[int | None, typer.Option(help="Grader runs per criterion (majority vote)")]
    = None,
    grader: Annotated[str | None, typer.Option(help="Grader model spec, e.g. local or "
                                               "openai:MODEL@URL")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print verdicts as JSON")] = False,
) -> None:
    """Grade a call against the de-escalation rubric, with evidence for every verdict."""
    _grade(target, repeats, grader, as_json)


@_one_line_errors
def _grade(target: str, repeats: int | None, grader: str | None, as_json: bool) -> None:
    settings = _settings(grader)
    grading = Grading.from_settings(settings, repeats=repeats, grader=grader)
    path = Path(target)
    if path.suffix in (".json", ".jsonl") or path.is_file():
        t = load_transcript(path)
        name, focus = find_persona_info(t.persona, settings)
        grade = grade_transcript(t, grading, persona_name=name, focus=focus,
                                 pass_mark=settings.pass_mark, progress=_progress(as_json))
    else:
        grade = grade_session(session_dir(target, settings), settings, grading=grading,
                              progress=_progress(as_json))
    if as_json:
        typer.echo(json.dumps(grade_json(grade), indent=2, ensure_ascii=False))
        return
    typer.echo(summary(grade))
    for g in grade.criteria.values():
        ev = f' — turn {g.evidence[0].turn}: "{g.evidence[0].quote}"' if g.evidence else ""
        typer.echo(f"  {g.id:20} {g.verdict or 'unscored':8} {g.reason}{ev}")


def debrief_cmd(
    session_id: Annotated[str, typer.Argument(help="The session to debrief")],
    open_: Annotated[bool, typer.Option("--open", help="Open the HTML debrief")] = False,
) -> None:
    """Write (and print) the debrief of a graded session."""
    _debrief(session_id, open_)


@_one_line_errors
def _debrief(session_id: str, open_: bool) -> None:
    settings = _settings()
    folder = session_dir(session_id, settings)
    grade, t = load_grade(folder), load_session(folder)
    md, page = write_debrief(folder, grade, t, settings)
    typer.echo(to_markdown(build_debrief(grade, t), grade))
    typer.echo(f"written: {md} and {page}", err=True)
    if open_:
        webbrowser.open(page.resolve().as_uri())


def history_cmd(
    trainee: Annotated[str | None, typer.Option(help="Only this trainee's sessions")] = None,
) -> None:
    """Progress per criterion across graded sessions, and disputes to review."""
    _history(trainee)


@_one_line_errors
def _history(trainee: str | None) -> None:
    h = history(_settings(), trainee)
    if not h.sessions:
        typer.echo("No graded sessions yet.")
        return
    typer.echo(f"{len(h.sessions)} graded session(s), oldest first:")
    for sid, persona, score, passed in h.sessions:
        shown = "unscored" if score is None else f"{score:.0f}"
        typer.echo(f"  {sid:28} {persona or '-':24} {shown:>8} {'PASS' if passed else ''}")
    typer.echo("\nPer criterion (✓ pass ✗ fail – n.a. ? unscored):")
    for c in h.criteria:
        typer.echo(f"  {c.criterion:20} {c.marks:20} {c.passed}/{c.applicable}")
    if h.disputes:
        typer.echo("\nDisputes for the trainer to review:")
        for d in h.disputes:
            settled = "" if d.status == "open" else f" [{d.status}: {d.reply or ''}]"
            typer.echo(f"  {d.session} {d.criterion} (was {d.verdict or 'unscored'}): {d.why}"
                       f"{settled}")


def dispute_cmd(
    session_id: Annotated[str, typer.Argument(help="The graded session")],
    criterion: Annotated[str, typer.Argument(help="The criterion id, e.g. empathy")],
    why: Annotated[str, typer.Argument(help="Why you disagree with the verdict")],
) -> None:
    """Record that you disagree with a verdict; it shows in `history` for the trainer."""
    _dispute(session_id, criterion, why)


@_one_line_errors
def _dispute(session_id: str, criterion: str, why: str) -> None:
    settings = _settings()
    d = add_dispute(session_dir(session_id, settings), criterion, why, settings)
    typer.echo(f"Dispute recorded: {d.session} {d.criterion} (verdict {d.verdict or 'unscored'})")


def after_call(session_id: str, settings: Settings, console: Any = None) -> Grade | None:
    """Run by the call loop when a call ends: grade, debrief, print the summary (to a rich
    console if given). Never raises for a grading failure: the call stays saved and the
    printed line says how to grade it later."""
    def echo(line: str) -> None:
        if console is None:
            typer.echo(line)
        else:
            console.print(line, markup=False, highlight=False)

    try:
        folder = session_dir(session_id, settings)
    except TranscriptError as exc:
        echo(str(exc))
        return None
    return finish_call(folder, settings, echo=echo)


def register(app: typer.Typer) -> None:
    """Add ``grade``, ``debrief``, ``history`` and ``dispute`` to the app."""
    app.command("grade")(grade_cmd)
    app.command("debrief")(debrief_cmd)
    app.command("history")(history_cmd)
    app.command("dispute")(dispute_cmd)
