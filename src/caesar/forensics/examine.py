"""The examination of a set of originals: facts, fingerprints, checks, and the pixels where
they are needed.

Pure: it takes each original's facts and its place in the sequence (and a way to read its
bytes when the pixels must be looked at) and returns the findings. The service
(`service.py`) feeds it from the catalogue and the vault, stores and logs what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from caesar.forensics import checks
from caesar.forensics.facts import OriginalFacts
from caesar.forensics.findings import N_, Examination, Finding, finding, strongest
from caesar.forensics.pasted import CELL_Z, PastedMap, pasted_map
from caesar.forensics.profile import CameraProfile, OutOfOrder, Shot, out_of_order
from caesar.forensics.recompression import (
    CELL,
    LatticeMap,
    grid_offset,
    lattice_map,
    luminance,
)

MAP_MAX_SIDE = 4096  # pixels of the luminance analysed for the map (12 MP fits)


@dataclass(frozen=True)
class Subject:
    """One original to examine: its facts and its place in its camera's sequence."""

    sha256: str
    media_type: str
    facts: OriginalFacts
    shot: Shot


def examine_all(subjects: Iterable[Subject], profiles: dict[str, CameraProfile],
                read: Callable[[str], bytes]) -> list[Examination]:
    """Examine every subject against the profiles of the whole collection."""
    disorder: dict[str, list[OutOfOrder]] = {key: out_of_order(p) for key, p in profiles.items()}
    return [examine_one(s, profiles.get(s.facts.camera_key or ""),
                        disorder.get(s.facts.camera_key or "", []), read) for s in subjects]


def examine_one(subject: Subject, profile: CameraProfile | None, disorder: list[OutOfOrder],
                read: Callable[[str], bytes]) -> Examination:
    """The findings about one original."""
    facts = subject.facts
    if not facts.jpeg:
        return _not_jpeg(subject)
    found = checks.structure_findings(facts)
    not_examined: list[str] = []
    if facts.exif_problem:
        found.append(finding("metadata.exif", "unusual", N_("The EXIF cannot be read."),
                             facts.exif_problem))
    found += checks.camera_findings(facts, profile)
    found += checks.editing_findings(facts)
    found += checks.credentials_findings(facts)
    found += checks.thumbnail_findings(facts)
    found += checks.sequence_findings(subject.shot, disorder)
    if not facts.thumbnail:
        not_examined.append("structure.thumbnail: the file carries no EXIF thumbnail")
    if subject.shot.number is None:
        not_examined.append("metadata.sequence: the file name carries no frame number")
    found += _recompression(subject, profile, read, not_examined)
    return Examination(sha256=subject.sha256, media_type=subject.media_type,
                       strongest=strongest(found), findings=found, camera=facts.camera_key,
                       not_examined=not_examined)


def _not_jpeg(subject: Subject) -> Examination:
    why = subject.facts.problem or "not a JPEG"
    return Examination(
        sha256=subject.sha256, media_type=subject.media_type, strongest="not_examined",
        findings=[], camera=None,
        not_examined=[f"structure, metadata and recompression: {why}; the checks are written"
                      " for the JPEGs cameras write"])


def _recompression(subject: Subject, profile: CameraProfile | None,
                   read: Callable[[str], bytes], not_examined: list[str]) -> list[Finding]:
    """Where the tables are not the camera's: is the camera's compression still in the
    pixels, everywhere, at the aligned grid? Does a region carry it on a grid of its own (a
    block pasted from another photo), or lack it where the rest keeps it?"""
    facts = subject.facts
    if profile is None or not profile.learned or facts.tables is None:
        not_examined.append("recompression: no camera fingerprint to compare the tables with")
        return []
    main = profile.main_tables()
    if main is None or profile.usual(profile.tables, facts.tables):
        return []  # saved with the camera's own tables: no second table to look through
    q1 = tuple(profile.luma[main])
    q2 = tuple(facts.luma)
    if len(q1) != 64 or len(q2) != 64:
        return []
    try:
        y = luminance(read(subject.sha256), MAP_MAX_SIDE)
    except Exception as exc:
        not_examined.append(f"recompression: the image cannot be decoded ({exc})")
        return []
    mapped = lattice_map(y, q1, q2)
    offset = grid_offset(y, q1, q2)
    moved = offset[0] if offset and offset[0] != (0, 0) and offset[1] < 0.6 * offset[2] \
        else None
    pasted = pasted_map(y, q1, q2, moved)
    if mapped is None and pasted is None:
        not_examined.append("recompression: the second compression was coarser than the"
                            " camera's at every frequency looked at, so no trace of the"
                            " camera's compression can survive to be mapped, and no place of"
                            " a pasted region is named")
        return []
    found = []
    if mapped is not None and mapped.has_lattice:
        found.append(finding(
            "recompression.double", "inconsistent",
            N_("The pixels still carry the camera's own compression under a second one: the"
               " photo was decoded and saved again."),
            f"median distance to the camera's quantization lattice {mapped.median:.3f}"
            f" (0 = on it, 0.25 = none) over {mapped.frequencies} frequencies",
            details={"median": mapped.median}))
    if moved is not None and offset is not None:
        found.append(_grid_finding(offset))
    elif mapped is not None and not mapped.has_lattice:
        not_examined.append("recompression.map: the camera's compression is not found at"
                            " any grid offset (saved too coarsely, or resized)")
    if pasted is not None and pasted.cells and pasted.offset is not None:
        found.append(_pasted_finding(pasted, mapped))
    elif mapped is not None and mapped.has_lattice and _compact(mapped.departing):
        found.append(_region_finding(mapped.departing, mapped.cells))
    elif pasted is None:
        not_examined.append("recompression.region: the second compression was too coarse for"
                            " the camera's compression to survive on a shifted grid, so a"
                            " region pasted from another photo cannot be placed; none is named")
    return found


def _compact(cells: list[tuple[int, int]]) -> bool:
    """Do the cells form one patch (touching, corners too)? Cells that lost the camera's
    lattice in several places are more often flat patches than one pasted region."""
    if not cells:
        return False
    rows, cols = max(r for r, _ in cells) + 1, max(c for _, c in cells) + 1
    mask = np.zeros((rows, cols), np.uint8)
    for r, c in cells:
        mask[r, c] = 1
    # OpenCV labels the patches (it is a dependency already; no scipy here).
    patches, _ = cv2.connectedComponents(mask, connectivity=8)
    return patches - 1 == 1


def _box(cells: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    return (min(cols) * CELL, min(rows) * CELL, (max(cols) + 1) * CELL, (max(rows) + 1) * CELL)


def _region_finding(departing: list[tuple[int, int]], cells: list[list[float | None]]
                    ) -> Finding:
    box = _box(departing)
    return finding(
        "recompression.region", "inconsistent",
        N_("In {count} cells of 64 pixels the camera's compression is missing while the rest"
           " of the photo keeps it: a region was pasted or painted there (around x {x}, y"
           " {y})."),
        f"cells (row, column) without the lattice: {departing}; box {box}",
        details={"cells": departing, "map": cells, "cell": CELL, "box": box,
                 "evidence": "aligned"},
        count=len(departing), x=box[0], y=box[1])


def _pasted_finding(pasted: PastedMap, mapped: LatticeMap | None) -> Finding:
    """A region whose blocks carry the camera's compression on a grid of their own; cells
    next to it that lost the aligned lattice, where the rest of the photo keeps it, join it."""
    assert pasted.offset is not None
    cells = set(pasted.cells)
    if mapped is not None and mapped.has_lattice:
        cells |= {(r, c) for r, c in mapped.departing
                  if any(abs(r - r2) <= 1 and abs(c - c2) <= 1 for r2, c2 in pasted.cells)}
    ordered = sorted(cells)
    box = _box(ordered)
    dx, dy = pasted.offset
    return finding(
        "recompression.region", "inconsistent",
        N_("In {count} cells of 64 pixels the photo carries a JPEG compression on a grid"
           " shifted by {dx} and {dy} pixels from the rest: a region was cut from another"
           " photo and pasted there (around x {x}, y {y})."),
        f"cells (row, column) that fit the camera's quantization lattice on the grid at"
        f" offset ({dx}, {dy}): {ordered}; box {box}; evidence per cell, in standard errors"
        f" above the cell's own median over the 64 offsets (a cell counts from"
        f" {CELL_Z}), over {pasted.frequencies} frequencies",
        details={"cells": ordered, "map": pasted.scores, "cell": CELL, "box": box,
                 "evidence": "shifted", "grid": [dx, dy]},
        count=len(ordered), dx=dx, dy=dy, x=box[0], y=box[1])


def _grid_finding(offset: tuple[tuple[int, int], float, float]) -> Finding:
    (dx, dy), best, aligned = offset
    return finding(
        "recompression.grid", "inconsistent",
        N_("The camera's 8-pixel compression grid is shifted by {dx} and {dy} pixels: the"
           " photo was cropped, then saved again."),
        f"lattice distance {best:.3f} at offset ({dx}, {dy}) against {aligned:.3f} on the"
        " aligned grid", dx=dx, dy=dy)
