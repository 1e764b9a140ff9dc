"""Cases: what the software observed in each photo, kept apart from what analysts decided.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('identification', sa.String(length=16), nullable=False),
    sa.Column('detainee', sa.String(length=32), nullable=True),
    sa.Column('branch', sa.String(length=32), nullable=True),
    sa.Column('forensic', sa.String(length=32), nullable=True),
    sa.Column('hospital', sa.String(), nullable=True),
    sa.Column('photographed_on', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('height_cm', sa.Integer(), nullable=True),
    sa.Column('marks', sa.JSON(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('clothing', sa.String(), nullable=True),
    sa.Column('notes', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('analyst_readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('digits', sa.String(length=32), nullable=False),
    sa.Column('analyst', sa.String(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analyst_readings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analyst_readings_case_id'), ['case_id'], unique=False)

    op.create_table('case_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('field', sa.String(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_changes_case_id'), ['case_id'], unique=False)

    op.create_table('case_photos',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], ),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('case_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_photos_case_id'), ['case_id'], unique=False)

    op.create_table('number_readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('raw', sa.String(), nullable=False),
    sa.Column('digits', sa.String(length=32), nullable=False),
    sa.Column('script', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('place', sa.String(length=8), nullable=False),
    sa.Column('box', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('number_readings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_number_readings_sha256'), ['sha256'], unique=False)

    op.create_table('photo_analyses',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('reader', sa.String(length=32), nullable=False),
    sa.Column('card_found', sa.Boolean(), nullable=False),
    sa.Column('problem', sa.String(), nullable=True),
    sa.Column('analysed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], ),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('photo_categories',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('set_by', sa.String(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], ),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('photo_copies',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original', sa.String(length=64), nullable=False),
    sa.Column('distance', sa.Integer(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['original'], ['photos.sha256'], ),
    sa.ForeignKeyConstraint(['sha256'], ['photos.sha256'], ),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('photo_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_copies_original'), ['original'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('photo_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_copies_original'))

    op.drop_table('photo_copies')
    op.drop_table('photo_categories')
    op.drop_table('photo_analyses')
    with op.batch_alter_table('number_readings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_number_readings_sha256'))

    op.drop_table('number_readings')
    with op.batch_alter_table('case_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_photos_case_id'))

    op.drop_table('case_photos')
    with op.batch_alter_table('case_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_changes_case_id'))

    op.drop_table('case_changes')
    with op.batch_alter_table('analyst_readings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analyst_readings_case_id'))

    op.drop_table('analyst_readings')
    op.drop_table('cases')
