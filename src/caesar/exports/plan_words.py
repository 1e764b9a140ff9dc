"""What an export will contain, said as phrases (`caesar.identify.wording`) before anyone
confirms it: ``str()`` of each is the English the command line prints (`Plan.summary`), and
the web says the same in the reader's language (`caesar.web.phrases`).

Each function takes the counts a plan found and the options it was asked with; the templates
are messages of the web's catalogue (`caesar.web.catalogue` extracts them from this package).
"""

from __future__ import annotations

from caesar.exports.views import DataFormat, EvidenceOptions, ExhibitOptions
from caesar.identify.wording import Code, Number, Phrase, Typed, counted, phrase


def _both(first: Phrase, second: Phrase | None = None) -> Phrase:
    """One thing, or two said together ("Arabic and English")."""
    return first if second is None else phrase("{first} and {second}", first=first,
                                               second=second)


def evidence_words(*, originals: int, size: int, cases: int, transfers: int,
                   options: EvidenceOptions) -> list[Phrase]:
    """What an evidence package of `originals` (`size` bytes in all) will hold."""
    if options.reveal_operators:
        people = phrase("operators, analysts and devices named as recorded")
    else:
        people = phrase("operators, analysts and devices shown as their custody-log pseudonyms"
                        " ({option} names them)", option=Code("--reveal-operators"))
    recorded = (phrase("the export itself is recorded in the custody log, requested by {who}",
                       who=Typed(options.requested_by)) if options.requested_by
                else phrase("the export itself is recorded in the custody log"))
    return [
        counted("{n} originals ({size} MB), decrypted bit for bit, each with its metadata"
                " (EXIF, transfers, sightings) and its custody-log proof", "n",
                n=originals, size=Number(size / 1e6, ",.1f")),
        _both(counted("{n} case records", "n", n=cases),
              counted("{n} transfer records", "n", n=transfers)),
        people,
        phrase("the signed checkpoint, the verifier key, the RFC 3161 timestamps, and a"
               " verification report (HTML and PDF)"),
        recorded]


def exhibit_words(*, kept: int, restricted: int, broken: int,
                  options: ExhibitOptions) -> list[Phrase]:
    """What an exhibition set of `kept` images will hold, and what it leaves out."""
    hidden = [p for p, on in ((phrase("faces found by the detector"), options.blur_faces),
                              (phrase("regions analysts marked"), options.blur_regions)) if on]
    if hidden:
        blurred = phrase("blurred beyond recovery: {what}", what=_both(*hidden))
    else:
        blurred = phrase("NOTHING BLURRED: faces and marked regions are shown as they are")
    words = [
        counted("{n} images re-encoded as new JPEGs of at most {size} px, with every metadata"
                " field removed (EXIF, XMP, IPTC, ICC profile, comments, thumbnails)", "n",
                n=kept, size=options.max_size),
        blurred,
        counted("photos marked restricted are never included: {n} of this selection left out",
                "n", n=restricted),
        phrase("random file names; mapping.json gives each image a random exhibit id that only"
               " this archive can resolve ({command})", command=Code("caesar export resolve ID"))]
    if broken:
        words.append(counted("{n} originals that are not decodable images are left out", "n",
                             n=broken))
    if options.caption_langs:
        languages = [{"ar": phrase("Arabic"), "en": phrase("English")}[lang]
                     for lang in options.caption_langs]
        words.append(phrase("captions in {languages}", languages=_both(*languages)))
    if options.grayscale:
        words.append(phrase("in grayscale"))
    if options.watermark:
        words.append(phrase("watermarked {text}", text=Typed(options.watermark)))
    return words


def data_words(*, format: DataFormat, cases: int, statistics: int, reports: int,
               matches: int) -> list[Phrase]:
    """What a data export in `format` will hold."""
    what = {"csv": phrase("CSV tables"), "json": phrase("JSON tables"),
            "ftm": phrase("FollowTheMoney entities (persons for cases and for the families'"
                          " reports, branches and hospitals as organisations, and their links)")
            }[format]
    # Nested phrases are made first: babel's extractor loses a call inside another's arguments.
    records = _both(counted("{n} cases", "n", n=cases),
                    counted("{n} statistics rows", "n", n=statistics))
    confirmed = counted("{n} confirmed identifications", "n", n=matches)
    return [
        phrase("{what} of {records}", what=what, records=records),
        counted("{n} families' reports whose every reporter agreed to share them with partners"
                " (no reporter, no contact, no notes) and the {matches} among them", "n",
                n=reports, matches=confirmed),
        phrase("no photos and no photo hashes, no analysts' notes, no staff names"),
        phrase("the export is recorded in the custody log")]
