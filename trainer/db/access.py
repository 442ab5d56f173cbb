"""Who may see what. Every web route and command that shows a session goes through these.

- a trainee: their own sessions;
- a trainer: their own and those of the trainees in the teams they train;
- an admin: everything.
"""

from __future__ import annotations

from trainer.db.store import DisputeInfo, SessionInfo, Viewer

__all__ = ["can_dispute", "can_settle_dispute", "can_view_session", "is_admin", "is_trainer"]


def can_view_session(viewer: Viewer, session: SessionInfo) -> bool:
    """Whether ``viewer`` may see this session: its transcript, audio, grade and disputes."""
    return viewer.sees is None or session.owner_id in viewer.sees


def can_dispute(viewer: Viewer, session: SessionInfo) -> bool:
    """Only the trainee who made the call disputes its verdicts."""
    return session.owner_id == viewer.id


def can_settle_dispute(viewer: Viewer, session: SessionInfo, dispute: DisputeInfo) -> bool:
    """A trainer of the trainee's team (or an admin) settles a dispute, never on their own."""
    return (dispute.session_id == session.id and is_trainer(viewer)
            and session.owner_id != viewer.id and can_view_session(viewer, session))


def is_trainer(viewer: Viewer) -> bool:
    return viewer.role in ("trainer", "admin")


def is_admin(viewer: Viewer) -> bool:
    return viewer.role == "admin"
