"""versions record that their text came from OCR of a scan, and keep the OCR result for reparse

Revision ID: 0003_version_ocr
Revises: 0002_listed_publisher
Create Date: 2026-12-01 07:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_version_ocr'
down_revision = '0002_listed_publisher'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable / defaulted columns: SQLite adds them in place, existing rows read "not OCR".
    op.add_column('versions', sa.Column('ocr', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('versions', sa.Column('ocr_sha256', sa.String(length=64), nullable=True))
    op.add_column('versions', sa.Column('ocr_pages', sa.Text(), nullable=True))
    op.create_index('ix_versions_ocr_sha256', 'versions', ['ocr_sha256'])


def downgrade() -> None:
    op.drop_index('ix_versions_ocr_sha256', table_name='versions')
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.drop_column('ocr_pages')
        batch_op.drop_column('ocr_sha256')
        batch_op.drop_column('ocr')
