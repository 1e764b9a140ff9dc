"""Short synthetic videos, encoded with PyAV from frames the generator draws (never real imagery).

A phone's video is an MP4 or MOV of H.264 with the device and the place in its QuickTime tags;
:func:`write_video` writes such a file (or an MKV or WebM) from any frames, and
:func:`moving_frames` draws abstract frames that change from second to second, so that their
frame hashes differ along the video as a real scene's do.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from caesar.demo.render import (
    CANVAS_H,
    CANVAS_W,
    View,
    clamp_view,
    compose_subject,
    render_view,
)

CODECS = {".mp4": "libx264", ".mov": "libx264", ".m4v": "libx264", ".mkv": "libx264",
          ".webm": "libvpx-vp9"}
"""The codec each kind of file is written with (by its name's ending)."""


def moving_frames(seconds: float, fps: int, width: int, height: int, seed: int = 0
                  ) -> Iterator[np.ndarray]:
    """RGB frames of an abstract scene: a new arrangement of soft shapes each second, drifting.

    Textured enough that PDQ rates the frames' quality well (flat colour hashes poorly).
    """
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    scene: np.ndarray | None = None
    for index in range(round(seconds * fps)):
        if index % fps == 0:  # a new scene each second
            blobs = rng.uniform(0, 1, size=(6, 5))
            scene = np.zeros((height, width, 3), np.float32)
            for bx, by, radius, tone, hue in blobs:
                d = (xs - bx * width) ** 2 + (ys - by * height) ** 2
                glow = np.exp(-d / (2 * (radius * 0.3 * width + 2) ** 2))
                colour = np.array([tone, hue, 1 - tone], np.float32) * 255
                scene += glow[..., None] * colour
            scene += rng.normal(0, 12, size=scene.shape).astype(np.float32)
        assert scene is not None
        shift = index % fps  # a slow drift within the second
        yield np.clip(np.roll(scene, shift, axis=1), 0, 255).astype(np.uint8)


def scene_frames(rng: random.Random, seconds: float, fps: int, size: tuple[int, int]
                 ) -> Iterator[np.ndarray]:
    """The generator's own abstract scene (`compose_subject`), the camera panning across it and
    closing in, as a phone held by a walking person films: frames of `size` pixels."""
    scene = compose_subject(rng, category="scene")
    count = round(seconds * fps)
    for index in range(count):
        t = index / max(1, count - 1)
        view = clamp_view(View(CANVAS_W * (0.4 + 0.2 * t), CANVAS_H * 0.5, 1.1 + 0.6 * t,
                               4.0 * t))
        yield np.asarray(render_view(scene, view, size).convert("RGB"))


def write_video(path: Path, frames: Iterable[np.ndarray], *, fps: int = 10,
                tags: Mapping[str, str] | None = None, codec: str | None = None,
                bit_rate: int | None = None) -> Path:
    """Encode `frames` (RGB arrays of one size) into `path` (its folder made if needed); its
    ending says the container.

    `tags` become the container's metadata (QuickTime's `com.apple.quicktime.*` keys in a MOV
    or MP4, plain keys in MKV). Returns `path`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {"movflags": "use_metadata_tags"} if path.suffix.lower() in (
        ".mp4", ".mov", ".m4v") else {}
    with av.open(str(path), mode="w", options=options) as container:
        for key, value in (tags or {}).items():
            container.metadata[key] = value
        stream = container.add_stream(codec or CODECS[path.suffix.lower()], rate=fps)
        if not isinstance(stream, av.VideoStream):
            raise ValueError(f"{codec} is not a video codec")
        stream.pix_fmt = "yuv420p"
        if bit_rate:
            stream.bit_rate = bit_rate
        started = False
        for rgb in frames:
            if not started:
                stream.height, stream.width = rgb.shape[:2]
                stream.time_base = Fraction(1, fps)
                started = True
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
