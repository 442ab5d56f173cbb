"""Indexing session folders into the store: a call the terminal made, a folder copied in, or a
store rebuilt from the folders (the folders are the record; the store can be rebuilt)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from trainer.db.store import Store, local_login

__all__ = ["folder_stamp", "sync_folder", "sync_sessions"]


def folder_stamp(folder: Path) -> str:
    """Changes whenever the files the index reads change."""
    files = [folder / "grade.json", folder / "session.json"]
    return ";".join(f"{f.name}:{f.stat().st_mtime_ns}" for f in files if f.exists())


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _legacy_disputes(store: Store, folder: Path) -> None:
    """Disputes written by older versions into the folder's ``disputes.json``."""
    items = _read_json(folder / "disputes.json")
    if not isinstance(items, list):
        return
    known = {(d.criterion, d.at) for d in store.disputes([folder.name])}
    for d in items:
        if isinstance(d, dict) and d.get("why") and (d.get("criterion"), d.get("at")) not in known:
            store.add_dispute(folder.name, str(d.get("criterion")), d.get("verdict") or None,
                              str(d["why"]), at=str(d.get("at") or "") or None)


def sync_folder(store: Store, folder: Path, default_owner: str | None = None) -> None:
    """Index one session folder: its owner (``trainee`` in session.json, else the local login),
    persona, how it ended, and its grade when it has one."""
    from trainer.grading.pipeline import load_grade
    from trainer.transcript import TranscriptError

    meta = _read_json(folder / "session.json")
    meta = meta if isinstance(meta, dict) else {}
    fresh = store.session(folder.name) is None
    owner = str(meta.get("trainee") or default_owner or local_login())
    store.register_session(folder.name, owner, folder, persona_id=meta.get("persona"),
                           persona_hash=meta.get("persona_hash"), mode=meta.get("mode"),
                           started_at=meta.get("started_at"), stamp=folder_stamp(folder))
    if meta.get("ended_by"):
        store.finish_session(folder.name, str(meta["ended_by"]), int(meta.get("turns") or 0),
                             meta.get("ended_at"))
    if (folder / "grade.json").exists():
        with contextlib.suppress(TranscriptError):  # an unreadable grade stays out of the index
            store.record_grade(folder.name, load_grade(folder), folder_stamp(folder))
    if fresh:
        _legacy_disputes(store, folder)


def sync_sessions(store: Store, sessions_dir: Path, default_owner: str | None = None) -> int:
    """Index every session folder that is new or changed since it was indexed; returns how many."""
    if not sessions_dir.is_dir():
        return 0
    stamps = store.stamps()
    changed = 0
    for folder in sorted(d for d in sessions_dir.iterdir() if d.is_dir()):
        if not (folder / "session.json").exists() and not (folder / "transcript.json").exists():
            continue
        if folder.name in stamps and stamps[folder.name] == folder_stamp(folder):
            continue
        sync_folder(store, folder, default_owner)
        changed += 1
    return changed
