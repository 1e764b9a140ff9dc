"""What a video holds: container and stream metadata, a keyframe strip, frame hashes, damage.

PyAV (FFmpeg, shipped in its wheel) reads MP4, MOV (QuickTime), MKV and WebM. The file is read
once, in order: frames are decoded one at a time and only small copies of a few are kept, so
memory stays bounded whatever the video's length. Frames are sampled once a second for the
frame hashes (Meta's vPDQ scheme, see :mod:`caesar.intake.vpdq`); four of those samples, spread
over the video, make the thumbnail strip.

Damage is named, never fatal: a video whose index (MP4's `moov`) was never written because the
file was cut short cannot be opened at all; one whose frames stop before the length its
container declares ends early; one whose frames FFmpeg cannot decode is corrupt. Each is
flagged, and the original is kept bit for bit like any other.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, BinaryIO, Final

import av
import av.error
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image

from caesar.intake.vpdq import FrameHash, collapse, frame_hash

READ_TYPES: Final = frozenset({"video/mp4", "video/quicktime", "video/x-matroska",
                                "video/webm", "video/x-m4v", "video/3gpp"})
"""Media types (as libmagic names them) that are read as videos."""
STRIP_FRAMES: Final = 4
"""Frames side by side in a video's thumbnail strip."""
HASH_PX: Final = 128
"""Side of the copy of a frame that PDQ hashes (it works on a 64×64 reduction anyway)."""
_ENDS_EARLY: Final = 0.9
"""A video whose frames stop before this share of its declared length ends early."""
# ISO 6709 as QuickTime and Android write a place: "+37.4220-122.0841+010.000/".
_ISO6709: Final = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?/?$")


@dataclass
class VideoReading:
    """What :func:`read_video` learned; `problem` names damage (`kind` truncated or corrupt)."""

    metadata: dict[str, Any]
    width: int | None = None
    height: int | None = None
    make: str | None = None
    model: str | None = None
    captured_at: str | None = None
    strip: bytes | None = None
    frames: list[FrameHash] | None = None
    kind: str | None = None
    problem: str | None = None


def reads_as_video(media_type: str) -> bool:
    """Whether an original of `media_type` is read as a video."""
    return media_type in READ_TYPES


def read_video(f: BinaryIO, *, thumbnail_px: int, decode: bool, cut_short: bool
               ) -> VideoReading:
    """Read the video in the open file `f`. Never raises for what the content holds.

    `cut_short` says the file's own structure (an MP4 box running past its end) shows it was
    cut short, so that damage found on opening or decoding is called truncation.
    """
    f.seek(0)
    try:
        container = av.open(f, mode="r", metadata_errors="replace")
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        return _damaged(VideoReading({}), cut_short, f"it cannot be opened ({_why(exc)})")
    with container:
        reading = VideoReading(_metadata(container))
        _device_and_time(container.metadata, reading)
        stream = container.streams.video[0] if container.streams.video else None
        if stream is None:
            return reading
        reading.width, reading.height = stream.codec_context.width, stream.codec_context.height
        if decode:
            _frames(container, stream, reading, thumbnail_px, cut_short)
    return reading


def _metadata(container: Any) -> dict[str, Any]:
    seconds = container.duration / av.time_base if container.duration else None
    streams = []
    for s in container.streams:
        entry: dict[str, Any] = {"type": s.type, "codec": s.codec_context.name,
                                 "metadata": dict(s.metadata)}
        if s.duration is not None and s.time_base is not None:
            entry["duration"] = round(float(s.duration * s.time_base), 3)
        if s.type == "video":
            rate = s.average_rate or s.guessed_rate
            entry.update(width=s.codec_context.width, height=s.codec_context.height,
                         frame_rate=round(float(rate), 3) if rate else None)
        elif s.type == "audio":
            entry.update(sample_rate=s.codec_context.sample_rate,
                         channels=s.codec_context.channels)
        streams.append(entry)
    return {"Video": {"container": container.format.name,
                      "duration": round(seconds, 3) if seconds else None,
                      "metadata": dict(container.metadata), "streams": streams}}


def _device_and_time(tags: dict[str, str], reading: VideoReading) -> None:
    """Device, capture time and place from QuickTime (Apple) and MP4 (Android) tags."""
    folded = {key.lower(): value for key, value in tags.items()}  # Matroska's are upper case

    def tag(*names: str) -> str | None:
        for name in names:
            value = (folded.get(name.lower()) or "").strip()
            if value:
                return value
        return None

    reading.make = tag("com.apple.quicktime.make", "make", "com.android.manufacturer")
    reading.model = tag("com.apple.quicktime.model", "model", "com.android.model")
    # Apple's creationdate keeps the local offset; creation_time is the container's UTC time.
    created = tag("com.apple.quicktime.creationdate", "creation_time", "date")
    if created and len(created) >= 19:
        iso = created[:10] + "T" + created[11:19]
        offset = created[19:].lstrip(".0123456789")
        if len(offset) == 5 and offset[0] in "+-":  # Apple writes +0300
            offset = offset[:3] + ":" + offset[3:]
        reading.captured_at = iso + ("+00:00" if offset == "Z" else offset)
    place = _ISO6709.match(tag("com.apple.quicktime.location.ISO6709", "location") or "")
    if place:
        gps = {"latitude": float(place[1]), "longitude": float(place[2])}
        if place[3]:
            gps["altitude"] = float(place[3])
        reading.metadata["Video"]["gps"] = gps


def _frames(container: Any, stream: Any, reading: VideoReading, thumbnail_px: int,
            cut_short: bool) -> None:
    """Sample a frame a second for hashes and the strip, and see where decoding stops."""
    stream.thread_type = "NONE"  # one intake worker, one core: workers are the parallelism
    declared = reading.metadata["Video"]["duration"]
    targets = [declared * (i + 0.5) / STRIP_FRAMES for i in range(STRIP_FRAMES)] if declared \
        else [float(i) for i in range(STRIP_FRAMES)]
    tiles: list[tuple[float, Image.Image] | None] = [None] * STRIP_FRAMES
    hashes: list[FrameHash] = []
    tile = _tile_size(stream, thumbnail_px)
    next_second, last = 0.0, 0.0
    # A scaler of this reading's own, single-threaded: PyAV's shared one (per thread) may
    # have been made with threads by the parent of a forked worker, and those threads do
    # not exist in the child, which then waits for them for ever.
    scaler = VideoReformatter()

    def rgb(frame: Any, width: int, height: int) -> np.ndarray:
        scaled = scaler.reformat(frame, width=width, height=height, format="rgb24", threads=1)
        plane = scaled.planes[0]
        rows = np.frombuffer(memoryview(plane), np.uint8).reshape(height, plane.line_size)
        return rows[:, :width * 3].reshape(height, width, 3).copy()

    try:
        for frame in container.decode(stream):
            at = float(frame.time) if frame.time is not None else last
            last = max(last, at)
            if at + 1e-6 < next_second:
                continue
            next_second = float(int(at)) + 1
            hashes.append(frame_hash(rgb(frame, HASH_PX, HASH_PX), at))
            for i, target in enumerate(targets):
                held = tiles[i]
                if held is None or abs(at - target) < abs(held[0] - target):
                    tiles[i] = (at, Image.fromarray(rgb(frame, *tile)))
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        _damaged(reading, cut_short, f"its {stream.codec_context.name} frames cannot be"
                 f" decoded after {last:.1f} s ({_why(exc)})")
    reading.frames = collapse(hashes)
    if declared and (not hashes or last < declared * _ENDS_EARLY - 0.5):
        shown = f"{last:.1f} s" if hashes else "its start"
        _damaged(reading, True, f"its frames stop at {shown} of the {declared:.1f} s its"
                 " container declares")
    elif not hashes:
        _damaged(reading, cut_short, "no frame of it can be decoded")
    kept = [t[1] for t in tiles if t is not None]
    if kept:
        reading.strip = _strip(kept)


def _tile_size(stream: Any, thumbnail_px: int) -> tuple[int, int]:
    """A strip tile's size: half a photo thumbnail high, as wide as the picture is shown."""
    context = stream.codec_context
    height = max(16, thumbnail_px // 2)
    ratio = Fraction(context.width or 1, context.height or 1)
    if context.sample_aspect_ratio:  # anamorphic video: pixels are not square
        ratio *= Fraction(context.sample_aspect_ratio)
    return max(16, round(height * ratio)), height


def _strip(tiles: list[Image.Image]) -> bytes:
    gap = 2
    strip = Image.new("RGB", (sum(t.width for t in tiles) + gap * (len(tiles) - 1),
                              max(t.height for t in tiles)))
    x = 0
    for tile in tiles:
        strip.paste(tile, (x, 0))
        x += tile.width + gap
    out = io.BytesIO()
    strip.save(out, "JPEG", quality=80)
    return out.getvalue()


def _why(exc: Exception) -> str:
    """FFmpeg's words for an error, without PyAV's errno and file name."""
    return str(getattr(exc, "strerror", None) or exc)


def _damaged(reading: VideoReading, truncated: bool, detail: str) -> VideoReading:
    if reading.problem is None:
        reading.kind = "truncated" if truncated else "corrupt"
        reading.problem = (f"video ends early: {detail}" if truncated
                           else f"video cannot be decoded: {detail}")
    return reading
