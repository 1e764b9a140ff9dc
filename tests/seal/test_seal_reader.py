"""Opening bundles in the archive: finding parts, and every kind of damage named plainly."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
from pyrage import x25519
from seal_helpers import LABEL, Sealed, isolated_state, read_all, seal_day

from caesar.seal.errors import BundleDamaged, BundleError, BundlePartMissing
from caesar.seal.reader import Bundle, find_bundles, open_bundle
from caesar.seal.writer import SealRequest, seal

__all__ = ["isolated_state"]

PART = 256 * 1024


@pytest.fixture
def sealed(tmp_path: Path) -> Sealed:
    """A day of photos plus 3 MB of other files, in parts of 256 KiB."""
    day = tmp_path / "day" / "2013-08-02"
    day.mkdir(parents=True)
    for i in range(3):
        (day / f"scan_{i}.bin").write_bytes(os.urandom(1 << 20))
    return seal_day(tmp_path, photos=4, part_size=PART)


def _open(s: Sealed) -> Bundle:
    [ref] = find_bundles(s.out)
    return open_bundle(ref, str(s.identity))


def _raises(s: Sealed, kind: type[BundleError]) -> BundleError:
    """Open and read the whole bundle; the error it must end in, naming the bundle."""
    with pytest.raises(kind) as caught:
        for member in _open(s).members():
            member.stream.read()
    assert s.result.bundle_id is not None and s.result.bundle_id in caught.value.message
    assert caught.value.exit_code == 1
    return caught.value


def test_reads_back_what_was_sealed(sealed: Sealed) -> None:
    bundle = _open(sealed)
    assert bundle.record.device_label == LABEL and bundle.record.part_size == PART
    contents = read_all(sealed.out, str(sealed.identity))
    assert set(contents) == {f"day/{p}" for p in (*sealed.drive.sha256, *(
        f"2013-08-02/scan_{i}.bin" for i in range(3)))}
    assert len(sealed.result.parts) > 10


def test_tampered_in_the_middle(sealed: Sealed) -> None:
    middle = sealed.result.parts[len(sealed.result.parts) // 2]
    data = bytearray(middle.read_bytes())
    data[len(data) // 2] ^= 0x01
    middle.write_bytes(data)
    error = _raises(sealed, BundleDamaged)
    assert "altered" in error.message and middle.name in error.message
    # Streaming handed out members before the damage showed: the error says which, so that the
    # caller drops them; a first pass that only authenticates hands out nothing at all.
    assert error.delivered
    with pytest.raises(BundleDamaged) as first_pass:
        _open(sealed).authenticate()
    assert first_pass.value.delivered == ()


def test_truncated(sealed: Sealed) -> None:
    last = sealed.result.parts[-1]
    last.write_bytes(last.read_bytes()[:-1000])
    assert "cut short" in _raises(sealed, BundleDamaged).message


def test_a_middle_part_cut_short_is_found_on_opening(sealed: Sealed) -> None:
    part = sealed.result.parts[2]
    part.write_bytes(part.read_bytes()[:-1])
    with pytest.raises(BundleDamaged, match=part.name):
        _open(sealed)


def test_sealed_to_another_key(sealed: Sealed) -> None:
    [ref] = find_bundles(sealed.out)
    with pytest.raises(BundleDamaged, match="another archive's key") as caught:
        open_bundle(ref, str(x25519.Identity.generate()))
    assert ref.bundle_id in caught.value.message


@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_a_part_missing(sealed: Sealed, which: str) -> None:
    parts = sealed.result.parts
    gone = {"first": parts[0], "middle": parts[len(parts) // 2], "last": parts[-1]}[which]
    gone.unlink()
    error = _raises(sealed, BundlePartMissing)
    assert gone.name in error.message


def test_parts_of_another_bundle_renamed_in(tmp_path: Path, sealed: Sealed) -> None:
    other_out = tmp_path / "other"
    other_out.mkdir()
    other = seal(SealRequest(sources=[str(sealed.drive.root)],
                             recipient=str(sealed.identity.to_public()), out=other_out,
                             part_size=PART))
    sealed.result.parts[1].write_bytes(other.parts[1].read_bytes())
    _raises(sealed, BundleDamaged)


def test_find_bundles_among_other_files(tmp_path: Path, sealed: Sealed) -> None:
    sub = sealed.out / "older"
    sub.mkdir()
    second = seal(SealRequest(sources=[str(sealed.drive.root)],
                              recipient=str(sealed.identity.to_public()), out=sub))
    (sealed.out / "notes.txt").write_text("hello")
    (sealed.out / f"{sealed.result.bundle_id}.01").write_text("not canonical")
    (sub / "link.001").symlink_to(sealed.result.parts[0])
    (sub / f"{'a' * 32}.001").symlink_to(sealed.result.parts[0])
    refs = find_bundles(sealed.out)
    assert [(r.bundle_id, r.parts) for r in refs] == sorted(
        [(sealed.result.bundle_id, sealed.result.parts), (second.bundle_id, second.parts)],
        key=lambda pair: next(r.folder for r in refs if r.bundle_id == pair[0]))
    # a part given on its own brings its siblings
    [single] = find_bundles(sealed.result.parts[3])
    assert single.parts == sealed.result.parts
    assert find_bundles(sealed.out / "notes.txt") == []


def test_memory_stays_flat_for_a_large_file(tmp_path: Path) -> None:
    day = tmp_path / "day"
    day.mkdir()
    big = os.urandom(1 << 20) * 40  # 40 MiB
    (day / "big.bin").write_bytes(big)
    identity = x25519.Identity.generate()
    out = tmp_path / "usb"
    out.mkdir()
    tracemalloc.start()
    seal(SealRequest(sources=[str(day)], recipient=str(identity.to_public()), out=out))
    sealing_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    [ref] = find_bundles(out)
    done = 0
    for member in open_bundle(ref, str(identity)).members():
        while block := member.stream.read(1 << 20):
            assert block == big[done:done + len(block)]
            done += len(block)
    reading_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert done == len(big)
    assert sealing_peak < 8 << 20 and reading_peak < 16 << 20, (sealing_peak, reading_peak)
