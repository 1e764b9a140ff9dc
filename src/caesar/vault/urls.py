"""Which store a settings or replica URL names: a folder (`file:PATH`) or an S3-compatible
bucket (`s3://BUCKET/PREFIX`). Kept apart from both kinds of store, which it chooses between."""

from __future__ import annotations

from pathlib import Path

from caesar.errors import CaesarError
from caesar.vault.store import LocalStore, ObjectStore


def open_store(url: str, archive: Path) -> ObjectStore:
    """The store named by a settings URL: `file:PATH` (relative to the archive, as the default
    `file:objects`) or `s3://BUCKET/PREFIX` (:mod:`caesar.vault.s3`)."""
    if url.startswith("file:"):
        path = Path(url.removeprefix("file:"))
        return LocalStore(path if path.is_absolute() else archive / path)
    if url.startswith("s3://"):
        from caesar.vault.s3 import S3Store

        return S3Store(url)
    raise CaesarError(
        f"Unsupported store URL {url!r}.",
        hint="Use file:PATH for a folder or s3://BUCKET/PREFIX for an S3-compatible store.",
    )
