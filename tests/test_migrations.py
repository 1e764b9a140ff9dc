"""Migrations: one linear history, run up on an empty database, skipped when current."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from caesar.catalog import database
from caesar.catalog.models import Base
from caesar.core import Archive


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(database._MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_history_is_linear_and_named_by_prefix() -> None:
    scripts = _scripts()
    assert len(scripts.get_heads()) == 1
    assert scripts.get_current_head() == database.head_revision()
    for revision in scripts.walk_revisions():
        assert revision.path is not None
        assert revision.revision == revision.path.rsplit("/", 1)[1][:4]


def test_upgrade_from_empty_builds_every_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    database.migrate(engine)
    assert database.current_revision(engine) == database.head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_open_leaves_a_current_database_alone(archive: Archive) -> None:
    assert database.current_revision(archive.catalog.engine) == database.head_revision()
    database.migrate(archive.catalog.engine)  # a no-op, and quick
