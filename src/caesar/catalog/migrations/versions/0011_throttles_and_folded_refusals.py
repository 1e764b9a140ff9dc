"""Sign-in throttles kept in the catalogue (every web worker and command sees them, and an
administrator can clear them); refusals counted per person, permission, place and minute.

Revision ID: 0011
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sign_in_throttles',
    sa.Column('key', sa.String(length=96), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure', sa.DateTime(), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    # Rows made before this revision were logged one by one: each counts once, logged.
    with op.batch_alter_table('access_denials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('route', sa.String(length=48), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('count', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('logged', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('access_denials', schema=None) as batch_op:
        batch_op.drop_column('logged')
        batch_op.drop_column('count')
        batch_op.drop_column('route')
    op.drop_table('sign_in_throttles')
