"""Fuzzing sealed bundles: what is inside the encryption (tar and pax headers, the sealing
record, the manifest) and the encrypted bytes themselves.

Anyone holding `archive.pub` (every documenter) can seal a bundle, so its content is outside
input like any other. Opening, authenticating and streaming a bundle either works or raises
:class:`BundleError` naming the bundle: nothing else, and never a hang."""

from __future__ import annotations

import hashlib
import tempfile
from functools import cache
from pathlib import Path

import pyrage
import pytest
from fuzzing import fuzz, mark
from hypothesis import given
from hypothesis import strategies as st
from pyrage import x25519

from caesar.seal import format as fmt
from caesar.seal.errors import BundleError
from caesar.seal.reader import find_bundles, open_bundle

pytestmark = mark

BUNDLE_ID = "0123456789abcdef0123456789abcdef"
TOP = BUNDLE_ID + "/"


@cache
def _identity() -> x25519.Identity:
    return x25519.Identity.generate()


def _member(name: str, data: bytes, pax: dict[str, str] | None = None) -> bytes:
    return fmt.member_header(name, len(data), pax) + data + fmt.padding(len(data))


def _record() -> bytes:
    return fmt.SealRecord(bundle_id=BUNDLE_ID, sealed_at="2013-08-02T10:00:00Z",
                          device_label="drive 7", tool_version="1", part_size=1 << 20).to_json()


_SPECIAL_JSON = [b"[" * 60_000, b'{"format": "caesar-sealed-bundle/1"}', b"null", b"\xff",
                 b'{"format": "caesar-sealed-bundle/1", "bundle_id": 1}', b"{}" * 3]
_PAX_VALUES = st.sampled_from(["-5", "0", "1" * 5000, "9" * 30, "1.5", "", "x", "-1.000000001",
                               "../../etc/passwd", "\udcff", "data/a", "a" * 64])


@st.composite
def _json(draw: st.DrawFn, valid: bytes) -> bytes:
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return valid
    if choice == 1:
        return draw(st.sampled_from(_SPECIAL_JSON))
    data = bytearray(valid)
    at = draw(st.integers(0, len(data) - 1))
    data[at:at + draw(st.integers(0, 4))] = draw(st.binary(max_size=4))
    return bytes(data)


@st.composite
def _plaintext(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A bundle's tar stream, and whether it was left exactly as the writer makes it."""
    stream = [_member(TOP + fmt.BAGIT_TXT, b"BagIt-Version: 1.0\n"
                      b"Tag-File-Character-Encoding: UTF-8\n")]
    record = draw(_json(_record()))
    stream.append(_member(TOP + fmt.RECORD, record))
    entries, whole = [], record == _record()
    for number in range(draw(st.integers(0, 3))):
        content = draw(st.binary(max_size=600))
        entry = fmt.ManifestEntry(f"day/{number}.jpg", len(content),
                                  hashlib.sha256(content).hexdigest(), 10**18, 10**18)
        pax = {"mtime": fmt.ns_to_pax(entry.mtime_ns), "ctime": fmt.ns_to_pax(entry.ctime_ns),
               fmt.PAX_SHA256: entry.sha256}
        for _ in range(draw(st.integers(0, 2))):
            key = draw(st.sampled_from(["size", "path", "mtime", "ctime", fmt.PAX_SHA256]))
            pax[key] = draw(_PAX_VALUES)
            whole = False
        stream.append(_member(TOP + fmt.DATA + entry.path, content, pax))
        entries.append(entry)
    manifest = fmt.Manifest(BUNDLE_ID, tuple(entries), ()).to_json()
    chosen = draw(_json(manifest))
    stream.append(_member(TOP + fmt.MANIFEST, chosen))
    stream.append(fmt.END_OF_ARCHIVE)
    plain = b"".join(stream)
    cut = draw(st.integers(0, len(plain)))
    if draw(st.booleans()):
        plain = plain[:cut] + draw(st.binary(max_size=16)) + plain[cut + 16:]
    return plain, whole and chosen == manifest and plain == b"".join(stream)


def _open_all(sealed: bytes) -> int:
    """Open, authenticate and stream a one-part bundle as intake does; its files' count."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / fmt.part_name(BUNDLE_ID, 1)).write_bytes(sealed)
        [ref] = find_bundles(folder)
        bundle = open_bundle(ref, str(_identity()))
        bundle.authenticate()
        count = 0
        for member in bundle.members():
            assert len(member.stream.read(member.size)) == member.size
            count += 1
        return count


@fuzz
@given(_plaintext())
def test_whatever_is_sealed_inside_opens_or_is_named_damaged(
        plaintext: tuple[bytes, bool]) -> None:
    plain, whole = plaintext
    sealed = pyrage.encrypt(plain, [_identity().to_public()])
    try:
        _open_all(sealed)
    except BundleError as error:
        assert BUNDLE_ID in error.message
        assert not whole, error.message


@cache
def _sealed_whole() -> bytes:
    return bytes(pyrage.encrypt(_with(), [_identity().to_public()]))


def test_the_whole_bundle_the_fuzzers_start_from_opens() -> None:
    assert _open_all(_sealed_whole()) == 1


@fuzz
@given(st.data())
def test_altered_encrypted_bytes_are_named_damaged(data: st.DataObject) -> None:
    sealed = bytearray(_sealed_whole())
    at = data.draw(st.integers(0, len(sealed) - 1))
    sealed[at:at + data.draw(st.integers(1, 8))] = data.draw(st.binary(max_size=8))
    with pytest.raises(BundleError, match=BUNDLE_ID):
        _open_all(bytes(sealed))


def _with(record: bytes = b"", manifest: bytes = b"", size: str = "") -> bytes:
    content = b"a photo"
    entry = fmt.ManifestEntry("day/a.jpg", len(content), hashlib.sha256(content).hexdigest(),
                              10**18, 10**18)
    pax = {"mtime": fmt.ns_to_pax(entry.mtime_ns), "ctime": fmt.ns_to_pax(entry.ctime_ns),
           fmt.PAX_SHA256: entry.sha256, **({"size": size} if size else {})}
    return b"".join([
        _member(TOP + fmt.BAGIT_TXT, b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
        _member(TOP + fmt.RECORD, record or _record()),
        _member(TOP + fmt.DATA + entry.path, content, pax),
        _member(TOP + fmt.MANIFEST,
                manifest or fmt.Manifest(BUNDLE_ID, (entry,), ()).to_json()),
        fmt.END_OF_ARCHIVE])


@pytest.mark.parametrize(("plain", "said"), [
    # Found by fuzzing: json's parser raised RecursionError out of the reader.
    (_with(record=b"[" * 60_000), "its sealing record is unreadable (JSON nested too deeply)."),
    (_with(manifest=b"[" * 60_000), "its manifest is unreadable."),
    # Found reading the reader beside the fuzzer: a negative pax size was read as a length.
    (_with(size="-5"), "malformed inside (a bad size)."),
])
def test_bundles_fuzzing_found_are_named_damaged(plain: bytes, said: str) -> None:
    with pytest.raises(BundleError) as raised:
        _open_all(pyrage.encrypt(plain, [_identity().to_public()]))
    assert raised.value.message.endswith(said) and BUNDLE_ID in raised.value.message
