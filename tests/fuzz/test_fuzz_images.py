"""Fuzzing what intake reads from every file: image headers, EXIF and XMP (`inspect_file`).

Intake preserves every file whatever it holds, so inspection must never raise: damaged content
is a flag, damaged metadata is kept as "unreadable", and what it keeps is strict JSON (it is
shown by `photos show --json`)."""

from __future__ import annotations

import io
import json
import tempfile
from functools import cache
from pathlib import Path

from fuzzing import fuzz, mark, mutated
from hypothesis import given
from hypothesis import strategies as st
from photos import camera_jpeg, phone_jpeg
from PIL import Image

from caesar.intake.inspect import Inspection, inspect_file
from caesar.media import OCTET_STREAM

pytestmark = mark


@cache
def _seeds() -> tuple[bytes, ...]:
    """Whole files of each kind intake meets, to mutate: cameras' and phones' JPEGs (EXIF,
    GPS, XMP), and the other formats Pillow opens."""
    with tempfile.TemporaryDirectory() as folder:
        camera = camera_jpeg(Path(folder) / "c.jpg", seed=1, size=(64, 48))
        phone = phone_jpeg(Path(folder) / "p.jpg", place="Mezzeh", owner="someone",
                           size=(48, 32))
    image = Image.open(io.BytesIO(camera))
    others = []
    for kind in ("PNG", "TIFF", "GIF", "BMP", "WEBP"):
        out = io.BytesIO()
        image.save(out, kind, exif=image.getexif())
        others.append(out.getvalue())
    return camera, phone, *others


_SIGNATURES = [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM",
               b"RIFF\x00\x00\x00\x00WEBP", b""]


def _inspected(data: bytes) -> Inspection:
    result = inspect_file(io.BytesIO(data), len(data), thumbnail_px=64)
    json.dumps(result.exif, allow_nan=False)  # what `photos show --json` prints
    return result


@fuzz
@given(mutated(_seeds))
def test_mutated_images_are_inspected_without_raising(data: bytes) -> None:
    _inspected(data)


@fuzz
@given(st.sampled_from(_SIGNATURES), st.binary(max_size=512))
def test_random_content_behind_a_signature_is_inspected_without_raising(
        signature: bytes, rest: bytes) -> None:
    result = _inspected(signature + rest)
    # Decoded, or said why not; content behind no signature may also be what libmagic says it
    # is (two random bytes can be "EBCDIC text"), which is no finding (docs/design.md).
    assert result.pdq is not None or result.flags or (
        signature == b"" and result.media_type != OCTET_STREAM)
