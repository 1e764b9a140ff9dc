"""The examination: each original's facts (tables, EXIF layout, thumbnail) and its findings.

Revision ID: 0014
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('examination_facts',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], ),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('examinations',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('method_version', sa.String(length=16), nullable=False),
    sa.Column('strongest', sa.String(length=16), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('examined_by', sa.String(), nullable=False),
    sa.Column('examined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], ),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('examinations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_examinations_strongest'), ['strongest'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('examinations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_examinations_strongest'))
    op.drop_table('examinations')
    op.drop_table('examination_facts')
