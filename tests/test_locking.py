"""One writer at a time: the archive's write lock, and who may append to the custody log."""

from __future__ import annotations

import threading

import pytest
from conftest import PASSPHRASE, Caesar

from caesar.core import Archive
from caesar.errors import ArchiveLocked


def test_a_command_that_writes_is_refused_while_another_writes(caesar: Caesar,
                                                               archive: Archive) -> None:
    size = archive.ledger.state().size
    with archive.writing():
        refused = caesar("users", "add", "rasha", "--role", "analyst", "--json")
        listed = caesar("users", "list", "--json")  # reading needs no lock
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "Another command is changing the archive" in refused.stderr
    assert listed.exit_code == 0 and listed.json() == []
    assert archive.ledger.state().size == size  # nothing was written
    assert caesar("users", "add", "rasha", "--role", "analyst", "--json").exit_code == 0


def test_the_holder_may_take_it_again_and_no_other_thread_meanwhile(archive: Archive) -> None:
    tried: list[BaseException | None] = []

    def other_thread() -> None:
        try:
            with archive.writing():
                tried.append(None)
        except ArchiveLocked as refused:
            tried.append(refused)

    assert not archive.write_lock.held
    with archive.writing():
        with archive.writing():  # a service method that writes, called by one that does
            assert archive.write_lock.held
        assert archive.write_lock.held  # still, until the outer block ends
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert not archive.write_lock.held
    assert len(tried) == 1 and isinstance(tried[0], ArchiveLocked)
    with archive.writing():
        assert archive.write_lock.held


def test_another_archive_object_on_the_same_folder_is_refused(archive: Archive) -> None:
    with Archive.open(archive.path, PASSPHRASE) as second:
        with archive.writing(), pytest.raises(ArchiveLocked, match="Another command"), \
                second.writing():
            pass
        with second.writing():
            assert second.write_lock.held and not archive.write_lock.held
