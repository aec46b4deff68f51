"""columns as records: columns, their observation per crawl, inspection verdicts (issue 20)

Revision ID: 0005_columns
Revises: 0004_capture_rendered
Create Date: 2026-12-01 06:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_columns'
down_revision = '0004_capture_rendered'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('columns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('portal_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('driver', sa.String(length=100), nullable=True),
    sa.Column('archive_kind', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('kind_source', sa.String(length=20), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['portal_id'], ['portals.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('portal_id', 'url')
    )
    with op.batch_alter_table('columns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_columns_portal_id'), ['portal_id'], unique=False)
    op.create_table('column_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('column_id', sa.Integer(), nullable=False),
    sa.Column('crawl_run_id', sa.Integer(), nullable=True),
    sa.Column('observed_at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.Column('reachable', sa.Boolean(), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('newest_entry_date', sa.Date(), nullable=True),
    sa.Column('newest_entry_url', sa.String(length=2000), nullable=True),
    sa.Column('list_capture_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['column_id'], ['columns.id'], ),
    sa.ForeignKeyConstraint(['crawl_run_id'], ['crawl_runs.id'], ),
    sa.ForeignKeyConstraint(['list_capture_id'], ['captures.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('column_id', 'crawl_run_id')
    )
    with op.batch_alter_table('column_observations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_column_observations_column_id'), ['column_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_column_observations_crawl_run_id'), ['crawl_run_id'], unique=False)
    op.create_table('inspection_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('portal_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.DateTime(), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('failed_rules', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['portal_id'], ['portals.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inspection_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_snapshots_portal_id'), ['portal_id'], unique=False)


def downgrade() -> None:
    op.drop_table('inspection_snapshots')
    op.drop_table('column_observations')
    op.drop_table('columns')
