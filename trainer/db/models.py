"""The shared store's tables (SQLAlchemy 2). Timestamps are ISO-8601 strings: they sort, they
read the same in SQLite and PostgreSQL, and session folders already use them.

Schema changes go through an Alembic migration in ``migrations/versions`` (a test checks the
migrations and these models agree)."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "DisputeRow", "SessionRow", "Team", "TeamMember", "TeamTrainer", "User",
           "VerdictRow"]

ROLES = ("trainee", "trainer", "admin")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[str] = mapped_column(String(32))


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))


class _TeamLink:
    """A user's place in a team: (team, user), gone with either."""

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)


class TeamMember(_TeamLink, Base):
    """A trainee in a team."""

    __tablename__ = "team_members"


class TeamTrainer(_TeamLink, Base):
    """A trainer of a team."""

    __tablename__ = "team_trainers"


class SessionRow(Base):
    """One call: who made it, with which persona version, how it ended, its score."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    persona_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    persona_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    mode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    started_at: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    ended_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    ended_how: Mapped[str | None] = mapped_column(String(32), nullable=True)
    turns: Mapped[int] = mapped_column(Integer, default=0)
    folder: Mapped[str] = mapped_column(Text)  # relative to the storage root
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    graded_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    stamp: Mapped[str | None] = mapped_column(Text, nullable=True)  # folder files' mtimes


class VerdictRow(Base):
    """The grade summary: one verdict per criterion of a graded session."""

    __tablename__ = "verdicts"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    criterion: Mapped[str] = mapped_column(String(64), primary_key=True)
    verdict: Mapped[str | None] = mapped_column(String(8), nullable=True)
    split: Mapped[bool] = mapped_column(Boolean, default=False)


class DisputeRow(Base):
    """A trainee's "I disagree" with one verdict, and how a trainer settled it."""

    __tablename__ = "disputes"
    __table_args__ = (UniqueConstraint("session_id", "criterion", "at", name="uq_dispute"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    criterion: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str | None] = mapped_column(String(8), nullable=True)
    why: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    resolved_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
