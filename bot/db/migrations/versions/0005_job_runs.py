"""Scheduled job runs (one row per job and slot).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("job", sa.String(60), nullable=False),
        sa.Column("slot", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("detail", sa.Text, nullable=False),
        sa.UniqueConstraint("job", "slot", name="uq_job_slot"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
