"""File names (and a transfer's SOURCE) kept exactly: a backslash is doubled in the stored
form, so that a name with the byte 0xE9 (stored ``\\xe9``) and a name with the four characters
``\\xe9`` (now ``\\\\xe9``) are no longer one (`caesar.names.stored_name`).

Before, a backslash was stored as it is and a byte as ``\\xXX``; in a path, a stored ``\\xXX``
with XX from 80 to ff is taken to be a byte (what the walk wrote for every undecodable name),
and every other backslash is doubled; a SOURCE was stored as given, so all of its are.

Revision ID: 0015
Revises: 0014
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PATHS = (('sightings', 'path'), ('flags', 'path'), ('skipped', 'path'))
_SOURCES = (('transfers', 'source'),)  # stored as given: a name with a byte never got this far
_LONE_BACKSLASH = re.compile(r"\\(?!x[89a-f][0-9a-f])")
_BACKSLASH = re.compile(r"\\")
_DOUBLED = re.compile(r"\\\\")


def _rewrite(columns: tuple[tuple[str, str], ...], change: re.Pattern[str], into: str) -> None:
    connection = op.get_bind()
    for name, column in columns:
        table = sa.table(name, sa.column('id', sa.Integer), sa.column(column, sa.String))
        names = table.c[column]
        rows = connection.execute(sa.select(table.c.id, names)
                                  .where(names.contains('\\', autoescape=True))).all()
        for row_id, value in rows:
            connection.execute(table.update().where(table.c.id == row_id)
                               .values({column: change.sub(into, value)}))


def upgrade() -> None:
    _rewrite(_PATHS, _LONE_BACKSLASH, r"\\\\")
    _rewrite(_SOURCES, _BACKSLASH, r"\\\\")


def downgrade() -> None:
    _rewrite(_PATHS + _SOURCES, _DOUBLED, r"\\")
