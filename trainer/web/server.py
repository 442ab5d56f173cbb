"""``trainer serve``: the app on uvicorn, on loopback unless asked."""

from __future__ import annotations

from collections.abc import Callable

from trainer.config import Settings
from trainer.models import is_loopback

__all__ = ["is_loopback", "serve", "url_for"]


def url_for(host: str, port: int) -> str:
    shown = host if host not in ("0.0.0.0", "::") else "<this machine's address>"
    if ":" in shown and not shown.startswith("<"):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def serve(settings: Settings, host: str, port: int, echo: Callable[[str], None] = print) -> None:
    """Start the app and block until Ctrl-C."""
    import uvicorn

    from trainer.db import open_store, sync_sessions
    from trainer.web.app import create_app

    store = open_store(settings)
    sync_sessions(store, settings.sessions_dir)  # calls made in the terminal appear on the pages
    app = create_app(settings)
    if not is_loopback(host):
        echo(f"WARNING: listening on {host}, beyond this machine, over plain HTTP: passwords, "
             "cookies and voices cross the network unencrypted. Put a TLS proxy (Caddy, nginx) "
             "in front, and browsers only give a page the microphone over https:// or localhost.")
    if not any(u.has_password for u in store.users()):
        echo("No account can sign in yet: create one with  trainer users add NAME")
    echo(f"trainer is serving at {url_for(host, port)}  (Ctrl-C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning", ws="auto")
