"""What the custody log records, and the canonical bytes of an entry.

An entry is canonical JSON (keys sorted, no spaces, UTF-8; for the values entries hold, strings,
integers, booleans and null, this is also RFC 8785 JCS)::

    {"actor":"<pseudonym>","details":{...},"subject":"<commitment>"|null,
     "time":"2024-05-01T10:11:12Z","type":"original.stored","v":1}

It names nobody and reveals no original (docs/design.md, principle 3): the actor is a pseudonym (an
HMAC of the name under a key inside the archive), the subject is a salted commitment
``SHA-256(salt ‖ SHA-256(subject))`` with a random 32-byte salt per entry, and details are
only counts, kinds and pseudonyms, which :func:`check_details` enforces as far as a shape can.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from caesar.ledger.errors import LedgerError

ENTRY_VERSION = 1
SALT_SIZE = 32

Detail = str | int | bool | None

EVENT_TYPES: dict[str, str] = {
    "archive.created": "The archive was made: the log's first entry.",
    "log.started": "The log began in an archive made before it: what it held then.",
    "key.created": "A key was made; details: which key.",
    "key.passphrase_changed": "The master key was wrapped under a new passphrase.",
    "key.split": ("The master key was split into trustees' shares; details: how many, and how"
                  " many rebuild it (never a share)."),
    "key.recovered": ("Trustees' shares rebuilt the master key and a new passphrase was set;"
                      " details: how many shares were given (never a share)."),
    "replica.added": "A replica was registered; details: its name (a pseudonym).",
    "replica.moved": "A replica is reached at a new place (its drive was mounted elsewhere).",
    "replica.updated": ("`caesar replicate` brought a replica up to date; details: the replica"
                        " (a pseudonym), objects to copy. Written before the catalogue's"
                        " snapshot, so that the replica holds it."),
    "replica.verified": ("A replica was checked (`verify --replica`); details: the replica, its"
                         " counts."),
    "repair.run": ("`caesar repair` put back damaged or missing objects from replicas; details:"
                   " counts, and what stays broken."),
    "catalogue.restored": ("The catalogue was put back from a replica's snapshot; details: the"
                           " replica, and the commits lost if it was older."),
    "state.signed": ("The archive's signed state was signed again by `caesar repair` (it was"
                     " missing, damaged or older than the catalogue)."),
    "archive.restored": ("This archive was made from a replica (`caesar restore`); details: the"
                         " originals it holds."),
    "transfer.received": "A transfer opened; subject: the transfer.",
    "transfer.interrupted": "A transfer left running by a crash was closed as interrupted.",
    "transfer.completed": "A transfer ended; details: its counts.",
    "transfer.problem": "A bag or sealed bundle failed its checks; details: the kind.",
    "original.stored": "An original was preserved for the first time; subject: it.",
    "original.duplicate": "An original arrived again.",
    "original.flagged": "Something is wrong with an original; details: the flag's kind.",
    "verify.run": ("Every original was decrypted and re-hashed (`caesar verify`); details: its "
                   "counts and the log's own check."),
    "cases.built": "Photos were grouped into cases (`cases build`); details: its counts.",
    "case.created": "A case was made (by a build or a split); subject: the case.",
    "case.changed": "An analyst changed a field; details: which field (never the value).",
    "case.merged": "An analyst merged cases into this one; details: how many.",
    "case.split": "An analyst split photos off into this new case.",
    "case.photo_moved": "An analyst moved a photo into this case.",
    "case.number_read": "An analyst recorded their reading of one of the case's numbers.",
    "photo.categorised": "An analyst set what an original shows; details: the category.",
    "export.stats": "Statistics of cases were exported; details: how many cases.",
    "report.filed": "A family's report of a missing person was filed; subject: it.",
    "report.changed": "A report was edited or re-imported; details: how many fields.",
    "report.viewed": "Someone read a family's report.",
    "report.merged": "A duplicate report was merged into this one; details: the other.",
    "reporter.contact_viewed": "Someone read how to reach a reporter (they had consented).",
    "report.photo_added": ("A family's photo of the person in life joined the report; details: "
                           "the photo's id (never an original)."),
    "report.photo_viewed": ("A clean copy of one was made for a person; details: the photo, and "
                            "copy=shown (a page, a command) or exported (a file)."),
    "report.photo_withdrawn": "The family took a photo back; details: the photo.",
    "reports.imported": "A partner's list was imported; details: new and updated counts.",
    "reports.listed": "Someone listed the reports; details: how many.",
    "reports.shared": "Reports whose reporters consented were handed to partners.",
    "matching.run": "Reports were ranked against cases; details: counts.",
    "case.named": "A name from another source was recorded on a case.",
    "match.shortlisted": "A reviewer shortlisted a case for a report; subject: the match.",
    "match.confirmed": "A second reviewer confirmed it: the case is identified.",
    "match.rejected": "A reviewer rejected it (the reason is kept, sealed).",
    "match.undone": "A reviewer undid the last decision; details: the states.",
    "match.undo_requested": ("A reviewer asked to undo a confirmation: it takes effect when a "
                             "second reviewer undoes it too."),
    "match.reject_requested": ("A reviewer asked to reject a confirmed match: it takes effect "
                               "when a second reviewer rejects it too."),
    "match.overridden": "A reviewer lifted an exclusion so the case is ranked again.",
    "disclosure.started": "A family liaison began telling a family; subject: the session.",
    "disclosure.step": "The family was asked about a step; details: which, and consent.",
    "disclosure.shown": "The material of the step the family agreed to was produced.",
    "disclosure.ended": "The session ended; details: its outcome.",
    "disclosure.viewed": "Someone read a session (who was present, each answer).",
    "disclosures.listed": "Someone listed the sessions; details: how many.",
    "export.evidence": ("An evidence package was written; subject: the export; details: counts and "
                        "who asked (a pseudonym)."),
    "export.exhibit": "An exhibition set was written; details: images, what was blurred.",
    "export.data": "Cases (and more) were exported as data; details: format, counts.",
    "export.failed": "An export logged above did not complete; subject: the export.",
    "export.resolved": "Staff resolved an exhibit id back to its original.",
    "export.requested": "An export was asked for on the web; subject: the request.",
    "export.approved": "A second person approved the request.",
    "export.refused": "A second person refused the request.",
    "export.produced": "The approved package was made and is held encrypted.",
    "export.downloaded": "The held package was downloaded.",
    "export.expired": "The held package was deleted when it expired.",
    "photo.marked": "An analyst marked regions to blur or restricted a photo.",
    "photo.examined": ("An original's authenticity was examined (`caesar examine`); subject: it;"
                       " details: the method's version and the strongest finding."),
    "photo.compared": ("A photo from outside (never stored) was compared with the originals;"
                       " details: how many near ones were found."),
    "user.created": "A person was given an account; subject: the user; details: role.",
    "user.disabled": "An account was disabled (its sessions end); subject: the user.",
    "user.enabled": "A disabled account was enabled again; subject: the user.",
    "user.reset": "An account got a new password (and second factor); subject: it.",
    "photo.viewed": ("A person was shown a photo; subject: it; details: the rendition "
                     "(blurred, grayscale, original, or number: the region of one number)."),
    "document.read": ("A person was shown a document's text; subject: it; details: how"
                      " (text: the whole of it, search: a passage found by a search)."),
    "user.unthrottled": "An administrator let an account sign in again at once.",
    "access.denied": ("A signed-in person was refused; details: the permission missing, where "
                      "(a route or a command) and how many times in that minute."),
}
"""Every type an entry may have, and what it records (docs/custody-log.md lists them for
whoever reads a published log). New features add theirs here, so a typo fails at once."""

SUBJECT_KINDS = frozenset({"original", "transfer", "case", "report", "match", "disclosure",
                           "export", "export_request", "user"})

_DETAIL_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Short lowercase tokens only: kinds, key purposes, pseudonyms. No spaces, slashes, capitals or
# anything as long as a SHA-256 in hex, so no name, path, EXIF value or bare hash fits.
_DETAIL_TEXT = re.compile(r"[a-z0-9][a-z0-9_.-]{0,39}")


@dataclass(frozen=True)
class Subject:
    """What an entry concerns: an original (by SHA-256) or a record (``transfer`` 12)."""

    kind: str
    id: str

    def __post_init__(self) -> None:
        if self.kind not in SUBJECT_KINDS:
            raise LedgerError(f"unknown kind of custody-log subject {self.kind!r}")
        if self.kind == "original" and not re.fullmatch(r"[0-9a-f]{64}", self.id):
            raise LedgerError(f"an original's subject is its SHA-256 in lowercase hex, "
                              f"not {self.id!r}")

    @classmethod
    def original(cls, sha256: str) -> Subject:
        """An original, named by its SHA-256 (lowercase hex)."""
        return cls("original", sha256)

    @classmethod
    def record(cls, kind: str, record_id: int | str) -> Subject:
        """A catalogue record, such as ``Subject.record("transfer", 12)``."""
        return cls(kind, str(record_id))

    def digest(self) -> bytes:
        """The 32 bytes the commitment covers: an original's SHA-256, or SHA-256("kind:id")."""
        if self.kind == "original":
            return bytes.fromhex(self.id)
        return hashlib.sha256(f"{self.kind}:{self.id}".encode()).digest()


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened to the evidence, before it becomes an entry.

    ``actor`` and the values of ``people`` are names: the log keeps only their pseudonyms
    (``people={"operator": name}`` becomes ``details["operator"] = pseudonym``).
    """

    type: str
    time: datetime
    actor: str
    subject: Subject | None = None
    details: Mapping[str, Detail] = field(default_factory=dict)
    people: Mapping[str, str] = field(default_factory=dict)


def commitment(salt: bytes, subject: Subject) -> str:
    """``SHA-256(salt ‖ SHA-256(subject))`` over raw bytes, lowercase hex."""
    if len(salt) != SALT_SIZE:
        raise LedgerError(f"a commitment's salt has {SALT_SIZE} bytes, not {len(salt)}")
    return hashlib.sha256(salt + subject.digest()).hexdigest()


def pseudonym(key: bytes, name: str) -> str:
    """A person's pseudonym: HMAC-SHA256 of the NFC-normalised name, first 128 bits in hex.

    NFC, because the same Arabic or accented name typed on two keyboards can differ in code
    points; 128 bits, because collisions between people must never happen by chance.
    """
    normal = unicodedata.normalize("NFC", name.strip())
    if not normal:
        raise LedgerError("an actor's name is empty")
    return hmac.new(key, b"person\x00" + normal.encode(), hashlib.sha256).hexdigest()[:32]


def check_details(details: Mapping[str, Detail]) -> None:
    """Refuse details that could carry a name, a path, an EXIF value or a bare hash."""
    for key, value in details.items():
        if not _DETAIL_KEY.fullmatch(key):
            raise LedgerError(f"custody-log detail key {key!r} is not a short snake_case word")
        if isinstance(value, str) and not _DETAIL_TEXT.fullmatch(value):
            raise LedgerError(f"custody-log detail {key}={value!r} is not a short lowercase "
                              "token: the log must not carry names, paths or hashes")
        if value is not None and not isinstance(value, str | int):
            raise LedgerError(f"custody-log detail {key} must be text, a whole number, "
                              f"true/false or null, not {type(value).__name__}")


def encode_entry(*, type: str, time: datetime, actor: str, subject: str | None,
                 details: Mapping[str, Detail]) -> bytes:
    """An entry's canonical bytes; ``actor`` is a pseudonym, ``subject`` a commitment."""
    if type not in EVENT_TYPES:
        raise LedgerError(f"unknown custody-log event type {type!r}",
                          hint="Add new event types to caesar.ledger.events.EVENT_TYPES.")
    check_details(details)
    return canonical_json({"v": ENTRY_VERSION, "type": type, "time": format_time(time),
                           "actor": actor, "subject": subject, "details": dict(details)})


def decode_entry(data: bytes) -> dict[str, Any]:
    """An entry's fields; raises :class:`LedgerError` unless ``data`` is a canonical entry."""
    try:
        entry = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise LedgerError("a custody-log entry is not UTF-8 JSON") from None
    if not isinstance(entry, dict) or set(entry) != {"v", "type", "time", "actor", "subject",
                                                     "details"}:
        raise LedgerError("a custody-log entry lacks or adds fields")
    if canonical_json(entry) != data:
        raise LedgerError("a custody-log entry is not in canonical form")
    return entry


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: one byte string for one value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def format_time(when: datetime) -> str:
    """UTC to the second, as ``2024-05-01T10:11:12Z``."""
    if when.tzinfo is None:
        raise LedgerError("a custody-log time must carry its time zone")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
