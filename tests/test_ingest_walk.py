"""Every entry of a SOURCE accounted for: `stored + duplicates + skipped = files_seen`, and
whatever cannot be opened is named as deep as the walk reached, with its reason."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSPHRASE, Caesar
from photos import camera_jpeg

from caesar.core import Archive
from caesar.sources import FileEntry, SkippedEntry, walk_source
from caesar.vault.keys import KdfCost

PATH_MAX = os.pathconf("/", "PC_PATH_MAX")


def _descend(root: Path, names: list[str]) -> int:
    """A descriptor of root/names[0]/names[1]/..., made level by level (the path may be longer
    than PATH_MAX, which no single call could name)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for name in names:
        os.mkdir(name, dir_fd=fd)
        inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    return fd


def _write(fd: int, name: str, data: bytes) -> None:
    out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=fd)
    os.write(out, data)
    os.close(out)


def _deep_names() -> list[str]:
    """Folders whose joined path is longer than PATH_MAX, each name within NAME_MAX."""
    return [f"{i:02d}-" + "x" * 240 for i in range(PATH_MAX // 240 + 2)]


def _balanced(report: dict[str, Any]) -> bool:
    return bool(report["files_seen"] == report["stored"] + report["duplicates"]
                + len(report["skipped"]))


def test_a_file_deeper_than_path_max_is_preserved_under_its_full_path(
        caesar: Caesar, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    camera_jpeg(src / "top.jpg", seed=1)
    deep = camera_jpeg(tmp_path / "deep.jpg", seed=2)
    names = _deep_names()
    fd = _descend(src, names)
    _write(fd, "deep.jpg", deep)
    os.close(fd)
    deep_path = "/".join([*names, "deep.jpg"])
    assert len(os.fsencode(str(src / deep_path))) > PATH_MAX

    report = caesar.json("ingest", str(src))
    assert (report["files_seen"], report["stored"], report["skipped"]) == (2, 2, [])
    assert _balanced(report)
    photos = caesar.json("photos", "list")
    held = {s["path"]: p["sha256"] for p in photos for s in p["sightings"]}
    assert set(held) == {"top.jpg", deep_path}
    assert caesar.archive is not None
    opened = Archive.open(caesar.archive, PASSPHRASE)
    try:
        assert opened.vault.read_bytes("original", held[deep_path]) == deep
    finally:
        opened.close()


def test_an_entry_that_vanishes_during_the_walk_is_named(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "b-folder").mkdir(parents=True)
    for name in ("a.jpg", "c.jpg", "d.jpg"):
        (src / name).write_bytes(name.encode())
    walk = walk_source(str(src))
    first = next(walk)  # the folder is listed: now take entries away under the walk
    (src / "b-folder").rmdir()
    (src / "c.jpg").unlink()
    assert [first, *walk] == [
        FileEntry("a.jpg", str(src / "a.jpg")),
        SkippedEntry("b-folder", "vanished while the source was being read"),
        SkippedEntry("c.jpg", "vanished while the source was being read"),
        FileEntry("d.jpg", str(src / "d.jpg")),
    ]


def test_a_walk_stopped_early_closes_every_folder(tmp_path: Path) -> None:
    fd = _descend(tmp_path, ["a"] * 30)
    _write(fd, "bottom.jpg", b"x")
    os.close(fd)
    before = len(os.listdir("/proc/self/fd"))
    walk = walk_source(str(tmp_path))
    assert next(walk).path == "/".join(["a"] * 30 + ["bottom.jpg"])
    assert len(os.listdir("/proc/self/fd")) >= before + 30  # one open folder a level
    walk.close()
    assert len(os.listdir("/proc/self/fd")) == before


def _as_nobody(command: list[str], nofile: int) -> list[str]:
    limit = f"--nofile={nofile}:{nofile}"
    if os.geteuid() == 0:
        return ["prlimit", limit, "setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", *command]
    return ["prlimit", limit, *command]


@pytest.fixture
def shared_base() -> Iterator[Path]:
    # As root the command runs as nobody (root reads everything), in a folder nobody can reach
    # (pytest's own temporary folders are private to root).
    base = Path(tempfile.mkdtemp(prefix="caesar-walk-"))
    base.chmod(0o755)
    yield base
    for folder in base.rglob("*"):
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(0o755)
    shutil.rmtree(base)


@pytest.mark.skipif(shutil.which("prlimit") is None or (
    os.geteuid() == 0 and shutil.which("setpriv") is None),
    reason="needs prlimit, and setpriv to drop root's right to read anything")
def test_folders_that_cannot_be_opened_are_named_and_counted(shared_base: Path) -> None:
    src = shared_base / "src"
    camera_jpeg(src / "ok.jpg", seed=1)
    camera_jpeg(src / "locked" / "inside.jpg", seed=2)
    (src / "locked").chmod(0)  # cannot be opened at all
    camera_jpeg(src / "no-entry" / "a.jpg", seed=3)
    camera_jpeg(src / "no-entry" / "b.jpg", seed=4)
    (src / "no-entry").chmod(0o644)  # its names can be listed, its entries not reached
    # With 128 descriptors the walk holds at most 64 folders open: the 65th is named.
    fd = _descend(src, ["n"] * 70)
    _write(fd, "bottom.jpg", b"out of reach")
    os.close(fd)
    # A folder and a file whose joined path reads as markup ('[/oops]' would stop a printer
    # that took it as such).
    (src / "[bold]x[").mkdir()
    (src / "[bold]x[" / "oops].jpg").write_bytes(b"a path that looks like markup")
    Archive.create(shared_base / "archive", PASSPHRASE, kdf_cost=KdfCost.test).close()
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "nobody", str(shared_base / "archive")], check=True)
    command = [sys.executable, "-m", "caesar", "--archive", str(shared_base / "archive"),
               "ingest", str(src)]
    env = {**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE, "COLUMNS": "200"}

    done = subprocess.run(_as_nobody([*command, "--json"], 128), capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    too_deep = "/".join(["n"] * 65)
    skipped = [("locked", "folder cannot be opened: Permission denied"),
               ("n/" * 64 + "n", "folder nested more than 64 folders deep: not opened"),
               ("no-entry/a.jpg", "cannot be read: Permission denied"),
               ("no-entry/b.jpg", "cannot be read: Permission denied")]
    assert [(s["path"], s["reason"]) for s in report["skipped"]] == skipped
    assert too_deep == skipped[1][0]
    assert (report["files_seen"], report["stored"]) == (6, 2)
    assert _balanced(report)

    again = subprocess.run(_as_nobody(command, 128), capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert "6 entries seen: 0 stored, 2 already in the archive, 4 skipped." in again.stderr
    for path, reason in skipped:
        assert f"skipped {src}: {path}: {reason}" in again.stderr
    assert "[bold]x[/oops].jpg: not_image" in again.stderr  # printed as named, not as markup


def test_a_bundle_part_name_past_path_max_is_preserved_as_a_file(caesar: Caesar,
                                                                  tmp_path: Path) -> None:
    # Its folder can be listed by path, the part's own path cannot: finding bundles once
    # stopped ingest with "File name too long" here.
    src = tmp_path / "src"
    src.mkdir()
    room = PATH_MAX - len(os.fsencode(str(src))) - 20  # the folder's path ends 20 bytes short
    names = ["x" * 200] * (room // 201) + ["y" * (room % 201 - 1)]
    fd = _descend(src, names)
    part = "0123456789abcdef0123456789abcdef.001"
    _write(fd, part, b"not really a sealed bundle")
    os.close(fd)
    assert len(os.fsencode(str(src / "/".join(names)))) < PATH_MAX
    report = caesar.json("ingest", str(src))
    assert (report["files_seen"], report["stored"], report["skipped"]) == (1, 1, [])
    [photo] = caesar.json("photos", "list")
    assert photo["sightings"][0]["path"] == "/".join([*names, part])
