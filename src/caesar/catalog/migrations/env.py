"""Alembic environment: migrations always run on a connection the archive hands over."""

from alembic import context

# Imported for their tables, which belong to Base's metadata.
from caesar.catalog import access, cases, custody, examination, exports, identify  # noqa: F401
from caesar.catalog.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
