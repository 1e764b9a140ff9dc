"""Alembic environment: migrations always run on a connection the archive hands over."""

from alembic import context

from caesar.catalog import cases, custody, identify  # noqa: F401 - their tables are in Base.metadata
from caesar.catalog.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
