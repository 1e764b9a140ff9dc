"""Reports' marks with what tattoos say, sealed: a tattoo's text can name the family.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Reports stored before tattoos had texts have none: nothing to move.
    op.add_column('missing_reports', sa.Column('marks_sealed', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('missing_reports') as batch:
        batch.drop_column('marks_sealed')
