"""Training records: people, identities, sign-off requests, signatures, audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_events", "signatures")


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("job_title", sa.String(200), nullable=False),
        sa.Column("band", sa.String(8), nullable=False),
        sa.Column("band_level", sa.Integer, nullable=False),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("pathway", sa.String(100)),
        sa.Column("pathway_role", sa.String(100)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("tenant", sa.String(100), nullable=False),
        sa.Column("user_key", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("platform", "tenant", "user_key", name="uq_identity"),
    )
    op.create_table(
        "signoff_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trainee_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("mentor_id", sa.Integer, sa.ForeignKey("people.id")),
        sa.Column("competency_id", sa.String(40), nullable=False),
        sa.Column("competency_title", sa.String(300), nullable=False),
        sa.Column("framework_version", sa.String(40), nullable=False),
        sa.Column("evidence_text", sa.Text, nullable=False),
        sa.Column("evidence_links", sa.Text, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("open_key", sa.String(80), unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime()),
        sa.Column("expires_at", UTCDateTime()),
        sa.Column("row_version", sa.Integer, nullable=False),
    )
    op.create_index("ix_signoff_trainee", "signoff_requests", ["trainee_id"])
    op.create_index("ix_signoff_mentor_status", "signoff_requests", ["mentor_id", "status"])
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("signoff_requests.id"), nullable=False),
        sa.Column("signer_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("printed_name", sa.String(200), nullable=False),
        sa.Column("job_title", sa.String(200), nullable=False),
        sa.Column("decision", sa.String(30), nullable=False),
        sa.Column("meaning", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("signed_at", UTCDateTime(), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("platform_event_id", sa.String(200)),
        sa.Column("corrects_id", sa.Integer, sa.ForeignKey("signatures.id")),
        sa.UniqueConstraint("platform", "platform_event_id", name="uq_signature_event"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("people.id")),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("entity", sa.String(60), nullable=False),
        sa.Column("entity_id", sa.String(80), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("old_values", sa.Text, nullable=False),
        sa.Column("new_values", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"""
                CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP;
                END $$ LANGUAGE plpgsql""")
            op.execute(f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
                           FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""")
        elif dialect == "sqlite":
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
                               BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END""")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    for table in ("audit_events", "signatures", "signoff_requests", "identities", "people"):
        op.drop_table(table)
