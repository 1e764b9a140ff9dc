"""Fuzzing the names a drive can hold: any bytes but '/' and NUL, nested, through the intake
walk. Every file is listed once under its own path, byte for byte (undecodable bytes kept as
surrogate escapes), and nothing is listed that is not there."""

from __future__ import annotations

import os
import tempfile

from fuzzing import fuzz, mark
from hypothesis import given
from hypothesis import strategies as st

from caesar.sources import FileEntry, walk_source

pytestmark = mark

_NAME = st.binary(min_size=1, max_size=255).filter(
    lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b".."))
_TREE = st.recursive(st.just(b"file"), lambda inner: st.dictionaries(_NAME, inner, max_size=4),
                     max_leaves=12)


def _make(fd: int, tree: dict[bytes, object], prefix: bytes, made: list[bytes]) -> None:
    for name, inner in tree.items():
        if isinstance(inner, dict):
            os.mkdir(name, dir_fd=fd)
            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            try:
                _make(sub, inner, prefix + name + b"/", made)
            finally:
                os.close(sub)
        else:
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
            made.append(prefix + name)


@fuzz
@given(st.dictionaries(_NAME, _TREE, max_size=5))
def test_every_file_of_any_names_is_listed_once_under_its_path(
        tree: dict[bytes, object]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        made: list[bytes] = []
        try:
            _make(root, tree, b"", made)
        finally:
            os.close(root)
        entries = list(walk_source(folder))
        assert all(isinstance(e, FileEntry) for e in entries)
        assert sorted(os.fsencode(e.path) for e in entries) == sorted(made)
        for entry in entries:
            assert isinstance(entry, FileEntry) and os.path.isfile(entry.location)
