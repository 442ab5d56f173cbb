"""``trainer serve``: the web app on uvicorn (thin: parse, call `trainer.web.server.serve`)."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["register"]


def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
) -> None:
    """Start the web app: trainees sign in, pick a persona and talk to the caller."""
    from trainer.config import load_settings
    from trainer.web.server import serve

    serve(load_settings().settings, host, port, echo=typer.echo)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
