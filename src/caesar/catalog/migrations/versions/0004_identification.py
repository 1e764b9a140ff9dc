"""Identification: families' reports and reporters (personal fields sealed), case names,
matches and their decisions, disclosure sessions and their steps.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('missing_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=128), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('merged_into', sa.Integer(), nullable=True),
    sa.Column('name_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('father_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('grandfather_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('family_name_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('mother_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('arrest_place_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('arresting_branch_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('notes_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('height_cm', sa.Integer(), nullable=True),
    sa.Column('arrest_date', sa.Date(), nullable=True),
    sa.Column('branch_number', sa.String(length=16), nullable=True),
    sa.Column('detainee_number', sa.String(length=32), nullable=True),
    sa.Column('marks', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into'], ['missing_reports.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ref')
    )
    op.create_table('case_names',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('source_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('set_by', sa.String(), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_table('matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('override', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('factors_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('shortlisted_by', sa.String(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['missing_reports.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'case_id')
    )
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matches_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matches_report_id'), ['report_id'], unique=False)

    op.create_table('missing_reporters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('name_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('relationship_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('contact_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('consent_contact', sa.Boolean(), nullable=False),
    sa.Column('consent_share', sa.String(length=16), nullable=False),
    sa.Column('consent_notify', sa.Boolean(), nullable=True),
    sa.Column('from_ref', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['missing_reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('missing_reporters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missing_reporters_report_id'),
                              ['report_id'], unique=False)

    op.create_table('report_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('before_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['missing_reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('report_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_changes_report_id'),
                              ['report_id'], unique=False)

    op.create_table('disclosure_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('liaison', sa.String(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reached', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=True),
    sa.Column('present_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('note_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['missing_reports.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disclosure_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_sessions_match_id'),
                              ['match_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_sessions_report_id'),
                              ['report_id'], unique=False)

    op.create_table('match_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('before', sa.String(length=16), nullable=False),
    sa.Column('after', sa.String(length=16), nullable=False),
    sa.Column('reason_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('match_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_decisions_match_id'), ['match_id'], unique=False)

    op.create_table('disclosure_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('present_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('note_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['disclosure_sessions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disclosure_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_steps_session_id'),
                              ['session_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('disclosure_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_steps_session_id'))

    op.drop_table('disclosure_steps')
    with op.batch_alter_table('match_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_decisions_match_id'))

    op.drop_table('match_decisions')
    with op.batch_alter_table('disclosure_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_sessions_report_id'))
        batch_op.drop_index(batch_op.f('ix_disclosure_sessions_match_id'))

    op.drop_table('disclosure_sessions')
    with op.batch_alter_table('report_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_changes_report_id'))

    op.drop_table('report_changes')
    with op.batch_alter_table('missing_reporters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missing_reporters_report_id'))

    op.drop_table('missing_reporters')
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matches_report_id'))
        batch_op.drop_index(batch_op.f('ix_matches_case_id'))

    op.drop_table('matches')
    op.drop_table('case_names')
    op.drop_table('missing_reports')
