"""Dashboard: mentor–trainee assignments and document owners (both append-and-end, never deleted).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mentor_assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mentor_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("trainee_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("active_key", sa.String(80), unique=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime()),
    )
    op.create_index("ix_mentor_assignment_mentor", "mentor_assignments", ["mentor_id", "ended_at"])
    op.create_table(
        "document_owners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("assigned_by_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("current_key", sa.String(200), unique=True),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.Column("superseded_at", UTCDateTime()),
    )


def downgrade() -> None:
    op.drop_table("document_owners")
    op.drop_index("ix_mentor_assignment_mentor", "mentor_assignments")
    op.drop_table("mentor_assignments")
