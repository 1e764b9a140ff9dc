"""A SeaweedFS S3 server for the S3 tests (one per test session and worker) and the
environment that points `caesar` at it."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator

import pytest
from s3_server import S3Server, s3_server

_buckets = itertools.count()


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """The running server."""
    with s3_server(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture
def s3_env(s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    """The server's endpoint and keys in this test's environment, as `./setup.sh stack`'s
    export lines would put them."""
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    return s3


@pytest.fixture
def bucket_url(s3_env: S3Server) -> str:
    """A store URL no other test uses (the spool of pending objects is per URL too)."""
    # One bucket, a prefix each: SeaweedFS gives every bucket volumes of its own.
    return f"s3://caesar-tests/{next(_buckets)}-{secrets.token_hex(6)}/archive"
