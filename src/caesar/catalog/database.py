"""Opening the catalogue database and bringing its schema up to date.

The database URL comes from the archive's settings. `sqlite:///catalog.db` (the default, a path
relative to the archive) is opened through SQLCipher with a raw 256-bit key derived from the
master key, so the file on disk is encrypted page by page. PostgreSQL arrives through the same
models and migrations.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from caesar.errors import CaesarError

_MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while intake writes; FULL makes every commit survive power loss.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 64 MiB of page cache (the default is 2 MiB): the custody log's index of commitments
    # takes inserts at random places, each page decrypted and re-encrypted when evicted.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def make_engine(url: str, archive: Path, key: bytes) -> Engine:
    """An engine for the catalogue named by `url`, unlocked with `key` where it is encrypted."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "catalog.db")
        if not path.is_absolute():
            path = archive / path
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
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed.set(drivername="postgresql+psycopg"))
    raise CaesarError(
        f"Unsupported database URL {parsed.render_as_string(hide_password=True)!r}.",
        hint="Use sqlite:///PATH (the default) or postgresql://...",
    )


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

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back."""
        with self._sessions() as session, session.begin():
            yield session

    def reader(self) -> Session:
        """A session for reading only (the caller closes it)."""
        return self._sessions()
