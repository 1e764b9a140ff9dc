"""Fuzzing a partner's BagIt bag: bagit.txt, bag-info.txt, manifests and fetch.txt as sent.

`read_bag` never raises for a bad bag: every problem is a sentence in the reading, so that
intake can preserve the bag's files and report why it is invalid."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from fuzzing import fuzz, mark
from hypothesis import example, given
from hypothesis import strategies as st

from caesar.intake.bag import BagReading, read_bag

pytestmark = mark

_SHA256_OF_PHOTO = "55c64d0fcd6f9d5f7c828093857e3fdfda68478bb4e9bd24d481ef391c7804e8"
_VALID = {
    "bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    "bag-info.txt": b"Source-Organization: A partner\nBag-Size: 1 KB\nPayload-Oxum: 5.1\n",
    "manifest-sha256.txt": f"{_SHA256_OF_PHOTO}  data/photo.jpg\n".encode(),
    "fetch.txt": b"http://example.org/x 5 data/photo.jpg\n",
}
_LINES = st.sampled_from([
    b"BagIt-Version: 0.97", b"BagIt-Version: 1.0", b"BagIt-Version: 99999999999999999999.1",
    b"Tag-File-Character-Encoding: UTF-8", b"Tag-File-Character-Encoding: utf-16",
    b"Tag-File-Character-Encoding: rot13", b"Tag-File-Character-Encoding: idna",
    b"Payload-Oxum: 5.1", b"Payload-Oxum: x.y", b"Payload-Oxum: -1.-1",
    b"Bag-Size: huge", b"  continued", b"\tcontinued", b"Label:value", b": no label",
    f"{_SHA256_OF_PHOTO}  data/photo.jpg".encode(), b"abc data/%0A%25x", b"abc ../../etc/passwd",
    b"abc data/\x00", b"abc /abs", b"abc C:\\x", b"- 1 data/photo.jpg", b"\xef\xbb\xbf",
    b"\xff\xfe", b"", b"#comment", b"abc *data/photo.jpg", b"abc data/./photo.jpg",
])


@st.composite
def _tag_file(draw: st.DrawFn, name: str) -> bytes | None:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return None
    if choice == 1:
        return _VALID[name]
    if choice == 2:
        return b"\n".join(draw(st.lists(_LINES, max_size=6))) + draw(st.sampled_from(
            [b"", b"\n", b"\r\n"]))
    return draw(st.binary(max_size=200))


@st.composite
def _bag(draw: st.DrawFn) -> dict[str, bytes]:
    files = {name: content for name in _VALID
             if (content := draw(_tag_file(name))) is not None}
    extra = draw(st.sampled_from(["manifest-md5.txt", "tagmanifest-sha256.txt",
                                  "manifest-nosuch.txt", "tagmanifest-sha512.txt", None]))
    if extra:
        files[extra] = b"\n".join(draw(st.lists(_LINES, max_size=4)))
    return files


def _read(files: dict[str, bytes]) -> BagReading:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "data").mkdir()
        (root / "data" / "photo.jpg").write_bytes(b"photo")
        for name, content in files.items():
            (root / name).write_bytes(content)
        return read_bag(root)


# Found by fuzzing (each raised from inside read_bag, so `ingest` stopped with a traceback):
# the tag file named in the problem, and what it should say.
_FOUND = [
    ({"bagit.txt": b"\x80"}, "bagit.txt is not utf-8 text"),  # UnicodeDecodeError in bagit
    ({"bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: rot13\n",
      "manifest-sha256.txt": _VALID["manifest-sha256.txt"]},
     "bagit.txt names an unknown character encoding 'rot13'"),  # LookupError
    ({"bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: idna\n",
      "fetch.txt": b"\xff"}, "fetch.txt is not idna text"),  # UnicodeError on 'replace'
    ({"bagit.txt": b"BagIt-Version: 1.0\nBagIt-Version: 1.0\n"
                   b"Tag-File-Character-Encoding: UTF-8\n",
      "manifest-sha256.txt": _VALID["manifest-sha256.txt"]},
     "the BagIt validator cannot read this bag (AttributeError"),  # in bagit itself
]


@pytest.mark.parametrize(("files", "problem"), _FOUND)
def test_tag_files_fuzzing_found_are_named_problems(files: dict[str, bytes],
                                                    problem: str) -> None:
    reading = _read(files)
    assert any(p.startswith(problem) for p in reading.problems), reading.problems


@fuzz
@given(_bag())
@example({"bagit.txt": _VALID["bagit.txt"], "manifest-sha256.txt": b"abc data/%0A%25x\n"})
def test_any_tag_files_give_a_reading_with_problems_never_an_exception(
        files: dict[str, bytes]) -> None:
    reading = _read(files)
    assert all(isinstance(p, str) and p for p in reading.problems)
    if "bagit.txt" not in files:
        assert "bagit.txt is missing: this is not a valid bag" in reading.problems
    whole = {name: _VALID[name] for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")}
    if files == whole:
        assert reading.problems == () and reading.entries[0].path == "photo.jpg"
