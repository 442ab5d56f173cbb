"""INSERT … ON CONFLICT DO UPDATE for the two dialects the store runs on (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

__all__ = ["add_counts", "upsert"]


def upsert(con: Connection, table: Table, values: dict[str, Any], keys: Sequence[str],
           update_cols: Sequence[str]) -> None:
    """Insert a row, or update ``update_cols`` of the row with the same ``keys``."""
    dialect = postgresql if con.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                      set_={c: stmt.excluded[c] for c in update_cols})
    con.execute(stmt)


def add_counts(con: Connection, table: Table, keys: dict[str, Any], counts: dict[str, int]) -> None:
    """Add ``counts`` to a counter row (created at zero), atomically in both dialects."""
    if not any(counts.values()):
        return
    dialect = postgresql if con.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**keys, **counts)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                      set_={c: table.c[c] + stmt.excluded[c] for c in counts})
    con.execute(stmt)
