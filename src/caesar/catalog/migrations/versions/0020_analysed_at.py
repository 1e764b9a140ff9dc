"""Custody first, analysis second: `photos.analysed_at`.

`ingest` now secures every file (hashed, encrypted, durable, catalogued, logged) before it
decodes any, so an original can be in the catalogue before its EXIF, PDQ hash and thumbnail
are known. `analysed_at` is when they were; NULL means not analysed yet (`caesar analyse`
finishes them). Every original recorded before this revision was analysed as it was stored.

Revision ID: 0020
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('analysed_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_photos_analysed_at', ['analysed_at'])
    op.execute("UPDATE photos SET analysed_at = stored_at")


def downgrade() -> None:
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index('ix_photos_analysed_at')
        batch_op.drop_column('analysed_at')
