"""The review tables: the graded-session index progress reads, the trainer's overrides (beside
the AI verdict, never over it), comments, dispute decisions and assignments.

SQLAlchemy Core on their own ``metadata``; the Alembic revision in ``trainer/db`` creates them
(tests and embedded stores may also call ``metadata.create_all``). Users and teams are referred
to by name, sessions by their folder id, so these tables stand beside the app's own.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = ["assignments", "comments", "dispute_decisions", "graded", "metadata", "overrides",
           "rollup", "verdicts"]

metadata = MetaData()

# One row per session folder the index has seen; ``version`` counts review writes (overrides,
# comments, decisions) and, with ``grade_etag``, is the optimistic-concurrency token.
graded = Table(
    "review_sessions", metadata,
    Column("session_id", String(200), primary_key=True),
    Column("trainee", String(100), nullable=False, index=True),
    Column("persona", String(100), nullable=False, index=True),
    Column("persona_hash", String(64)),
    Column("started_at", String(32), nullable=False),  # ISO 8601
    Column("week", String(10), nullable=False),  # ISO week, e.g. 2026-W49
    Column("graded_at", String(32)),
    Column("score", Float),  # the AI's score
    Column("effective_score", Float),  # with the trainer's overrides
    Column("pass_mark", Float),
    Column("grade_etag", String(64), nullable=False),  # hash of grade.json ("ungraded" if none)
    Column("stamp", String(200), nullable=False),  # file mtimes: re-index when they change
    Column("version", Integer, nullable=False, default=0),
    Index("ix_review_sessions_trainee_persona", "trainee", "persona", "started_at"),
)

# The AI verdict and, beside it, the current override (the full history is in ``overrides``).
verdicts = Table(
    "review_verdicts", metadata,
    Column("session_id", String(200), ForeignKey("review_sessions.session_id", ondelete="CASCADE"),
           primary_key=True),
    Column("criterion", String(50), primary_key=True),
    Column("weight", Float, nullable=False),
    Column("ai_verdict", String(8)),  # pass | fail | na | NULL (unscored)
    Column("override_verdict", String(8)),
    Index("ix_review_verdicts_criterion", "criterion"),
)

# Passes and applicable verdicts per trainee, ISO week and criterion (overrides in force): what
# the progress page reads, kept in step by every index and override write in the same
# transaction, so a page over 10k sessions reads a few thousand rows instead of 130k.
rollup = Table(
    "review_rollup", metadata,
    Column("trainee", String(100), primary_key=True),
    Column("week", String(10), primary_key=True),
    Column("criterion", String(50), primary_key=True),
    Column("passed", Integer, nullable=False),
    Column("applicable", Integer, nullable=False),
)

overrides = Table(
    "review_overrides", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(200), nullable=False, index=True),
    Column("criterion", String(50), nullable=False),
    Column("ai_verdict", String(8)),
    Column("verdict", String(8), nullable=False),
    Column("note", Text, nullable=False),
    Column("author", String(100), nullable=False),
    Column("at", String(32), nullable=False),
    Column("dispute_id", String(100)),  # set when the override settles a dispute
)

comments = Table(
    "review_comments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(200), nullable=False, index=True),
    Column("seconds", Float, nullable=False),  # the moment in the recording
    Column("text", Text, nullable=False),
    Column("author", String(100), nullable=False),
    Column("at", String(32), nullable=False),
)

# A dispute is settled once: the unique key makes a second decision (another tab, another app
# process) fail instead of writing twice.
dispute_decisions = Table(
    "review_dispute_decisions", metadata,
    Column("dispute_id", String(100), primary_key=True),
    Column("session_id", String(200), nullable=False, index=True),
    Column("criterion", String(50), nullable=False),
    Column("decision", String(8), nullable=False),  # accepted | rejected
    Column("verdict", String(8)),  # the override an acceptance made
    Column("reply", Text, nullable=False),
    Column("author", String(100), nullable=False),
    Column("at", String(32), nullable=False),
)

assignments = Table(
    "review_assignments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("persona", String(100), nullable=False),
    Column("trainee", String(100)),  # one of trainee / team is set
    Column("team", String(100)),
    Column("pass_mark", Float, nullable=False),
    Column("due", String(10)),  # YYYY-MM-DD
    Column("author", String(100), nullable=False),
    Column("created_at", String(32), nullable=False),
)
