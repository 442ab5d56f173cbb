"""The shared store: accounts and roles, teams, the index of every call with its grade summary,
and disputes — one store for the CLI and the web app (SQLite by default, PostgreSQL for a team).
"""

from trainer.db.access import can_dispute, can_settle_dispute, can_view_session, is_admin, is_trainer
from trainer.db.store import (
    DisputeInfo,
    SessionInfo,
    Store,
    StoreError,
    UserInfo,
    Viewer,
    close_stores,
    database_url,
    local_login,
    open_store,
)
from trainer.db.sync import sync_folder, sync_sessions

__all__ = [
    "DisputeInfo",
    "SessionInfo",
    "Store",
    "StoreError",
    "UserInfo",
    "Viewer",
    "can_dispute",
    "can_settle_dispute",
    "can_view_session",
    "close_stores",
    "database_url",
    "is_admin",
    "is_trainer",
    "local_login",
    "open_store",
    "sync_folder",
    "sync_sessions",
]
