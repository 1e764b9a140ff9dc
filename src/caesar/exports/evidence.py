"""Evidence packages for courts: a BagIt bag (RFC 8493) of originals with their custody proofs.

Layout (the bag root is ``--out``)::

    bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
    data/originals/<sha256>.<ext>    the originals, decrypted, bit for bit
    data/metadata/<sha256>.json      EXIF/XMP, flags, case, every sighting with its transfer
    data/cases/<id>.json             the case records (numbers, readings, history)
    data/transfers/<id>.json         each hand-over the originals arrived in
    custody/proofs.json              per original: its entry, the salt, the inclusion proof
    custody/checkpoint.txt           the signed checkpoint every proof leads to
    custody/vkey.txt                 the key that checks the checkpoint's signature
    custody/export-entry.json        the entry that records this export, with its proof
    custody/timestamps/              RFC 3161 tokens, the checkpoints they stamp, and
                                     consistency proofs from those to custody/checkpoint.txt
    verification-report.html, .pdf   for a lawyer: what is here and how to check it
    verify_inclusion.py              the checks, with Python's standard library alone

The payload manifest carries the archive's SHA-256 of each original, which the decrypted copy
was checked against as it was written: the bag vouches for what the archive verified, not for
whatever reached the disk. People (operators, analysts, who ran a command) and devices appear
as the pseudonyms the custody log shows for them, unless ``reveal_operators``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from caesar import __version__
from caesar.cases.views import CaseView
from caesar.catalog.queries import PhotoView, TransferView
from caesar.errors import CorruptObject
from caesar.names import json_text

MEDIA_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
                "image/tiff": ".tif", "image/bmp": ".bmp", "image/webp": ".webp",
                "image/heic": ".heic", "image/heif": ".heif", "image/avif": ".avif",
                "image/x-adobe-dng": ".dng",
                "video/mp4": ".mp4", "video/quicktime": ".mov", "video/x-matroska": ".mkv",
                "video/webm": ".webm"}
# bag-info fields and transfer details that name a person or a device.
PERSONAL_INFO = frozenset({"Contact-Name", "Contact-Phone", "Contact-Email"})
DEVICE_INFO = frozenset({"device_label"})


def original_path(sha256: str, media_type: str) -> str:
    """Where an original lies in the bag."""
    return f"data/originals/{sha256}{MEDIA_SUFFIX.get(media_type, '.bin')}"


class People:
    """Names as a package shows them: the custody log's pseudonyms, unless revealed."""

    def __init__(self, pseudonym: Callable[[str], str], *, reveal: bool) -> None:
        self._pseudonym = pseudonym
        self.reveal = reveal

    def name(self, name: str | None) -> str | None:
        """A person's or a device's name, or its pseudonym."""
        if name is None or self.reveal:
            return name
        return f"pseudonym:{self._pseudonym(name)}"

    def transfer(self, view: TransferView) -> dict[str, Any]:
        """A transfer's record with its people and devices masked."""
        data = view.model_dump(mode="json")
        data["operator"] = self.name(view.operator)
        data["actor"] = self.name(view.actor)
        if not self.reveal:
            data["source"] = None  # the path given to ingest can name a person's folder
        info = dict(data["info"])
        for key in PERSONAL_INFO | DEVICE_INFO:
            if isinstance(info.get(key), str):
                info[key] = self.name(info[key])
            elif isinstance(info.get(key), list):
                info[key] = [self.name(v) for v in info[key]]
        data["info"] = info
        return data

    def case(self, view: CaseView) -> dict[str, Any]:
        """A case's record with analysts' names masked."""
        data = view.model_dump(mode="json")
        for reading in data["analyst_readings"]:
            reading["analyst"] = self.name(reading["analyst"])
        for change in data["history"]:
            change["actor"] = self.name(change["actor"])
        return data


class BagWriter:
    """Writes a bag's files and remembers the SHA-256 of each for the manifests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.payload: dict[str, str] = {}
        self.tags: dict[str, str] = {}
        self.payload_bytes = 0

    def original(self, sha256: str, media_type: str, content: Iterable[bytes]) -> str:
        """Write an original from its decrypted chunks; refuse if they are not the original."""
        rel = original_path(sha256, media_type)
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with open(path, "xb") as f:
            for block in content:
                digest.update(block)
                f.write(block)
                size += len(block)
        if digest.hexdigest() != sha256:
            raise CorruptObject(f"The stored original {sha256} does not decrypt to itself.",
                                hint="Run `caesar verify`, then `caesar repair` to put it"
                                " back from a replica, then export again. No package was"
                                " written.")
        self.payload[rel] = sha256  # the archive's hash, which the copy was checked against
        self.payload_bytes += size
        return rel

    def document(self, rel: str, value: Any) -> None:
        """Write a JSON document into the payload."""
        data = json_bytes(value)
        self._write(rel, data)
        self.payload[rel] = hashlib.sha256(data).hexdigest()
        self.payload_bytes += len(data)

    def tag(self, rel: str, data: bytes) -> None:
        """Write a tag file (outside data/)."""
        self._write(rel, data)
        self.tags[rel] = hashlib.sha256(data).hexdigest()

    def _write(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def finish(self, info: dict[str, str]) -> None:
        """Write the manifests, bagit.txt and bag-info.txt, then the tag manifest."""
        self.tag("manifest-sha256.txt", _manifest(self.payload))
        self.tag("bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        fields = {
            "Bag-Software-Agent": f"caesar-archive {__version__}",
            "Bagging-Date": datetime.now(UTC).date().isoformat(),
            "Payload-Oxum": f"{self.payload_bytes}.{len(self.payload)}",
            **info,
        }
        lines = "".join(f"{label}: {' '.join(str(value).split())}\n"
                        for label, value in fields.items())
        self.tag("bag-info.txt", lines.encode("utf-8"))
        (self.root / "tagmanifest-sha256.txt").write_bytes(_manifest(self.tags))


def photo_document(photo: PhotoView, *, file: str, case: int | None, role: str | None,
                   transfers: dict[int, TransferView], entry: int) -> dict[str, Any]:
    """The metadata file of one original: what the archive knows of it and where it came from."""
    data = photo.model_dump(mode="json")
    data["file"] = file
    data["case"] = {"id": case, "role": role} if case is not None else None
    data["sightings"] = [
        {"transfer": s.transfer, "path": s.path,
         "received_at": transfers[s.transfer].started_at.isoformat()}
        for s in photo.sightings]
    data["custody_entry"] = entry  # its original.stored entry in the custody log
    return data


def json_bytes(value: Any) -> bytes:
    """Readable, stable JSON (UTF-8, Arabic as it is)."""
    return (json_text(value, indent=2, sort_keys=True) + "\n").encode()


def _manifest(checksums: dict[str, str]) -> bytes:
    # Our paths are ASCII without spaces, so RFC 8493's percent-encoding never applies, and
    # the file also reads with `sha256sum -c`.
    return "".join(f"{sha}  {rel}\n" for rel, sha in sorted(checksums.items())).encode()


def validate(root: Path) -> None:
    """Check the written bag's structure with the reference `bagit` library.

    bagit checks bagit.txt, bag-info.txt and Payload-Oxum, and that the manifests list every
    file and nothing else. It does not re-read the checksums: each original was hashed as it
    was written and matched the archive's SHA-256, and a re-read straight after writing comes
    from the page cache, so it would check the same bytes again at the cost of reading the
    whole package. `bagit.py --validate` does the full check wherever the package goes.
    """
    import bagit  # type: ignore[import-untyped]

    try:
        bagit.Bag(str(root)).validate(completeness_only=True)
    except bagit.BagError as error:
        raise CorruptObject(f"The evidence package failed its own BagIt validation: {error}",
                            hint="Check the destination disk; no package was written.") from None
