"""Experts in the loop: expert profiles, escalations, verified answers, question log, feedback.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expert_profiles",
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("external_id", sa.String(100), nullable=False, unique=True),
        sa.Column("role_title", sa.String(200), nullable=False),
        sa.Column("topics", sa.Text, nullable=False),
        sa.Column("areas", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("available", sa.Boolean, nullable=False),
        sa.Column("is_fallback", sa.Boolean, nullable=False),
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("asker_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("expert_id", sa.Integer, sa.ForeignKey("people.id")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("route_reason", sa.Text, nullable=False),
        sa.Column("previous_experts", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("passages", sa.Text, nullable=False),
        sa.Column("index_version", sa.String(80)),
        sa.Column("answer_text", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("deadline_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("answered_at", UTCDateTime()),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("row_version", sa.Integer, nullable=False),
    )
    op.create_index("ix_escalation_expert_status", "escalations", ["expert_id", "status"])
    op.create_table(
        "verified_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("escalation_id", sa.Integer, sa.ForeignKey("escalations.id"), nullable=False, unique=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer_text", sa.Text, nullable=False),
        sa.Column("expert_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("second_expert_id", sa.Integer, sa.ForeignKey("people.id")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("retired_at", UTCDateTime()),
    )
    op.create_table(
        "question_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id")),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("answer_text", sa.Text, nullable=False),
        sa.Column("cited", sa.Text, nullable=False),
        sa.Column("index_version", sa.String(80)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_question_log_created", "question_log", ["created_at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question_log_id", sa.Integer, sa.ForeignKey("question_log.id"), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id")),
        sa.Column("rating", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("question_log_id", "person_id", name="uq_feedback_once"),
    )


def downgrade() -> None:
    for table in ("feedback", "question_log", "verified_answers", "escalations", "expert_profiles"):
        op.drop_table(table)
