"""The catalogue: database schema (SQLAlchemy 2, Alembic migrations) and queries."""
