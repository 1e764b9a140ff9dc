"""Re-encoded copies of one video, linked to the video they copy (Meta's vPDQ matching).

A video and a re-encoded copy of it (published, shrunk, cut to another format) show the same
frames at the same moments, so their frame hashes (one a second, see
:mod:`caesar.intake.vpdq`) mostly lie within ``copy_distance`` bits of each other. Two videos
match when at least ``video_match_percent`` of each one's frames are found in the other. Of
videos that match, the copy is the one that kept less of the camera: a video with a capture
time and a device (a camera original) is never a copy, and otherwise the one with more pixels,
then the larger file, is taken for the original.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from caesar.cases.grouping import Copy
from caesar.intake.vpdq import FrameHash, compare


@dataclass(frozen=True)
class VideoFacts:
    """What linking knows of one video."""

    sha256: str
    camera_original: bool  # it has a capture time and a device
    pixels: int
    size: int
    frames: tuple[FrameHash, ...]

    def rank(self) -> tuple[bool, int, int, str]:
        """Higher is more likely the original."""
        return self.camera_original, self.pixels, self.size, self.sha256


def find_video_copies(videos: Sequence[VideoFacts], *, distance: int, quality: int,
                      percent: float) -> list[Copy]:
    """Each video that is a re-encoded copy of a better-kept one, with the best such match."""
    copies = []
    ranked = sorted(videos, key=VideoFacts.rank, reverse=True)
    for at, video in enumerate(ranked):
        if video.camera_original:
            continue
        for better in ranked[:at]:
            match = compare(video.frames, better.frames, distance=distance, quality=quality)
            if match is not None and min(match.query_percent,
                                         match.compared_percent) >= percent:
                copies.append(Copy(video.sha256, better.sha256, match.distance))
                break
    return copies
