"""A real PostgreSQL server for the ``postgres`` test tier, from Debian's package.

``pg_server`` (session scope) runs ``initdb`` into a fresh folder and ``pg_ctl start`` on
127.0.0.1 and a free port; the server is stopped and its folder removed at the end of the
session. PostgreSQL refuses to run as root, so under root the server runs as the ``postgres``
system user (the Debian package creates it) via ``runuser``. ``pg_url`` gives each test its own
empty database. Tests skip with a reason only when the binaries (or the driver) are absent.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["PgServer", "PgUnavailable", "create_database", "pg_server", "pg_url", "running_server"]

BIN_DIRS = [Path(f"/usr/lib/postgresql/{v}/bin") for v in (17, 16, 15, 14, 13)]


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"


def _bin_dir() -> Path | None:
    override = os.environ.get("TRAINER_PG_BIN")
    candidates = [Path(override)] if override else BIN_DIRS
    return next((d for d in candidates if (d / "initdb").exists() and (d / "pg_ctl").exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why."""


def _as_user() -> tuple[list[str], str]:
    """The command prefix that runs the server's tools as a non-root user, and that user."""
    if os.geteuid() != 0:
        return [], pwd.getpwuid(os.geteuid()).pw_name
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PgUnavailable("running as root and there is no 'postgres' system user to run "
                            "PostgreSQL") from None
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", "postgres", "--"], "postgres"


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")


def _wait_ready(bin_dir: Path, port: int, prefix: list[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ok = subprocess.run([*prefix, str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p",
                             str(port), "-q"], timeout=10).returncode == 0
        if ok:
            return
        time.sleep(0.2)
    raise RuntimeError(f"PostgreSQL on 127.0.0.1:{port} did not become ready in 30 s")


@contextmanager
def running_server() -> Iterator[PgServer]:
    """initdb + pg_ctl start on 127.0.0.1 and a free port; stopped and removed on exit."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise PgUnavailable("PostgreSQL server binaries not found (apt-get install postgresql; "
                            "or set TRAINER_PG_BIN)")
    prefix, user = _as_user()
    root = Path(tempfile.mkdtemp(prefix="trainer-pg-"))
    data = root / "data"
    if prefix:
        shutil.chown(root, user="postgres")
    port = _free_port()
    try:
        _run([*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", user, "--auth=trust",
              "-E", "UTF8", "--no-sync"])
        opts = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c max_connections=60"
        _run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"),
              "-o", opts, "-w", "start"])
        _wait_ready(bin_dir, port, prefix)
        yield PgServer("127.0.0.1", port, user)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                            "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server on 127.0.0.1 for the whole test session."""
    pytest.importorskip("psycopg", reason="psycopg (the PostgreSQL driver) is not installed")
    try:
        with running_server() as server:
            yield server
    except PgUnavailable as exc:
        pytest.skip(str(exc))


def create_database(server: PgServer, name: str) -> str:
    """A new empty database on the server; its SQLAlchemy URL."""
    import psycopg

    admin = f"host={server.host} port={server.port} user={server.user} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A SQLAlchemy URL to a fresh, empty database on the test server (dropped afterwards)."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    url = create_database(pg_server, name)
    yield url
    admin = f"host={pg_server.host} port={pg_server.port} user={pg_server.user} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
