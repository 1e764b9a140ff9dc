"""PIN (temporary): print every plan's summary before the sentences became phrases."""

from __future__ import annotations

import json

from export_helpers import Collection, collection  # noqa: F401 - the fixture

from caesar.exports.views import DataOptions, EvidenceOptions, ExhibitOptions, Selection


def test_pin(collection: Collection) -> None:
    exports = collection.archive.exports
    cases = tuple(c.id for c in collection.archive.case_index.all())
    chosen = Selection(cases=cases)
    out = {}
    for name, o in {"plain": EvidenceOptions(),
                    "revealed": EvidenceOptions(reveal_operators=True,
                                                requested_by="Koblenz court, 1 StE 9/19")}.items():
        out[f"evidence-{name}"] = exports.plan_evidence(chosen, o).summary
    for name, x in {"default": ExhibitOptions(),
                    "faces": ExhibitOptions(blur_regions=False, caption_langs=("en",)),
                    "regions": ExhibitOptions(blur_faces=False, caption_langs=("ar",)),
                    "none": ExhibitOptions(blur_faces=False, blur_regions=False, caption_langs=(),
                                           grayscale=True, watermark="Court's copy",
                                           max_size=1024)}.items():
        out[f"exhibit-{name}"] = exports.plan_exhibit(chosen, x).summary
    for f in ("csv", "json", "ftm"):
        out[f"data-{f}"] = exports.plan_data(DataOptions(format=f)).summary  # type: ignore[arg-type]
    with open("/tmp/arplans/pinned.json", "w") as fh:
        json.dump(out, fh, indent=1, ensure_ascii=False)
