"""Delivery de-duplication for chat platforms; where an escalated question was asked.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processed_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("event_key", sa.String(200), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("platform", "event_key", name="uq_processed_event"),
    )
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("origin", sa.Text, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("origin")
    op.drop_table("processed_events")
