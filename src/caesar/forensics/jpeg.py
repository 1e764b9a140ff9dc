"""A JPEG file's structure, read marker by marker without decoding a pixel.

Written by hand because no library we use reports the structure itself: Pillow hands over the
quantization tables and the decoded image but not the order of markers, trailing bytes, or
which Huffman tables a file carries, and hostile structure must give a finding that names the
thing, never an exception. The walk follows ITU-T T.81 (B.1): markers, their lengths, the
entropy-coded data after SOS (skipped to the next marker that is not RSTn or a stuffed 0xFF00).
It needs Python's standard library alone: an evidence package carries this very file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MARKER_NAMES = {
    0xD8: "SOI", 0xD9: "EOI", 0xDA: "SOS", 0xDB: "DQT", 0xC4: "DHT", 0xDD: "DRI",
    0xFE: "COM", 0xC0: "SOF0", 0xC1: "SOF1", 0xC2: "SOF2", 0xC3: "SOF3", 0xC5: "SOF5",
    0xC6: "SOF6", 0xC7: "SOF7", 0xC9: "SOF9", 0xCA: "SOF10", 0xCB: "SOF11", 0xCD: "SOF13",
    0xCE: "SOF14", 0xCF: "SOF15", 0xCC: "DAC", 0xDC: "DNL", 0xDE: "DHP", 0xDF: "EXP",
    **{0xE0 + n: f"APP{n}" for n in range(16)},
}
# Zig-zag order (T.81 figure A.6): DQT stores its 64 values in this order.
ZIGZAG = (0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48,
          41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
          30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63)


class JpegStructureError(ValueError):
    """The file's JPEG structure is broken; the message names where and what."""


@dataclass(frozen=True)
class Segment:
    """One marker segment: its name, where it starts, and its payload (without the length)."""

    name: str
    offset: int
    payload: bytes

    @property
    def app_id(self) -> str:
        """What an APPn segment is (Exif, XMP, ICC_PROFILE, JFIF, Photoshop, Adobe, ...)."""
        head = self.payload[:32]
        if head.startswith(b"Exif\x00"):
            return "Exif"
        if head.startswith(b"http://ns.adobe.com/xap/1.0/"):
            return "XMP"
        if head.startswith(b"http://ns.adobe.com/xmp/extension/"):
            return "XMP extension"
        if head.startswith(b"ICC_PROFILE\x00"):
            return "ICC profile"
        if head.startswith(b"Photoshop 3.0\x00"):
            return "Photoshop"
        name = head.split(b"\x00", 1)[0][:16]
        return name.decode("latin-1") if name.isascii() and name else "unnamed"


@dataclass
class JpegStructure:
    """What the markers of one JPEG file say."""

    segments: list[Segment] = field(default_factory=list)
    # table id -> 64 values in natural (row by row) order
    quant: dict[int, tuple[int, ...]] = field(default_factory=dict)
    quant_precision: dict[int, int] = field(default_factory=dict)
    # (class 0=DC/1=AC, id) -> (counts of 16 lengths, symbols)
    huffman: dict[tuple[int, int], tuple[bytes, bytes]] = field(default_factory=dict)
    frame: str | None = None  # SOF0 baseline, SOF2 progressive, ...
    width: int = 0
    height: int = 0
    # (component id, horizontal, vertical sampling, quant table id)
    components: list[tuple[int, int, int, int]] = field(default_factory=list)
    restart_interval: int = 0
    scans: int = 0
    ended: bool = False  # an EOI was found
    trailing: bytes = b""  # bytes after EOI
    problems: list[str] = field(default_factory=list)

    @property
    def markers(self) -> list[str]:
        """The markers in file order (SOS once per scan)."""
        return [s.name for s in self.segments]

    @property
    def subsampling(self) -> str:
        """The chroma subsampling as cameras name it (4:4:4, 4:2:2, 4:2:0, ...)."""
        if len(self.components) < 3:
            return "grey"
        h, v = self.components[0][1], self.components[0][2]
        ch, cv = self.components[1][1], self.components[1][2]
        ratio = (h // max(ch, 1), v // max(cv, 1))
        return {(1, 1): "4:4:4", (2, 1): "4:2:2", (2, 2): "4:2:0", (1, 2): "4:4:0",
                (4, 1): "4:1:1"}.get(ratio, f"{h}x{v}/{ch}x{cv}")

    def apps(self) -> list[str]:
        """The application segments in order, by what they are (APP1:Exif, APP2:ICC ...)."""
        return [f"{s.name}:{s.app_id}" for s in self.segments if s.name.startswith("APP")]

    def app(self, app_id: str) -> Segment | None:
        """The first application segment of that kind, if any."""
        return next((s for s in self.segments if s.name.startswith("APP")
                     and s.app_id == app_id), None)


def is_jpeg(data: bytes) -> bool:
    """Does the content start as a JPEG does?"""
    return data[:3] == b"\xff\xd8\xff"


def read_structure(data: bytes) -> JpegStructure:
    """Walk every marker of `data`. Raises :class:`JpegStructureError` only when the file is
    not a JPEG at all; damage after the start is recorded in ``problems``."""
    if not is_jpeg(data):
        raise JpegStructureError("the file does not start with a JPEG SOI marker (FF D8)")
    found = JpegStructure(segments=[Segment("SOI", 0, b"")])
    pos = 2
    size = len(data)
    while pos < size:
        if data[pos] != 0xFF:
            found.problems.append(f"byte {pos}: expected a marker, found {data[pos]:#04x}")
            return found
        while pos < size and data[pos] == 0xFF:  # fill bytes are allowed before a marker
            pos += 1
        if pos >= size:
            break
        code = data[pos]
        start = pos - 1
        pos += 1
        name = MARKER_NAMES.get(code, f"0x{code:02X}")
        if code == 0xD9:
            found.segments.append(Segment("EOI", start, b""))
            found.ended = True
            found.trailing = data[pos:]
            return found
        if 0xD0 <= code <= 0xD7 or code == 0x01:
            found.problems.append(f"byte {start}: {name} marker outside entropy-coded data")
            continue
        if pos + 2 > size:
            found.problems.append(f"byte {start}: {name} segment cut short")
            return found
        length = int.from_bytes(data[pos:pos + 2], "big")
        if length < 2 or pos + length > size:
            found.problems.append(f"byte {start}: {name} declares {length} bytes, the file"
                                  f" has {size - pos}")
            return found
        payload = data[pos + 2:pos + length]
        found.segments.append(Segment(name, start, payload))
        pos += length
        try:
            _read_segment(found, code, payload)
        except (IndexError, ValueError) as exc:
            found.problems.append(f"byte {start}: {name} segment is malformed ({exc})")
        if code == 0xDA:
            found.scans += 1
            pos = _skip_entropy(data, pos)
    found.problems.append("the file ends without an EOI marker (cut short)")
    return found


def _skip_entropy(data: bytes, pos: int) -> int:
    """The position of the first marker after entropy-coded data (not RSTn, not FF00)."""
    size = len(data)
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= size:
            return size
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1 if following == 0xFF else 2
            continue
        return pos


def _read_segment(found: JpegStructure, code: int, payload: bytes) -> None:
    if code == 0xDB:
        _read_dqt(found, payload)
    elif code == 0xC4:
        _read_dht(found, payload)
    elif code == 0xDD:
        found.restart_interval = int.from_bytes(payload[:2], "big")
    elif 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC):
        if found.frame is not None:
            raise ValueError("a second frame header")
        found.frame = MARKER_NAMES[code]
        found.height = int.from_bytes(payload[1:3], "big")
        found.width = int.from_bytes(payload[3:5], "big")
        count = payload[5]
        for i in range(count):
            cid, sampling, table = payload[6 + 3 * i], payload[7 + 3 * i], payload[8 + 3 * i]
            found.components.append((cid, sampling >> 4, sampling & 15, table))


def _read_dqt(found: JpegStructure, payload: bytes) -> None:
    pos = 0
    while pos < len(payload):
        precision, table = payload[pos] >> 4, payload[pos] & 15
        pos += 1
        width = 2 if precision else 1
        raw = payload[pos:pos + 64 * width]
        if len(raw) < 64 * width:
            raise ValueError(f"quantization table {table} is cut short")
        values = [int.from_bytes(raw[i * width:(i + 1) * width], "big") for i in range(64)]
        natural = [0] * 64
        for i, v in enumerate(values):
            natural[ZIGZAG[i]] = v
        found.quant[table] = tuple(natural)
        found.quant_precision[table] = precision
        pos += 64 * width


def _read_dht(found: JpegStructure, payload: bytes) -> None:
    pos = 0
    while pos < len(payload):
        kind, table = payload[pos] >> 4, payload[pos] & 15
        counts = payload[pos + 1:pos + 17]
        if len(counts) < 16:
            raise ValueError("Huffman table cut short")
        total = sum(counts)
        symbols = payload[pos + 17:pos + 17 + total]
        if len(symbols) < total:
            raise ValueError("Huffman table symbols cut short")
        found.huffman[(kind, table)] = (bytes(counts), bytes(symbols))
        pos += 17 + total
