"""The PostgreSQL tier itself: a real server answers on 127.0.0.1, one fresh database per test."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres


def test_server_answers_and_databases_are_fresh(pg_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    try:
        with engine.begin() as con:
            version = con.execute(text("SHOW server_version")).scalar_one()
            tables = con.execute(text("SELECT count(*) FROM information_schema.tables "
                                      "WHERE table_schema = 'public'")).scalar_one()
            con.execute(text("CREATE TABLE t (x int)"))
    finally:
        engine.dispose()
    assert str(version).split(".")[0].isdigit()
    assert tables == 0
    assert "127.0.0.1" in pg_url
