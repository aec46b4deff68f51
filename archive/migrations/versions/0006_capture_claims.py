"""captures carry an ingest claim (worker, lease end): several ingest processes share a PostgreSQL archive

Revision ID: 0006_capture_claims
Revises: 0005_columns
Create Date: 2026-12-01 06:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_capture_claims'
down_revision = '0005_columns'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns: SQLite adds them in place, existing rows are unclaimed.
    op.add_column('captures', sa.Column('claimed_by', sa.String(length=200), nullable=True))
    op.add_column('captures', sa.Column('claim_expires_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('captures', schema=None) as batch_op:
        batch_op.drop_column('claim_expires_at')
        batch_op.drop_column('claimed_by')
