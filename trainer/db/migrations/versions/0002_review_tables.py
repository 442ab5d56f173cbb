"""The trainers' review tables (`trainer.review.tables`): graded-session index, overrides,
comments, dispute decisions, assignments.

Revision ID: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from trainer.review.tables import metadata

    metadata.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    from trainer.review.tables import metadata

    metadata.drop_all(op.get_bind(), checkfirst=True)
