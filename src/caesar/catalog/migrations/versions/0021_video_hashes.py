"""A video's frame hashes (vPDQ), by which re-encoded copies of one video are linked.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('video_hashes',
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.Column('frames', sa.JSON(), nullable=False),
                    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], ),
                    sa.PrimaryKeyConstraint('sha256'))


def downgrade() -> None:
    op.drop_table('video_hashes')
