"""A document's text, page by page, sealed (the PDF's own text layer or what OCR read).

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('document_pages',
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.Column('page', sa.Integer(), nullable=False),
                    sa.Column('source', sa.String(length=8), nullable=False),
                    sa.Column('confidence', sa.Integer(), nullable=True),
                    sa.Column('text_sealed', sa.LargeBinary(), nullable=False),
                    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], ),
                    sa.PrimaryKeyConstraint('sha256', 'page'))


def downgrade() -> None:
    op.drop_table('document_pages')
