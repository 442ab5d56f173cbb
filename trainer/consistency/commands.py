"""CLI: ``trainer eval run SUITE`` and ``trainer eval perturb``.

``register(app)`` adds the ``eval`` sub-app. ``run`` exits 1 when a gate fails or the baseline
shows a regression, 2 when the suite (or baseline) is bad, 0 otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from trainer.consistency.perturb import generate_edits, write_edits
from trainer.consistency.render import consistency_table
from trainer.consistency.report import evaluate, load_baseline
from trainer.consistency.runner import RunOptions, RunRecord
from trainer.consistency.suite import EDIT_KINDS, EditKind, SuiteError, load_suite, resolve_transcripts, transcripts_dir

__all__ = ["eval_app", "register"]

eval_app = typer.Typer(help="Measure how far the grades can be trusted: consistency suites.",
                       no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add the ``eval`` commands to the app."""
    app.add_typer(eval_app, name="eval")


def _settings() -> Any:
    from trainer.config import load_settings

    return load_settings().settings


def _factory(settings: Any) -> Any:
    from trainer.grading.pipeline import Grading

    return lambda spec: Grading.from_settings(settings, repeats=1, grader=spec)


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@eval_app.command("run")
def run_cmd(
    suite: Annotated[str, typer.Argument(help="Suite name (eval/suites/NAME.yaml) or a path")],
    grader: Annotated[list[str] | None, typer.Option(
        "--grader", help="Grader model spec (repeatable), replaces the suite's graders")] = None,
    repeats: Annotated[int | None, typer.Option(min=1, help="Runs per transcript")] = None,
    concurrency: Annotated[int | None, typer.Option(min=1, help="Grades at once")] = None,
    baseline: Annotated[Path | None, typer.Option(help="A report.json to flag regressions "
                                                  "against")] = None,
    out: Annotated[Path | None, typer.Option(help="Run folder (an existing one resumes); "
                                             "default <home>/eval-runs/<suite>-<time>")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Grade again even if cached")]
    = False,
    cached_only: Annotated[bool, typer.Option(
        "--cached-only", help="Grade nothing: report on the runs already cached (e.g. while a "
        "long run is still going)")] = False,
) -> None:
    """Grade every transcript N times with every grader; report consistency; gate."""
    try:
        loaded = load_suite(suite)
        if baseline is not None:
            load_baseline(baseline)  # a bad baseline is found before the run, not after it
    except (SuiteError, ValueError) as exc:
        raise _fail(str(exc), 2) from None
    settings = _settings()
    options = RunOptions(tuple(grader or ()), repeats, concurrency, out, not no_cache,
                         cached_only)
    try:
        with _bar() as bar:
            report, paths = evaluate(loaded, _factory(settings), home=settings.home,
                                     options=options, baseline=baseline, progress=bar)
    except (SuiteError, ValueError) as exc:
        raise _fail(str(exc).splitlines()[0], 2) from None
    _print(report, paths)
    if not report["passed"]:
        raise typer.Exit(1)


class _Bar:
    """A rich progress bar fed by the runner's progress callback."""

    def __init__(self) -> None:
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=err)
        self.task = self.progress.add_task("grading", total=None)
        self.errors = 0

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, record: RunRecord, done: int, total: int) -> None:
        self.errors += record.error is not None
        how = "cached" if record.cached else f"{record.seconds:.0f}s"
        tail = f" · {self.errors} errors" if self.errors else ""
        line = f"{record.item[:34]} run {record.run} ({how}){tail}"
        self.progress.update(self.task, total=total, completed=done, description=line)
        if not err.is_terminal:  # a log file: one line per grade instead of a redrawn bar
            err.print(f"[{done}/{total}] {record.grader} {line}"
                      + (f" — {record.error}" if record.error else ""), markup=False,
                      highlight=False, soft_wrap=True)


def _bar() -> _Bar:
    return _Bar()


def _print(report: dict[str, Any], paths: dict[str, Path]) -> None:
    for g in report["results"].values():
        headers, rows = consistency_table(g)
        table = Table(*headers, title=f"grader {g['spec']}")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for gate in report["gates"]:
        if gate["passed"] is False:
            console.print(f"[red]gate failed[/red] {gate['grader']}: {gate['gate']} = "
                          f"{gate['value']} (needs {gate['op']} {gate['threshold']})")
    for r in report["regressions"]:
        console.print(f"[red]regression[/red] {r['grader']}: {r['metric']} {r['baseline']} → "
                      f"{r['value']}")
    console.print(f"report: {paths['md']}\n        {paths['html']}")
    console.print("[green]all gates passed[/green]" if report["passed"]
                  else "[red]FAILED[/red]")


@eval_app.command("perturb")
def perturb_cmd(
    suite: Annotated[str | None, typer.Argument(help="Take the suite's transcripts (default: "
                                                "every gold transcript)")] = None,
    edit: Annotated[list[str] | None, typer.Option(
        "--edit", help=f"Edit kind (repeatable): {', '.join(EDIT_KINDS)}")] = None,
    per_kind: Annotated[int | None, typer.Option(min=1, help="At most N sources per kind")]
    = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the edited transcripts "
                                             "(default <home>/eval-edits)")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every skipped "
                                          "source")] = False,
) -> None:
    """Write the edit tests, generated by code from the gold set, as labelled transcripts."""
    kinds = _kinds(edit)
    try:
        items = (load_suite(suite).items if suite
                 else resolve_transcripts(["*"], transcripts_dir(), str(transcripts_dir())))
    except SuiteError as exc:
        raise _fail(str(exc), 2) from None
    edits, skipped = generate_edits(items, kinds, per_kind=per_kind)
    folder = out or _settings().home / "eval-edits"
    write_edits(edits, folder)
    table = Table("edit", "must", "change")
    for e in edits:
        table.add_row(e.id, f"{e.target} → {e.expect}" if e.target else "change nothing", e.note)
    console.print(table)
    console.print(f"{len(edits)} edited transcripts in {folder}; {len(skipped)} skipped "
                  "(precondition not met)")
    for s in skipped if verbose else []:
        console.print(f"  skipped {s.source} ~ {s.kind}: {s.reason}", markup=False)


def _kinds(names: list[str] | None) -> list[EditKind]:
    if not names:
        return list(EDIT_KINDS)
    bad = [n for n in names if n not in EDIT_KINDS]
    if bad:
        raise _fail(f"--edit: unknown edit '{bad[0]}' (choose from {', '.join(EDIT_KINDS)})", 2)
    return [k for k in EDIT_KINDS if k in names]
