"""An S3-compatible object store (`s3://BUCKET/PREFIX`), behind the same interface as a folder.

The store sees what a folder sees: sealed bytes under keyed names, and the few documents (the
signed state; in a replica the catalogue's snapshot and the wrapped keys). Where it is and who
may use it come from the environment, never from a URL or the archive's settings, so that
no credential is written down or printed: ``CAESAR_S3_ENDPOINT`` (the server's address; AWS
itself when unset), ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and ``AWS_DEFAULT_REGION``,
read by boto3 as it always reads them.

Durability: S3 makes an object visible only when its whole body has arrived (a single PUT, or
the completion of a multipart upload), which is the atomic step a folder gets from `rename`.
A new object is written with ``If-None-Match: *``, so an object is never replaced by a
second writer's copy. A pending object is a file in a private local folder until it is
committed; what a crash leaves there, and multipart uploads never completed, are what
:meth:`S3Store.clean_pending` sweeps.

What a bucket shows that a folder does not: the server dates every object when it arrives
(S3 has no way to set a modification time), so whoever can list the bucket can tell when each
intake happened and how many objects it brought, though not what they are. docs/recovery.md
and docs/threat-model.md say so.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import re
import secrets
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from caesar import faults
from caesar.errors import CaesarError, MissingObject
from caesar.vault.store import (
    COMMIT_POINT,
    DOCUMENT_NAME,
    DOCUMENTS,
    FAN,
    READ_POINT,
    REPAIR_HINT,
    SET_ASIDE,
    Pending,
)

ENDPOINT_VARIABLE = "CAESAR_S3_ENDPOINT"
_PARALLEL_PUTS = 8  # uploads of a batch in flight at once
_URL = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])"
                  r"((?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)/?")  # no empty, `.` or `..` part


class StoreUnreachable(CaesarError):
    """The S3 server could not be reached or refused the request."""


def parse_url(url: str) -> tuple[str, str]:
    """The bucket and the key prefix (no slash at either end) of an `s3://` URL."""
    match = _URL.fullmatch(url)
    if match is None:
        raise CaesarError(f"{url!r} is not an S3 store URL.",
                          hint="Write s3://BUCKET or s3://BUCKET/PREFIX (a bucket's name is 3"
                          " to 63 lower-case letters, digits, '.' and '-').")
    return match.group(1), match.group(2).strip("/")


class S3Store:
    """Objects in an S3 bucket: `PREFIX/ab/abcdef…`, documents in `PREFIX/documents/`."""

    neutral_times = False  # the server dates each object; see the module's docstring

    def __init__(self, url: str) -> None:
        self.url = url
        self.bucket, prefix = parse_url(url)
        self._prefix = f"{prefix}/" if prefix else ""
        # Pending objects wait in a private local folder, one per store: only sealed bytes
        # are ever written there, and a crash's leftovers are found again by the same URL.
        digest = hashlib.sha256(url.encode()).hexdigest()[:16]
        self._spool = Path(tempfile.gettempdir()) / f"caesar-s3-{os.getuid()}" / digest

    @property
    def where(self) -> str:
        """The store as a person reads it (its URL; no credential is ever part of it)."""
        return self.url

    @cached_property
    def _client(self) -> Any:  # boto3's client is typed at run time only
        # boto3 takes seconds to import: only a command that uses a bucket pays for it.
        import boto3
        from botocore.config import Config

        # A session of its own reads the environment now (boto3's default session keeps the
        # keys it first found for the life of the process).
        return boto3.session.Session().client(
            "s3", endpoint_url=os.environ.get(ENDPOINT_VARIABLE) or None,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}))

    def _call(self, what: str, method: str, **kwargs: Any) -> Any:
        """One request, its failures turned into an error that names the store (and never a
        credential)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self._client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "?")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise
            if code in ("PreconditionFailed", "412"):
                raise
            hint = ("Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
                    if code in ("SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied",
                                "403") else
                    f"Check that the bucket {self.bucket!r} exists (`caesar init` makes it).")
            raise StoreUnreachable(f"The S3 store {self.url} refused to {what} ({code}).",
                                   hint=hint) from None
        except BotoCoreError as exc:
            endpoint = os.environ.get(ENDPOINT_VARIABLE) or "AWS"
            raise StoreUnreachable(
                f"The S3 store {self.url} could not be reached to {what} at {endpoint}"
                f" ({type(exc).__name__}).",
                hint=f"Check {ENDPOINT_VARIABLE} and that the server is running.") from None

    @staticmethod
    def _missing(exc: Exception) -> bool:
        from botocore.exceptions import ClientError

        return isinstance(exc, ClientError) and exc.response.get("Error", {}).get(
            "Code") in ("NoSuchKey", "404", "NotFound")

    def _key(self, name: str) -> str:
        if len(name) < 3 or not name.isalnum():
            raise CaesarError(f"{name!r} is not a valid object name.")
        return f"{self._prefix}{name[:2]}/{name}"

    def _document_key(self, name: str) -> str:
        if not DOCUMENT_NAME.fullmatch(name):
            raise CaesarError(f"{name!r} is not a valid document name.")
        return f"{self._prefix}{DOCUMENTS}/{name}"

    # -- the ObjectStore interface ----------------------------------------------------------

    def ensure(self) -> None:
        """Make the bucket if there is none, and the local folder for pending objects."""
        from botocore.exceptions import ClientError

        self._spool.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            self._call("find the bucket", "head_bucket")
        except ClientError:
            self._call("make the bucket", "create_bucket")

    def create(self) -> tuple[Pending, BinaryIO]:
        self._spool.mkdir(parents=True, exist_ok=True, mode=0o700)
        token = secrets.token_hex(16)
        return Pending(token), open(self._spool / token, "xb")

    def commit(self, pending: Pending, name: str) -> bool:
        from botocore.exceptions import ClientError

        spooled = self._spool / pending.token
        faults.point(COMMIT_POINT)
        try:
            with open(spooled, "rb") as body:
                self._call("store an object", "put_object", Key=self._key(name), Body=body,
                           IfNoneMatch="*")
        except ClientError:  # PreconditionFailed: the object is there already
            return False
        finally:
            spooled.unlink(missing_ok=True)
        return True

    def commit_many(self, batch: Sequence[tuple[Pending, str]]) -> list[bool]:
        # A PUT is durable once acknowledged, so there is nothing to batch: the requests
        # overlap instead, each mostly waiting for the network (boto3 clients are thread-safe).
        with ThreadPoolExecutor(max_workers=_PARALLEL_PUTS) as puts:
            return list(puts.map(lambda job: self.commit(*job), batch))

    def discard(self, pending: Pending) -> None:
        (self._spool / pending.token).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        try:
            self._call("look for an object", "head_object", Key=self._key(name))
        except Exception as exc:
            if self._missing(exc):
                return False
            raise
        return True

    def _stored(self, what: str, method: str, name: str) -> Any:
        """A request about the stored object `name`; MissingObject where there is none."""
        try:
            return self._call(what, method, Key=self._key(name))
        except Exception as exc:
            if self._missing(exc):
                raise MissingObject(f"Stored object {name} is missing.",
                                    hint=REPAIR_HINT) from None
            raise

    def open(self, name: str) -> BinaryIO:
        faults.point(READ_POINT)
        answer = self._stored("read an object", "get_object", name)
        return io.BufferedReader(_Body(answer["Body"]), 1 << 20)

    def _listing(self, prefix: str) -> Iterator[dict[str, Any]]:
        token: dict[str, str] = {}
        while True:
            page = self._call("list its objects", "list_objects_v2", Prefix=prefix, **token)
            yield from page.get("Contents", [])
            if not page.get("IsTruncated"):
                return
            token = {"ContinuationToken": page["NextContinuationToken"]}

    def sizes(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for entry in self._listing(self._prefix):
            parts = entry["Key"][len(self._prefix):].split("/")
            if len(parts) == 2 and FAN.fullmatch(parts[0]) and parts[1].startswith(parts[0]):
                found[parts[1]] = int(entry["Size"])
        return found

    def names(self) -> Iterator[str]:
        yield from sorted(self.sizes())

    def clean_pending(self) -> int:
        cleaned = 0
        if self._spool.is_dir():
            for leftover in self._spool.iterdir():
                if leftover.name != ".lock":
                    leftover.unlink(missing_ok=True)
                    cleaned += 1
        uploads = self._call("list unfinished uploads", "list_multipart_uploads",
                             Prefix=self._prefix)
        for upload in uploads.get("Uploads") or []:
            self._call("drop an unfinished upload", "abort_multipart_upload",
                       Key=upload["Key"], UploadId=upload["UploadId"])
            cleaned += 1
        return cleaned

    def put(self, name: str, source: BinaryIO) -> None:
        self._call("store a copy", "put_object", Key=self._key(name), Body=source)

    def sync(self) -> None:
        """Nothing to do: S3 acknowledges a PUT only once the object is stored."""

    def set_aside(self, name: str) -> bool:
        if not self.exists(name):
            return False
        aside = f"{self._prefix}{SET_ASIDE}/{name}.{secrets.token_hex(4)}"
        self._call("set a damaged object aside", "copy_object", Key=aside,
                   CopySource={"Bucket": self.bucket, "Key": self._key(name)})
        self._call("set a damaged object aside", "delete_object", Key=self._key(name))
        return True

    def write_document(self, name: str, source: BinaryIO) -> None:
        self._call("write a document", "put_object", Key=self._document_key(name),
                   Body=source.read())

    def open_document(self, name: str) -> BinaryIO | None:
        try:
            answer = self._call("read a document", "get_object", Key=self._document_key(name))
        except Exception as exc:
            if self._missing(exc):
                return None
            raise
        return io.BytesIO(answer["Body"].read())

    @contextmanager
    def lock_documents(self) -> Iterator[None]:
        # Writers on this machine take turns here; writers on several machines take turns
        # through the catalogue's own lock, which every command that writes holds first.
        self._spool.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self._spool / ".lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


    def reachable(self) -> bool:
        """Whether the bucket answers now (the server is up and the keys are accepted)."""
        try:
            self._call("find the bucket", "head_bucket")
        except CaesarError:
            return False
        except Exception as exc:
            if self._missing(exc):
                return False
            raise
        return True


class DeletingS3Store(S3Store):
    """An S3 store whose objects can be deleted: a replica's copies of the families' photos
    and the held packages (never a store of originals, which has no way to delete)."""

    def remove(self, name: str) -> bool:
        if not self.exists(name):
            return False
        self._call("delete an object", "delete_object", Key=self._key(name))
        return True

    def modified(self, name: str) -> float:
        answer = self._stored("look for an object", "head_object", name)
        return float(answer["LastModified"].timestamp())


class _Body(io.RawIOBase):
    """An S3 object's body as a file that reads in chunks (never the whole object at once)."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._body.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._body.close()
        super().close()
