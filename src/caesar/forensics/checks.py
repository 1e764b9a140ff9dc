"""The checks of one original: structure and metadata against its camera's fingerprint.

Each check returns findings (see `findings.py`); the sentences are catalogue messages, so
their templates are written here once and translated in the web's catalogue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from caesar.forensics.facts import OriginalFacts
from caesar.forensics.findings import N_, Finding, finding
from caesar.forensics.metadata import EDITORS
from caesar.forensics.profile import CameraProfile, OutOfOrder, Shot, size_of

THUMBNAIL_DIFFERENT = 0.55  # mean standardised difference above which the thumbnail differs
_ZONE_SLACK = timedelta(hours=14)  # EXIF times are local; transfers are UTC
_MODIFIED_SLACK = timedelta(seconds=2)


def structure_findings(facts: OriginalFacts) -> list[Finding]:
    """Markers, trailing data, damage: what the file's structure shows on its own."""
    found = []
    if facts.structure_problems:
        found.append(finding(
            "structure.markers", "inconsistent",
            N_("The JPEG structure is damaged: {problem}."),
            "; ".join(facts.structure_problems), problem=facts.structure_problems[0]))
    else:
        found.append(finding(
            "structure.markers", "consistent",
            N_("The JPEG structure is whole: {count} markers in a valid order."),
            " ".join(facts.markers), count=len(facts.markers)))
    if facts.trailing:
        found.append(finding(
            "structure.trailing", "unusual",
            N_("{count} bytes follow the end of the image (cameras write none; a program"
               " may have appended them)."),
            f"{facts.trailing} bytes after EOI", count=facts.trailing))
    if facts.frame and facts.frame != "SOF0":
        found.append(finding(
            "structure.frame", "unusual",
            N_("The image is encoded as {frame}, not the baseline JPEG cameras write."),
            f"frame marker {facts.frame}", frame=facts.frame))
    return found


def camera_findings(facts: OriginalFacts, profile: CameraProfile | None) -> list[Finding]:
    """The photo against what its camera's other photos share."""
    # The size the EXIF declares needs no fingerprint: a camera writes its own image's size.
    declared = _declared_size(facts)
    also = [declared] if declared else []
    if facts.camera_key is None:
        text = "" if not facts.exif_present else " (EXIF without a camera)"
        return [finding("metadata.camera", "unusual",
                        N_("No camera is named in the metadata: it was stripped, or the file"
                           " was not written by a camera."), f"Make, Model: absent{text}"),
                *also]
    if profile is None or not profile.learned:
        count = profile.photos if profile else 1
        return [finding("metadata.camera", "consistent",
                        N_("{camera}: too few photos of this camera ({count}) to learn its"
                           " fingerprint."), f"camera key {facts.camera_key}",
                        camera=facts.camera_words, count=count), *also]
    found = [_tables(facts, profile), declared or _size(facts, profile),
             *_layout(facts, profile)]
    if facts.serial:
        model = " ".join(filter(None, (facts.make, facts.model)))
        main, seen = profile.models.most_common(1)[0]
        if model != main and not profile.usual(profile.models, model):
            found.append(finding(
                "metadata.camera", "inconsistent",
                N_("Body {serial} is named {model} here, but {main} in {count} other photos."),
                f"Make/Model {model!r}; body serial {facts.serial}; {main!r} in {seen}"
                " photos", serial=facts.serial, model=model, main=main, count=seen))
    if profile.share(profile.makernote) >= 0.5 and not facts.makernote:
        found.append(finding(
            "structure.makernote", "inconsistent",
            N_("The maker's notes are missing, though {share} of this camera's photos carry"
               " them: the metadata was stripped or rewritten."),
            f"MakerNote (0x927c) absent; present in {profile.makernote} of {profile.photos}",
            share=f"{profile.share(profile.makernote):.0%}"))
    return [f for f in found if f is not None]


def _tables(facts: OriginalFacts, profile: CameraProfile) -> Finding:
    main = profile.main_tables()
    if facts.tables is None or main is None:
        return finding("structure.tables", "unusual", N_("The file has no quantization"
                                                          " tables to compare."), "no DQT")
    if profile.usual(profile.tables, facts.tables):
        return finding(
            "structure.tables", "consistent",
            N_("The compression tables are this camera's own, as in {count} of its photos."),
            f"{facts.tables_words}; signature {facts.tables}",
            count=profile.tables[facts.tables])
    editor = " (an editor's or library's tables)" if facts.ijg_quality is not None else ""
    return finding(
        "structure.tables", "inconsistent",
        N_("The compression tables are not this camera's: {words}, where its other photos"
           " carry {usual}. The photo was saved again by a program."),
        f"tables {facts.tables}{editor}: {facts.tables_words}; estimated quality"
        f" {facts.quality}; camera's usual tables {main} in {profile.tables[main]} of"
        f" {profile.photos} photos", words=facts.tables_words,
        usual=profile.tables_words.get(main, main), details={"usual_tables": main})


def _declared_size(facts: OriginalFacts) -> Finding | None:
    declared = facts.exif_width or 0, facts.exif_height or 0
    if declared[0] and declared[1] and sorted(declared) != sorted((facts.width, facts.height)):
        return finding(
            "metadata.dimensions", "inconsistent",
            N_("The image is {actual} pixels, but its EXIF says the camera wrote {declared}:"
               " it was cropped or resized."),
            f"SOF {facts.width}x{facts.height}; EXIF PixelXDimension/PixelYDimension"
            f" {declared[0]}x{declared[1]}", actual=f"{facts.width}×{facts.height}",
            declared=f"{declared[0]}×{declared[1]}")
    return None


def _size(facts: OriginalFacts, profile: CameraProfile) -> Finding | None:
    size = size_of(facts)
    if not profile.usual(profile.sizes, size):
        usual = ", ".join(s for s, _ in profile.sizes.most_common(3))
        return finding(
            "metadata.dimensions", "unusual",
            N_("The size {actual} is not one this camera's other photos have ({usual})."),
            f"SOF {facts.width}x{facts.height}; camera sizes {dict(profile.sizes)}",
            actual=f"{facts.width}×{facts.height}", usual=usual)
    return None


def _layout(facts: OriginalFacts, profile: CameraProfile) -> list[Finding]:
    apps = ",".join(facts.apps)
    found = []
    if not profile.usual(profile.layouts, facts.layout):
        found.append(finding(
            "metadata.layout", "inconsistent",
            N_("The EXIF is laid out differently from this camera's other photos: it was"
               " rewritten by a program."),
            f"tags {facts.layout}; camera's usual {profile.layouts.most_common(1)[0][0]}"))
    if not profile.usual(profile.apps, apps):
        found.append(finding(
            "structure.segments", "inconsistent",
            N_("The file's segments ({apps}) differ from this camera's ({usual})."),
            f"segments {apps}; camera's usual {profile.apps.most_common(1)[0][0]}",
            apps=apps, usual=profile.apps.most_common(1)[0][0]))
    return found


def credentials_findings(facts: OriginalFacts) -> list[Finding]:
    """What the file's content credentials (C2PA) say, when it carries them: a signed account
    of its making that still matches its bytes, or one that no longer does."""
    credentials = facts.credentials
    if not credentials:
        return []
    problems = "; ".join(credentials.get("problems") or [])
    if credentials.get("state") == "valid":
        return [finding(
            "provenance.credentials", "consistent",
            N_("Its content credentials hold: signed by {signer}, made with {generator},"
               " declaring {actions}."),
            f"C2PA manifest: signer {credentials.get('signer')!r} ({credentials.get('algorithm')},"
            f" signed at {credentials.get('signed_at')}); generator"
            f" {credentials.get('generator')!r}; actions {credentials.get('actions')}; source"
            f" type {credentials.get('source')}; {credentials.get('manifests')} manifest(s);"
            " the signature and the content hashes validate; no trust list is kept",
            signer=credentials.get("signer") or "?", generator=credentials.get("generator") or "?",
            actions=", ".join(credentials.get("actions") or []) or "no edits")]
    return [finding(
        "provenance.credentials", "inconsistent",
        N_("Its content credentials no longer hold: {problems}."),
        f"C2PA manifest ({credentials.get('state')}): {problems}; signer"
        f" {credentials.get('signer')!r}", problems=problems or credentials.get("state"))]


def editing_findings(facts: OriginalFacts) -> list[Finding]:
    """Software, XMP history and dates that tell of a program having touched the file."""
    found = []
    tools = [t for t in [facts.software or "", *facts.xmp_tools]
             if any(e in t.lower() for e in EDITORS)]
    if tools or facts.xmp_traces:
        found.append(finding(
            "metadata.software", "inconsistent",
            N_("The metadata names editing software or an editing history: {tools}."),
            f"Software {facts.software!r}; XMP tools {facts.xmp_tools};"
            f" XMP traces {facts.xmp_traces}",
            tools=", ".join(tools + facts.xmp_traces)))
    original = _when(facts.original)
    modified = _when(facts.modified)
    digitized = _when(facts.digitized)
    if original and modified and modified - original > _MODIFIED_SLACK:
        found.append(finding(
            "metadata.dates", "inconsistent",
            N_("The file was modified at {modified}, after the photo was taken at {original}."),
            f"DateTimeOriginal {facts.original}; ModifyDate (DateTime) {facts.modified}",
            modified=facts.modified, original=facts.original))
    elif original and digitized and abs(digitized - original) > _MODIFIED_SLACK:
        found.append(finding(
            "metadata.dates", "inconsistent",
            N_("The photo's two capture times disagree: {original} and {digitized}."),
            f"DateTimeOriginal {facts.original}; CreateDate (DateTimeDigitized)"
            f" {facts.digitized}", original=facts.original, digitized=facts.digitized))
    elif original:
        found.append(finding("metadata.dates", "consistent",
                             N_("The capture and file times agree ({original})."),
                             f"DateTimeOriginal {facts.original}; ModifyDate {facts.modified}",
                             original=facts.original))
    return found


def thumbnail_findings(facts: OriginalFacts) -> list[Finding]:
    """The EXIF thumbnail against the image it should show."""
    if not facts.thumbnail:
        return []
    if facts.thumbnail_difference is None:
        return [finding("structure.thumbnail", "unusual",
                        N_("The EXIF thumbnail cannot be decoded."), "IFD1 thumbnail unreadable")]
    aspect = facts.thumbnail_aspect or 1.0
    evidence = (f"mean standardised difference {facts.thumbnail_difference} (threshold"
                f" {THUMBNAIL_DIFFERENT}); aspect ratio thumbnail/image {aspect}")
    if facts.thumbnail_difference > THUMBNAIL_DIFFERENT or abs(aspect - 1) > 0.05:
        return [finding(
            "structure.thumbnail", "inconsistent",
            N_("The EXIF thumbnail shows a different picture from the image: the image was"
               " changed after the camera made the thumbnail."), evidence)]
    return [finding("structure.thumbnail", "consistent",
                    N_("The EXIF thumbnail shows the same picture as the image."), evidence)]


def sequence_findings(shot: Shot, out_of_order: list[OutOfOrder]) -> list[Finding]:
    """The photo's time against its neighbours in the camera's numbering and its transfer."""
    found = []
    for case in out_of_order:
        if case.shot.sha256 != shot.sha256:
            continue
        found.append(finding(
            "metadata.sequence", "inconsistent",
            N_("Frame {number} is dated {taken}, outside the times of frames {before} ({at})"
               " and {after} ({until}) that surround it: its date was changed."),
            f"{shot.path}: DateTimeOriginal {shot.taken}; {case.before.path}:"
            f" {case.before.taken}; {case.after.path}: {case.after.taken}",
            number=shot.number, taken=_iso(shot.taken), before=case.before.number,
            at=_iso(case.before.taken), after=case.after.number, until=_iso(case.after.taken)))
    if shot.taken and shot.received and \
            shot.taken - shot.received.replace(tzinfo=None) > _ZONE_SLACK:
        found.append(finding(
            "metadata.transfer", "inconsistent",
            N_("The photo is dated {taken}, after the transfer that brought it was received"
               " ({received})."), f"DateTimeOriginal {shot.taken}; transfer {shot.transfer}"
            f" received {shot.received.isoformat()}", taken=_iso(shot.taken),
            received=shot.received.isoformat(timespec="seconds")))
    return found


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(sep=" ") if moment else "?"
