"""The shared store: accounts, teams, the index of every call (CLI and web alike), grade
summaries and disputes. SQLite under the app home by default; ``TRAINER_DATABASE_URL`` (e.g.
``postgresql+psycopg://user:pw@host/db``) for a team. Schema migrations run when it opens.

Session folders stay the record of a call (transcript, audio, grade.json); the store indexes
them (``folder`` is relative to the storage root, the app home) so pages and progress figures
never walk the disk, and holds what only exists here: users, teams, dispute decisions."""

from __future__ import annotations

import functools
import getpass
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from trainer.db.models import (
    ROLES,
    DisputeRow,
    SessionRow,
    Team,
    TeamMember,
    TeamTrainer,
    User,
    VerdictRow,
)

__all__ = [
    "DisputeInfo",
    "SessionInfo",
    "Store",
    "StoreError",
    "UserInfo",
    "Viewer",
    "close_stores",
    "local_login",
    "open_store",
]


class StoreError(ValueError):
    """A bad request to the store (unknown user, duplicate name, bad role): one clear line."""


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str
    has_password: bool


@dataclass(frozen=True)
class Viewer:
    """A signed-in user with the owners whose sessions they may see: ``sees`` is None for an
    admin (everyone), else the user's own id plus, for a trainer, their teams' trainees."""

    user: UserInfo
    sees: frozenset[int] | None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def role(self) -> str:
        return self.user.role


@dataclass(frozen=True)
class SessionInfo:
    id: str
    owner_id: int
    owner: str
    persona_id: str | None
    persona_hash: str | None
    mode: str | None
    started_at: str | None
    ended_at: str | None
    ended_how: str | None
    turns: int
    folder: str
    score: float | None
    passed: bool | None
    graded_at: str | None


@dataclass(frozen=True)
class DisputeInfo:
    id: int
    session_id: str
    user_id: int | None
    criterion: str
    verdict: str | None
    why: str
    at: str
    status: str
    reply: str | None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def local_login() -> str:
    """The OS login name: the account terminal calls are filed under."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "local"
    return _valid_name(name or "local")


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise StoreError(f"user name '{name}': 1-64 characters, no spaces")
    return name


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def _user(row: User) -> UserInfo:
    return UserInfo(row.id, row.name, row.role, bool(row.password_hash))


def _session(row: SessionRow, owner: str) -> SessionInfo:
    return SessionInfo(row.id, row.owner_id, owner, row.persona_id, row.persona_hash, row.mode,
                       row.started_at, row.ended_at, row.ended_how, row.turns, row.folder,
                       row.score, row.passed, row.graded_at)


def _dispute(row: DisputeRow) -> DisputeInfo:
    return DisputeInfo(row.id, row.session_id, row.user_id, row.criterion, row.verdict, row.why,
                       row.at, row.status, row.reply)


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_con: Any, _record: Any) -> None:
            cur = dbapi_con.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (no-op when it is already there)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as con:
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "head")


class Store:
    """Every read and write of the shared store. Methods return frozen records, never ORM rows,
    so callers can't write around the store by accident."""

    def __init__(self, url: str, root: Path, *, run_migrations: bool = True) -> None:
        self.url, self.root = url, root
        self.engine = _engine(url)
        if run_migrations:
            migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    # --- users ---------------------------------------------------------------------------------

    def add_user(self, name: str, role: str = "trainee", password: str | None = None) -> UserInfo:
        """A new account; an account the terminal created without a password (the local login)
        is claimed instead: it gets the role and password."""
        name = _valid_name(name)
        if role not in ROLES:
            raise StoreError(f"role '{role}': must be one of {', '.join(ROLES)}")
        hashed = _hasher().hash(password) if password else None
        with self._tx() as s:
            row = s.scalar(select(User).where(User.name == name))
            if row is not None and row.password_hash:
                raise StoreError(f"user '{name}' already exists")
            if row is None:
                row = User(name=name, role=role, password_hash=hashed, created_at=now_iso())
                s.add(row)
            else:
                row.role, row.password_hash = role, hashed
            s.flush()
            return _user(row)

    def set_password(self, name: str, password: str) -> None:
        if not password:
            raise StoreError("password: empty")
        with self._tx() as s:
            row = self._user_row(s, name)
            row.password_hash = _hasher().hash(password)

    def set_role(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise StoreError(f"role '{role}': must be one of {', '.join(ROLES)}")
        with self._tx() as s:
            self._user_row(s, name).role = role

    def _user_row(self, s: Session, name: str) -> User:
        row = s.scalar(select(User).where(User.name == name))
        if row is None:
            raise StoreError(f"no user '{name}' (see: trainer users list)")
        return row

    def user(self, name: str) -> UserInfo | None:
        with self._tx() as s:
            row = s.scalar(select(User).where(User.name == name))
            return _user(row) if row else None

    def user_by_id(self, user_id: int) -> UserInfo | None:
        with self._tx() as s:
            row = s.get(User, user_id)
            return _user(row) if row else None

    def users(self) -> list[UserInfo]:
        with self._tx() as s:
            return [_user(r) for r in s.scalars(select(User).order_by(User.name))]

    def verify_password(self, name: str, password: str) -> UserInfo | None:
        """The user if the password matches; None otherwise (same answer for an unknown name)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        with self._tx() as s:
            row = s.scalar(select(User).where(User.name == name))
            stored = row.password_hash if row else None
            info = _user(row) if row else None
        try:
            _hasher().verify(stored or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        return info if stored else None

    def ensure_user(self, name: str, role: str = "trainee") -> UserInfo:
        """The account by this name, created (without a password) if missing."""
        name = _valid_name(name)
        with self._tx() as s:
            row = s.scalar(select(User).where(User.name == name))
            if row is None:
                row = User(name=name, role=role, password_hash=None, created_at=now_iso())
                s.add(row)
                try:
                    s.flush()
                except IntegrityError:  # another process created it meanwhile
                    s.rollback()
                    return self.ensure_user(name, role)
            return _user(row)

    def viewer(self, user_id: int) -> Viewer | None:
        """The user with the set of owners they may see (see `Viewer`)."""
        with self._tx() as s:
            row = s.get(User, user_id)
            if row is None:
                return None
            if row.role == "admin":
                return Viewer(_user(row), None)
            sees = {row.id}
            if row.role == "trainer":
                teams = select(TeamTrainer.team_id).where(TeamTrainer.user_id == row.id)
                sees |= set(s.scalars(select(TeamMember.user_id)
                                      .where(TeamMember.team_id.in_(teams))))
            return Viewer(_user(row), frozenset(sees))

    # --- teams ---------------------------------------------------------------------------------

    def add_team(self, name: str) -> int:
        name = _valid_name(name)
        with self._tx() as s:
            if s.scalar(select(Team).where(Team.name == name)) is not None:
                raise StoreError(f"team '{name}' already exists")
            team = Team(name=name, created_at=now_iso())
            s.add(team)
            s.flush()
            return team.id

    def _team_id(self, s: Session, name: str) -> int:
        team = s.scalar(select(Team).where(Team.name == name))
        if team is None:
            raise StoreError(f"no team '{name}'")
        return team.id

    def add_to_team(self, team: str, user: str, as_trainer: bool = False) -> None:
        """Put a trainee (or, ``as_trainer``, a trainer) in a team; idempotent."""
        table = TeamTrainer if as_trainer else TeamMember
        with self._tx() as s:
            team_id, user_row = self._team_id(s, team), self._user_row(s, user)
            if s.get(table, (team_id, user_row.id)) is None:
                s.add(table(team_id=team_id, user_id=user_row.id))

    def teams(self) -> list[tuple[str, list[str], list[str]]]:
        """Every team with its trainees and trainers (names)."""
        with self._tx() as s:
            out = []
            for team in s.scalars(select(Team).order_by(Team.name)):
                members = list(s.scalars(select(User.name).join(TeamMember,
                                         TeamMember.user_id == User.id)
                                         .where(TeamMember.team_id == team.id)))
                trainers = list(s.scalars(select(User.name).join(TeamTrainer,
                                          TeamTrainer.user_id == User.id)
                                          .where(TeamTrainer.team_id == team.id)))
                out.append((team.name, members, trainers))
            return out

    # --- sessions ------------------------------------------------------------------------------

    def relative(self, folder: Path) -> str:
        try:
            return str(folder.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(folder.resolve())

    def folder(self, session: SessionInfo) -> Path:
        """A session's folder on disk (under the storage root)."""
        return self.root / session.folder

    def register_session(self, session_id: str, owner: str, folder: Path, *,
                         persona_id: str | None = None, persona_hash: str | None = None,
                         mode: str | None = None, started_at: str | None = None,
                         stamp: str | None = None) -> SessionInfo:
        """Index a call as it starts (so an unfinished or crashed call is listed too)."""
        owner_row = self.ensure_user(owner)
        with self._tx() as s:
            row = s.get(SessionRow, session_id)
            if row is None:
                row = SessionRow(id=session_id, owner_id=owner_row.id, turns=0,
                                 folder=self.relative(folder))
                s.add(row)
            row.persona_id, row.persona_hash, row.mode = persona_id, persona_hash, mode
            row.started_at = started_at or row.started_at or now_iso()
            row.stamp = stamp
            s.flush()
            return _session(row, owner_row.name)

    def finish_session(self, session_id: str, ended_how: str, turns: int,
                       ended_at: str | None = None) -> None:
        with self._tx() as s:
            row = s.get(SessionRow, session_id)
            if row is None:
                raise StoreError(f"no session '{session_id}' in the store")
            row.ended_how, row.turns, row.ended_at = ended_how, turns, ended_at or now_iso()

    def record_grade(self, session_id: str, grade: Any, stamp: str | None = None) -> None:
        """Store a grade's summary (score, pass, one verdict per criterion)."""
        with self._tx() as s:
            row = s.get(SessionRow, session_id)
            if row is None:
                raise StoreError(f"no session '{session_id}' in the store")
            row.score, row.passed = grade.score.total, bool(grade.score.passed)
            row.graded_at = grade.graded_at
            if stamp is not None:
                row.stamp = stamp
            s.execute(delete(VerdictRow).where(VerdictRow.session_id == session_id))
            s.add_all(VerdictRow(session_id=session_id, criterion=g.id, verdict=g.verdict,
                                 split=bool(g.split)) for g in grade.criteria.values())

    def session(self, session_id: str) -> SessionInfo | None:
        with self._tx() as s:
            found = s.execute(select(SessionRow, User.name).join(User, User.id ==
                              SessionRow.owner_id).where(SessionRow.id == session_id)).first()
            return _session(*found) if found else None

    def sessions(self, viewer: Viewer | None = None, owner: str | None = None,
                 graded_only: bool = False, limit: int | None = None) -> list[SessionInfo]:
        """Sessions newest first: those ``viewer`` may see (None: all), of one ``owner``."""
        q = select(SessionRow, User.name).join(User, User.id == SessionRow.owner_id)
        if viewer is not None and viewer.sees is not None:
            q = q.where(SessionRow.owner_id.in_(viewer.sees))
        if owner is not None:
            q = q.where(User.name == owner)
        if graded_only:
            q = q.where(SessionRow.graded_at.is_not(None))
        q = q.order_by(SessionRow.started_at.desc(), SessionRow.id.desc())
        if limit:
            q = q.limit(limit)
        with self._tx() as s:
            return [_session(r, n) for r, n in s.execute(q)]

    def verdicts(self, session_ids: list[str]) -> dict[tuple[str, str], str | None]:
        """(session, criterion) → verdict for these sessions."""
        if not session_ids:
            return {}
        with self._tx() as s:
            rows = s.execute(select(VerdictRow.session_id, VerdictRow.criterion,
                                    VerdictRow.verdict)
                             .where(VerdictRow.session_id.in_(session_ids)))
            return {(sid, c): v for sid, c, v in rows}

    def stamps(self) -> dict[str, str | None]:
        with self._tx() as s:
            return {sid: stamp for sid, stamp in s.execute(select(SessionRow.id, SessionRow.stamp))}

    def forget_session(self, session_id: str) -> None:
        with self._tx() as s:
            for table in (DisputeRow, VerdictRow):
                s.execute(delete(table).where(table.session_id == session_id))
            s.execute(delete(SessionRow).where(SessionRow.id == session_id))

    # --- disputes ------------------------------------------------------------------------------

    def add_dispute(self, session_id: str, criterion: str, verdict: str | None, why: str,
                    user_id: int | None = None, at: str | None = None) -> DisputeInfo:
        if not why.strip():
            raise StoreError(f"{session_id}: dispute: say why you disagree")
        with self._tx() as s:
            if s.get(SessionRow, session_id) is None:
                raise StoreError(f"no session '{session_id}' in the store")
            row = DisputeRow(session_id=session_id, user_id=user_id, criterion=criterion,
                             verdict=verdict, why=why.strip(), at=at or now_iso(), status="open")
            s.add(row)
            s.flush()
            return _dispute(row)

    def disputes(self, session_ids: list[str] | None = None,
                 status: str | None = None) -> list[DisputeInfo]:
        """Disputes oldest first, of these sessions (None: all), with this status."""
        q = select(DisputeRow).order_by(DisputeRow.at, DisputeRow.id)
        if session_ids is not None:
            q = q.where(DisputeRow.session_id.in_(session_ids))
        if status is not None:
            q = q.where(DisputeRow.status == status)
        with self._tx() as s:
            return [_dispute(r) for r in s.scalars(q)]

    def settle_dispute(self, dispute_id: int, status: str, reply: str, by: int) -> None:
        """A trainer's decision: ``accepted`` or ``rejected`` with a reply the trainee sees."""
        if status not in ("accepted", "rejected"):
            raise StoreError(f"dispute status '{status}': accepted or rejected")
        with self._tx() as s:
            row = s.get(DisputeRow, dispute_id)
            if row is None:
                raise StoreError(f"no dispute {dispute_id}")
            row.status, row.reply, row.resolved_by, row.resolved_at = status, reply, by, now_iso()


@functools.cache
def _dummy_hash() -> str:
    """Verified against for an unknown name, so a wrong name takes as long as a wrong password."""
    return str(_hasher().hash("not a password"))

_stores: dict[tuple[str, str], Store] = {}
_lock = threading.Lock()


def database_url(settings: Any) -> str:
    url = getattr(settings, "database_url", None)
    return url or f"sqlite:///{settings.home / 'trainer.db'}"


def close_stores() -> None:
    """Close every store this process opened (their files can then be moved or removed)."""
    with _lock:
        for store in _stores.values():
            store.engine.dispose()
        _stores.clear()


def open_store(settings: Any) -> Store:
    """The store for these settings: one per database and storage root per process
    (migrations run on first open)."""
    url = database_url(settings)
    key = (url, str(settings.home))
    with _lock:
        if key not in _stores:
            settings.home.mkdir(parents=True, exist_ok=True)
            _stores[key] = Store(url, settings.home)
        return _stores[key]
