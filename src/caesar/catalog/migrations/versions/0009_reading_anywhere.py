"""Numbers read anywhere in a photo: where each stood (its line and place on it, a label before
it), why a photo is in no case, and what the last build learned of the collection's numbers.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('number_readings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('row', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('line_order', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('label', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('labelled', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('photo_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=32), nullable=True))
    op.create_table('case_priors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('learned_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('case_priors')
    with op.batch_alter_table('photo_categories', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('number_readings', schema=None) as batch_op:
        batch_op.drop_column('labelled')
        batch_op.drop_column('label')
        batch_op.drop_column('line_order')
        batch_op.drop_column('row')
