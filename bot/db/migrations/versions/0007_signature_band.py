"""Signatures record the signer's band at the time of signing (the passport prints it).

Adding a nullable column changes no existing row: signatures stay append-only, and those made
before this revision print "band not recorded at signing".

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("signatures", sa.Column("signer_band", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signatures") as batch:
        batch.drop_column("signer_band")
