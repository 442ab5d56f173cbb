"""``trainer users add|list``: accounts for the web app (thin: parse, call the store, print)."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from trainer.config import load_settings
from trainer.db.store import StoreError, open_store

__all__ = ["register"]

users_app = typer.Typer(help="Accounts for the web app: trainees, trainers, admins.",
                        no_args_is_help=True)


def _password(from_stdin: bool, name: str) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != password:
            raise StoreError("passwords differ; nothing changed")
    else:
        raise StoreError("password: no terminal to ask on; pass --password-stdin")
    if len(password) < 8:
        raise StoreError("password: at least 8 characters")
    return password


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Sign-in name (no spaces).")],
    role: Annotated[str, typer.Option(help="trainee, trainer or admin.")] = "trainee",
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="Read the password from stdin.")] = False,
) -> None:
    """Create an account (asks for its password). The terminal's own account (your login name,
    made by your first call) is claimed: it keeps its calls and gets the password."""
    store = open_store(load_settings().settings)
    user = store.add_user(name, role, _password(password_stdin, name))
    typer.echo(f"{user.name}: {user.role}, can sign in")


@users_app.command("list")
def users_list() -> None:
    """Every account, its role, whether it can sign in, and its teams."""
    store = open_store(load_settings().settings)
    teams = store.teams()
    for u in store.users():
        where = [t for t, members, trainers in teams if u.name in members or u.name in trainers]
        sign_in = "can sign in" if u.has_password else "no password (terminal only)"
        typer.echo(f"{u.name:20} {u.role:8} {sign_in:28} {', '.join(where)}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
