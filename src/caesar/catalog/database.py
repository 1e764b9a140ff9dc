"""Opening the catalogue database and bringing its schema up to date.

The database URL comes from the archive's settings. `sqlite:///catalog.db` (the default, a path
relative to the archive) is opened through SQLCipher with a raw 256-bit key derived from the
master key, so the file on disk is encrypted page by page. PostgreSQL arrives through the same
models and migrations.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import URL, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from caesar.catalog.commits import CommitWatch, track_writes
from caesar.errors import REPAIR_CATALOGUE, CaesarError

T = TypeVar("T")

_MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # A damaged or foreign file is reported once, as a CaesarError; SQLCipher would also
    # print its own lines about failed page checks on stderr.
    cursor.execute("PRAGMA cipher_log_level = NONE")
    # WAL lets readers go on while intake writes; FULL makes every commit survive power loss.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 64 MiB of page cache (the default is 2 MiB): the custody log's index of commitments
    # takes inserts at random places, each page decrypted and re-encrypted when evicted.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def sqlite_file(url: str, archive: Path) -> Path | None:
    """The file of an embedded (SQLite) catalogue named by `url`; None for a server's."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    path = Path(parsed.database or "catalog.db")
    return path if path.is_absolute() else archive / path


def make_engine(url: str, archive: Path, key: bytes) -> Engine:
    """An engine for the catalogue named by `url`, unlocked with `key` where it is encrypted."""
    parsed = make_url(url)
    path = sqlite_file(url, archive)
    if path is not None:
        # A raw key ("x'…'") skips SQLCipher's own passphrase KDF: ours already ran.
        sqlcipher_url = URL.create(
            "sqlite+pysqlcipher", password=f"x'{key.hex()}'", database=str(path)
        )
        # A queue of connections any thread may use (SQLCipher is built thread-safe), not the
        # dialect's default SingletonThreadPool, which closes a connection another thread is
        # still using once more threads than its size have asked: the web app crashed so.
        engine = create_engine(sqlcipher_url, poolclass=QueuePool, pool_size=8,
                               max_overflow=16, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif parsed.get_backend_name() == "postgresql":
        engine = create_engine(parsed.set(drivername="postgresql+psycopg"))
    else:
        raise CaesarError(
            f"Unsupported database URL {parsed.render_as_string(hide_password=True)!r}.",
            hint="Use sqlite:///PATH (the default) or postgresql://...",
        )
    track_writes(engine)
    return engine


def head_revision() -> str:
    """The newest migration's revision id: by convention its file's four-digit prefix."""
    return max(p.name[:4] for p in (_MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for a new database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (one linear Alembic history).

    Alembic is imported only when there is something to do: it costs a fifth of a second of
    every command's start-up otherwise.
    """
    if current_revision(engine) == head_revision():
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Catalog:
    """The catalogue database of one archive."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def watch_commits(self, capture: Callable[[Session], T | None],
                      publish: Callable[[T], None]) -> None:
        """Run `capture` inside every transaction that wrote, just before it commits, and
        `publish` with its result after the commit (see :mod:`caesar.catalog.commits`)."""
        CommitWatch(self._sessions, capture, publish)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back."""
        with self._sessions() as session, session.begin():
            yield session

    def reader(self) -> Session:
        """A session for reading only (the caller closes it)."""
        return self._sessions()


def describe_database_error(error: DBAPIError, catalog_file: Path | None = None) -> CaesarError:
    """One clear message for a database error: not a database, damaged, locked, disk full."""
    name = f"catalogue {catalog_file}" if catalog_file else "catalogue"
    said = str(error.orig).lower() if error.orig is not None else str(error).lower()
    if "not a database" in said or "malformed" in said or "encrypted" in said:
        return CaesarError(f"The {name} cannot be read: it is damaged, cut short, or not this"
                           " archive's catalogue.", hint=REPAIR_CATALOGUE)
    if "locked" in said or "busy" in said:
        return CaesarError(f"The {name} is locked by another program.",
                           hint="Wait for it to finish, then run this command again. Nothing"
                           " was changed.")
    if "full" in said:
        return CaesarError(f"The disk holding the {name} is full.",
                           hint="Free some space, then run this command again. What was"
                           " being written was rolled back.")
    if "i/o" in said or "disk" in said:
        return CaesarError(f"The {name} could not be read or written: the disk failed"
                           f" ({error.orig}).", hint="Check the disk; " + REPAIR_CATALOGUE)
    return CaesarError(f"The {name} cannot be used: {error.orig or error}.",
                       hint=REPAIR_CATALOGUE)


def snapshot(engine: Engine, target: Path, key: bytes) -> None:
    """Write a consistent copy of an embedded catalogue to `target`, encrypted under the same
    `key` (SQLite's online backup: page by page, while others go on reading and writing)."""
    import sqlcipher3  # the driver of the embedded catalogue; only replication needs it here

    raw = engine.raw_connection()
    try:
        copy = sqlcipher3.connect(str(target))
        try:
            copy.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            raw.driver_connection.backup(copy)  # type: ignore[union-attr]
        finally:
            copy.close()
    finally:
        raw.close()
    with open(target, "rb+") as f:
        os.fsync(f.fileno())


def catalogue_file(path: Path, key: bytes) -> Catalog:
    """A catalogue kept as a standalone file (a replica's snapshot), unlocked with `key`."""
    return Catalog(make_engine(f"sqlite:///{path.absolute()}", path.parent, key))
