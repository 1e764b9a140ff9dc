"""A bag's tag files are told apart from its payload: `sightings.tag_file`.

A partner's bag arrives with its own tag files (bagit.txt, bag-info.txt, the manifests); they
are preserved like every file, but they are the bag's own records, not findings, so they are
never flagged and the transfer lists them as its `tag_files`.

Revision ID: 0018
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('sightings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tag_file', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('sightings', schema=None) as batch_op:
        batch_op.drop_column('tag_file')
