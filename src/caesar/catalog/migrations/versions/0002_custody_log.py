"""Custody log: entries, subtree hashes, commitments, signed checkpoints, timestamp tokens.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOG_INDEX = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('custody_entries',
    sa.Column('idx', _LOG_INDEX, autoincrement=False, nullable=False),
    sa.Column('entry', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('idx')
    )
    op.create_table('custody_subtrees',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('level', 'idx'),
    sqlite_with_rowid=False
    )
    op.create_table('custody_commitments',
    sa.Column('entry_idx', _LOG_INDEX, autoincrement=False, nullable=False),
    sa.Column('salt', sa.LargeBinary(length=32), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('event', sa.String(length=48), nullable=False),
    sa.ForeignKeyConstraint(['entry_idx'], ['custody_entries.idx'], ),
    sa.PrimaryKeyConstraint('entry_idx')
    )
    with op.batch_alter_table('custody_commitments', schema=None) as batch_op:
        batch_op.create_index('ix_custody_commitments_subject', ['subject_kind', 'subject'],
                              unique=False)

    op.create_table('custody_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('custody_timestamps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('token', sa.LargeBinary(), nullable=False),
    sa.Column('obtained_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['custody_checkpoints.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('custody_timestamps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_timestamps_checkpoint_id'),
                              ['checkpoint_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('custody_timestamps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_timestamps_checkpoint_id'))

    op.drop_table('custody_timestamps')
    op.drop_table('custody_checkpoints')
    with op.batch_alter_table('custody_commitments', schema=None) as batch_op:
        batch_op.drop_index('ix_custody_commitments_subject')

    op.drop_table('custody_commitments')
    op.drop_table('custody_subtrees')
    op.drop_table('custody_entries')
