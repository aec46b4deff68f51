"""captures record the browser that rendered a stored body (the browser tier)

Revision ID: 0004_capture_rendered
Revises: 0003_version_ocr
Create Date: 2026-12-01 06:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_capture_rendered'
down_revision = '0003_version_ocr'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: SQLite adds it in place (no table rebuild); existing captures were stored as received.
    op.add_column('captures', sa.Column('rendered_by', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('captures', schema=None) as batch_op:
        batch_op.drop_column('rendered_by')
