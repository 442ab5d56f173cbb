"""``trainer teams …`` and ``trainer progress``: teams for the web app and a team's progress as
CSV, from the terminal (thin: parse, call the store or the library, print)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from trainer.config import load_settings

__all__ = ["register"]

teams_app = typer.Typer(help="Teams: trainees with their trainers (the web app's scopes).",
                        no_args_is_help=True)


def _store() -> Any:
    from trainer.db import open_store

    return open_store(load_settings().settings)


@teams_app.command("add")
def teams_add(name: Annotated[str, typer.Argument(help="Team name (no spaces).")]) -> None:
    """Create a team."""
    _store().add_team(name)
    typer.echo(f"team {name}: created")


@teams_app.command("member")
def teams_member(
    team: Annotated[str, typer.Argument(help="Team name.")],
    user: Annotated[str, typer.Argument(help="User name (see: trainer users list).")],
    trainer: Annotated[bool, typer.Option("--trainer", help="Add as one of its trainers.")] = False,
) -> None:
    """Put a trainee (or, with --trainer, a trainer) in a team."""
    _store().add_to_team(team, user, as_trainer=trainer)
    typer.echo(f"team {team}: {user} added as {'trainer' if trainer else 'trainee'}")


@teams_app.command("list")
def teams_list() -> None:
    """Every team with its trainees and trainers."""
    for name, members, trainers in _store().teams():
        typer.echo(f"{name:16} trainees: {', '.join(members) or '-':40} "
                   f"trainers: {', '.join(trainers) or '-'}")


def progress_cmd(
    team: Annotated[str | None, typer.Option(help="A team's trainees.")] = None,
    trainee: Annotated[str | None, typer.Option(help="One trainee.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the CSV here (default: stdout).")] = None,
) -> None:
    """Progress as CSV: one row per graded session, every tip's verdict (overrides marked *)."""
    from trainer.review.index import sync_store
    from trainer.review.progress import progress_csv

    store = _store()
    if (team is None) == (trainee is None):
        raise ValueError("progress: give --team or --trainee")
    names = [trainee] if trainee else next((m for n, m, _t in store.teams() if n == team), None)
    if names is None:
        raise ValueError(f"progress: no team '{team}' (see: trainer teams list)")
    sync_store(store)
    text = progress_csv(store.engine, names)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)
        typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(teams_app, name="teams")
    app.command("progress")(progress_cmd)
