"""The S3 store keeps the folder store's promises, against a real S3 server (SeaweedFS)."""

from __future__ import annotations

import io
import os

import pytest
from s3_server import S3Server

from caesar import faults
from caesar.errors import CaesarError, MissingObject
from caesar.vault.s3 import S3Store, StoreUnreachable, parse_url
from caesar.vault.store import COMMIT_POINT
from caesar.vault.urls import open_store

NAME = "ab" + "0123456789abcdef" * 3


@pytest.fixture
def store(bucket_url: str) -> S3Store:
    made = open_store(bucket_url, archive=None)  # type: ignore[arg-type]
    assert isinstance(made, S3Store)
    made.ensure()
    return made


def _write(store: S3Store, data: bytes) -> object:
    pending, out = store.create()
    with out:
        out.write(data)
    return pending


def test_an_object_is_stored_read_and_listed(store: S3Store) -> None:
    assert store.commit(_write(store, b"sealed bytes"), NAME)  # type: ignore[arg-type]
    assert store.exists(NAME)
    with store.open(NAME) as f:
        assert f.read() == b"sealed bytes"
    assert store.sizes() == {NAME: 12}
    assert list(store.names()) == [NAME]


def test_a_second_copy_never_replaces_the_first(store: S3Store) -> None:
    assert store.commit(_write(store, b"first"), NAME)  # type: ignore[arg-type]
    assert not store.commit(_write(store, b"second"), NAME)  # type: ignore[arg-type]
    with store.open(NAME) as f:
        assert f.read() == b"first"
    assert store.clean_pending() == 0  # the refused copy's pending bytes are gone too


def test_a_missing_object_says_so_and_how_to_repair(store: S3Store) -> None:
    assert not store.exists(NAME)
    with pytest.raises(MissingObject, match="missing") as raised:
        store.open(NAME)
    assert "repair" in (raised.value.hint or "")


def test_a_large_object_is_read_in_pieces(store: S3Store) -> None:
    data = os.urandom(3 * (1 << 20) + 17)
    assert store.commit(_write(store, data), NAME)  # type: ignore[arg-type]
    with store.open(NAME) as f:
        pieces = []
        while piece := f.read(65536):
            pieces.append(piece)
    assert b"".join(pieces) == data


def test_a_crash_before_commit_leaves_nothing_visible_and_is_swept(
        store: S3Store, monkeypatch: pytest.MonkeyPatch) -> None:
    pending = _write(store, b"half an intake")
    monkeypatch.setattr(faults, "_hits", faults.Counter())  # this test's count of moments
    monkeypatch.setenv(faults.ENVIRONMENT, f"{COMMIT_POINT}=eio")
    with pytest.raises(OSError):
        store.commit(pending, NAME)  # type: ignore[arg-type]
    monkeypatch.delenv(faults.ENVIRONMENT)
    assert not store.exists(NAME) and store.sizes() == {}
    # ... and an upload that a crash cut off half-way is swept as well
    store._client.create_multipart_upload(Bucket=store.bucket, Key=f"{store._prefix}ab/{NAME}")
    assert store.clean_pending() == 2
    assert store.clean_pending() == 0


def test_documents_are_replaced_whole(store: S3Store) -> None:
    assert store.open_document("state") is None
    store.write_document("state", io.BytesIO(b"one"))
    store.write_document("state", io.BytesIO(b"two"))
    opened = store.open_document("state")
    assert opened is not None and opened.read() == b"two"
    assert store.sizes() == {}  # documents are not objects
    with pytest.raises(CaesarError, match="not a valid document name"):
        store.write_document("../keys", io.BytesIO(b"x"))


def test_a_damaged_object_is_set_aside_not_deleted(store: S3Store) -> None:
    assert store.commit(_write(store, b"damaged"), NAME)  # type: ignore[arg-type]
    assert store.set_aside(NAME)
    assert not store.exists(NAME) and not store.set_aside(NAME)
    kept = store._client.list_objects_v2(Bucket=store.bucket, Prefix=f"{store._prefix}.damaged/")
    assert [o["Size"] for o in kept["Contents"]] == [7]
    store.put(NAME, io.BytesIO(b"good copy"))
    with store.open(NAME) as f:
        assert f.read() == b"good copy"


def test_wrong_keys_are_named_without_showing_them(
        bucket_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-at-all")
    with pytest.raises(StoreUnreachable) as raised:
        S3Store(bucket_url).ensure()
    shown = f"{raised.value} {raised.value.hint}"
    assert bucket_url in shown and "AWS_SECRET_ACCESS_KEY" in shown
    assert "not-the-secret-at-all" not in shown


def test_a_server_that_does_not_answer_is_named(
        bucket_url: str, s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAESAR_S3_ENDPOINT", "http://127.0.0.1:9")  # discard: nothing listens
    with pytest.raises(StoreUnreachable, match="could not be reached") as raised:
        S3Store(bucket_url).exists(NAME)
    assert "CAESAR_S3_ENDPOINT" in (raised.value.hint or "")


@pytest.mark.parametrize("url", ["s3://", "s3://A_Bucket/x", "s3://b/../x", "s3://bucket/a b"])
def test_a_malformed_url_is_refused(url: str) -> None:
    with pytest.raises(CaesarError, match="S3 store URL"):
        parse_url(url)


def test_a_batch_is_stored_and_a_taken_name_keeps_its_first_copy(store: S3Store) -> None:
    names = [NAME, "cd" + NAME[2:], "ef" + NAME[2:]]
    assert store.commit(_write(store, b"first"), NAME)  # type: ignore[arg-type]
    batch = [(_write(store, f"object {i}".encode()), name) for i, name in enumerate(names)]
    assert store.commit_many(batch) == [False, True, True]  # type: ignore[arg-type]
    with store.open(NAME) as f:
        assert f.read() == b"first"
    for i, name in enumerate(names[1:], start=1):
        with store.open(name) as f:
            assert f.read() == f"object {i}".encode()
    assert store.clean_pending() == 0
