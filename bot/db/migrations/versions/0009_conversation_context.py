"""Conversation context shared by replicas (the last question and quoted section per place).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_context",
        sa.Column("place_key", sa.String(64), primary_key=True),
        sa.Column("question", sa.Text, nullable=True),
        sa.Column("question_at", UTCDateTime(), nullable=True),
        sa.Column("section_ref", sa.Text, nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("conversation_context")
