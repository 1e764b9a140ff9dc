"""Exports: analysts' marks on photos, packages that left the archive, exhibit ids, requests.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOG_INDEX = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('photo_marks',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('restricted', sa.Boolean(), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.Column('set_by', sa.String(), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], ),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('requested_by', sa.LargeBinary(), nullable=True),
    sa.Column('entry_idx', _LOG_INDEX, nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('selection', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('exhibit_items',
    sa.Column('exhibit_id', sa.String(length=32), nullable=False),
    sa.Column('export_id', sa.Integer(), nullable=False),
    sa.Column('file', sa.String(length=64), nullable=False),
    sa.Column('original', sa.LargeBinary(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['export_id'], ['exports.id'], ),
    sa.PrimaryKeyConstraint('exhibit_id')
    )
    with op.batch_alter_table('exhibit_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exhibit_items_export_id'), ['export_id'],
                              unique=False)

    op.create_table('export_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('requester', sa.String(), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by', sa.String(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('export_id', sa.Integer(), nullable=True),
    sa.Column('package', sa.String(length=64), nullable=True),
    sa.Column('package_size', sa.BigInteger(), nullable=True),
    sa.Column('produced_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('downloads', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['export_id'], ['exports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('export_requests')
    with op.batch_alter_table('exhibit_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exhibit_items_export_id'))
    op.drop_table('exhibit_items')
    op.drop_table('exports')
    op.drop_table('photo_marks')
