"""list observations keep the publisher a list entry names (JSON list APIs give one per entry)

Revision ID: 0002_listed_publisher
Revises: 0001_initial
Create Date: 2026-12-01 04:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_listed_publisher'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: SQLite adds it in place (no table rebuild), existing rows read NULL.
    op.add_column('list_observations', sa.Column('listed_publisher', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('list_observations', schema=None) as batch_op:
        batch_op.drop_column('listed_publisher')
