"""Cameras' raw files (DNG, and the raw formats of Canon, Nikon, Sony and others) as Pillow images.

A raw file holds the sensor's readings, one colour per pixel behind a colour filter; the
picture is made from them by demosaicing, which LibRaw (through `rawpy`) does. Registering
:class:`RawImageFile` as a Pillow format makes every stage that opens an original (intake's
inspection and thumbnail, the number reader, safe viewing, exports, examination) open a raw
file the way it opens a JPEG, with no second code path to keep in step.

Why a plugin written here: Pillow's TIFF reader opens a DNG's first image, which is a small
preview (or refuses the colour-filter data outright), and no maintained package teaches Pillow
raw files. The plugin is checked before Pillow's TIFF reader, and gives way to it for any TIFF
that is not a camera's raw file.

Metadata: DNG and most raw formats (CR2, NEF, ARW, PEF) are TIFF files underneath, so their
EXIF is the file's own TIFF directories, read with Pillow's EXIF parser. The camera's own
containers (CR3, RAF, ORF, RW2) are decoded, but their metadata is not read.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType
from typing import Any, Final

from PIL import Image, ImageFile


@contextmanager
def _one_openmp_thread() -> Iterator[None]:
    """OMP_NUM_THREADS=1 while a library that carries its own OpenMP runtime is loaded.

    LibRaw demosaics on OpenMP threads, and they do not survive fork(): a worker forked after
    its parent decoded one raw file waits forever on threads that were never copied (intake's
    workers are forked). libgomp reads the variable once, when it is loaded; it is put back
    afterwards, so no other library's threads are limited.
    """
    before = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["OMP_NUM_THREADS"]
        else:
            os.environ["OMP_NUM_THREADS"] = before


@cache
def _libraw() -> ModuleType:
    """rawpy, loaded on one OpenMP thread, the first time a raw file is opened: a command
    that never meets one (intake's first stage) never pays for loading LibRaw and NumPy."""
    with _one_openmp_thread():
        import rawpy
    return rawpy


FORMAT: Final = "RAW"
DNG: Final = "image/x-adobe-dng"
_DNG_VERSION: Final = 50706  # DNG 1.6 §6: the tag that makes a TIFF a DNG
_NEW_SUBFILE_TYPE: Final = 254  # TIFF 6.0: bit 0 set says "a reduced-resolution image"
_SUB_IFDS: Final = 330  # TIFF-EP: further images of the file (a raw file's full image)
_CR2: Final = b"CR"  # Canon CR2: a TIFF whose header goes on with "CR" and a version
_TIFF: Final = (b"II*\x00", b"MM\x00*")
# Raw containers that are not TIFF files: Canon CR3 (ISO base media), Fujifilm RAF,
# Olympus ORF and Panasonic RW2 (TIFF-like, with their own magic numbers).
_OTHER_RAW: Final = (b"FUJIFILMCCD-RAW", b"IIRO", b"IIRS", b"MMOR", b"IIU\x00")
_CR3_BRAND: Final = b"crx "
_HEAD: Final = 1024 * 1024  # read to tell a raw file from an ordinary TIFF
MAX_BYTES: Final = 512 * 1024 * 1024
"""Raw files above this size are kept but not decoded: LibRaw reads a file whole, into memory."""


def _accept(prefix: bytes) -> bool:
    return (prefix.startswith(_TIFF) or prefix.startswith(_OTHER_RAW)
            or (prefix[4:8] == b"ftyp" and prefix[8:12] == _CR3_BRAND))


def _raw_tiff(data: bytes) -> tuple[bool, bool]:
    """Whether a TIFF file is a camera's raw file, and whether it is a DNG.

    A DNG says so with its version tag, a CR2 in its header. The raw formats of other makers
    (NEF, ARW, PEF) follow TIFF-EP: the first image is a reduced-resolution preview and the
    full one lies in a sub-directory. An ordinary TIFF (a scan, an edited photo) is none of
    these, and is left to Pillow's TIFF reader.
    """
    exif = Image.Exif()
    exif.load(data)
    if _DNG_VERSION in exif:
        return True, True
    if data[8:10] == _CR2:
        return True, False
    preview_first = int(exif.get(_NEW_SUBFILE_TYPE, 0) or 0) & 1
    return bool(preview_first and _SUB_IFDS in exif), False


class RawImageFile(ImageFile.ImageFile):
    """A camera's raw file, demosaiced by LibRaw when its pixels are first asked for."""

    format = FORMAT
    format_description = "camera raw (LibRaw)"

    def _open(self) -> None:
        assert self.fp is not None
        self.fp.seek(0)
        head = self.fp.read(_HEAD)
        dng = False
        if head.startswith(_TIFF):
            try:  # raw files put their first directory near the start, as cameras write
                raw, dng = _raw_tiff(head)
            except Exception as exc:  # Pillow's EXIF parser raises many types on odd TIFFs
                raise SyntaxError(f"not a raw file: {exc}") from exc
            if not raw:
                raise SyntaxError("an ordinary TIFF, for Pillow's TIFF reader")
        data = head + self.fp.read(MAX_BYTES + 1 - len(head))
        if head.startswith(_TIFF):
            self.info["exif"] = b"Exif\x00\x00" + data  # offsets count from the TIFF header
        if len(data) > MAX_BYTES:  # intake flags it as it flags a decompression bomb
            raise Image.DecompressionBombError(
                f"a raw file over {MAX_BYTES // 2**20} MiB, more than is decoded in memory")
        rawpy = _libraw()
        try:
            self._raw = rawpy.imread(io.BytesIO(data))
            sizes = self._raw.sizes
        except (rawpy.LibRawError, ValueError) as exc:
            if not dng:  # perhaps not a raw file after all: let other formats try
                raise SyntaxError(f"not a raw file LibRaw reads: {_said(exc)}") from exc
            raise OSError(f"DNG data cannot be read ({_said(exc)})") from exc
        self.custom_mimetype = DNG if dng else None
        turned = sizes.flip in (5, 6)  # LibRaw's codes for a quarter turn either way
        width, height = (sizes.height, sizes.width) if turned else (sizes.width, sizes.height)
        self._mode = "RGB"
        self._size = (width, height)
        self._half = False

    def draft(self, mode: str | None, size: tuple[int, int] | None
              ) -> tuple[str, tuple[int, int, int, int]] | None:
        """Decode at half size (LibRaw's own reduction, four sensor pixels to one) when the
        image is wanted at half its size or less: a preview costs a quarter of the work."""
        width, height = self._size
        if size is None or self._half or size[0] * 2 > width or size[1] * 2 > height:
            return None
        self._half = True
        self._size = (width // 2, height // 2)
        return self._mode, (0, 0, width, height)

    def load(self) -> Any:
        if self._im is None:
            rawpy = _libraw()
            try:
                rgb = self._raw.postprocess(half_size=self._half, use_camera_wb=True,
                                            output_bps=8)
            except rawpy.LibRawIOError as exc:
                # The file is read from memory: an I/O error can only be reading past its end.
                raise OSError("the raw data is truncated: it ends before its last pixel") from exc
            except (rawpy.LibRawError, ValueError) as exc:
                raise OSError(f"raw data cannot be decoded ({_said(exc)})") from exc
            finally:
                self._raw.close()
            picture = Image.fromarray(rgb[:, :, :3].copy(), "RGB")
            if picture.size != self._size:  # LibRaw's half size rounds odd sides down
                picture = picture.resize(self._size)
            self.im = picture.im
        return Image.Image.load(self)


def _said(exc: Exception) -> str:
    """What LibRaw said, as text (rawpy passes its messages on as bytes)."""
    said = exc.args[0] if exc.args else type(exc).__name__
    return said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)


def register() -> None:
    """Teach Pillow raw files, ahead of its TIFF reader (which would open a DNG's preview)."""
    Image.register_open(FORMAT, RawImageFile, _accept)
    Image.register_extensions(FORMAT, [".dng", ".cr2", ".cr3", ".nef", ".arw", ".orf", ".rw2",
                                       ".raf", ".pef"])
    # Pillow tries formats in the order of Image.ID; a raw file's TIFF header would otherwise
    # send it to the TIFF reader, which opens the small preview as if it were the photo.
    Image.ID.remove(FORMAT)
    Image.ID.insert(0, FORMAT)
