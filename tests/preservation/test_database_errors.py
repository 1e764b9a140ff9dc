"""Every database error is one clear message with a hint, never a traceback: the errors here are
SQLite's own (a real lock held by another connection, a real "disk is full"), turned into what
a person reads. Files that are not a catalogue or are cut short are in test_anchored_state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from caesar.catalog.database import describe_database_error


def _error_of(run: Callable[[], None]) -> DBAPIError:
    with pytest.raises(DBAPIError) as raised:
        run()
    return raised.value


def test_a_catalogue_locked_by_another_program(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalog.db"
    holder = create_engine(f"sqlite:///{catalogue}")
    waiter = create_engine(f"sqlite:///{catalogue}", connect_args={"timeout": 0})
    with holder.connect() as held:
        held.exec_driver_sql("CREATE TABLE t (x)")
        held.commit()
        held.exec_driver_sql("BEGIN EXCLUSIVE")

        def read() -> None:
            with waiter.connect() as other:
                other.execute(text("SELECT * FROM t"))

        error = describe_database_error(_error_of(read), catalogue)
        held.rollback()
    assert error.message == f"The catalogue {catalogue} is locked by another program."
    assert "Nothing was changed" in (error.hint or "")


def test_a_full_disk(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'catalog.db'}")
    with engine.connect() as db:
        db.exec_driver_sql("CREATE TABLE t (x)")
        db.commit()
        # SQLite's own limit on the file's size: the same SQLITE_FULL a full disk gives.
        db.exec_driver_sql("PRAGMA max_page_count = 3")

        def fill() -> None:
            db.exec_driver_sql("INSERT INTO t VALUES (zeroblob(100000))")

        error = describe_database_error(_error_of(fill))
    assert error.message == "The disk holding the catalogue is full."
    assert "Free some space" in (error.hint or "")
