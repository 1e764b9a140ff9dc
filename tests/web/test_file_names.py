"""A file name that is not UTF-8 on the web: the API gives its exact bytes back (surrogate
escapes in the JSON), a page shows the byte as ``\\xXX`` (a page is UTF-8 and cannot carry
it), and neither fails."""

from __future__ import annotations

import json
import os
from pathlib import Path

from photos import camera_jpeg

from caesar.access.roles import Role
from caesar.intake.service import IngestRequest

from .conftest import Site

NAME = b"caf\xe9.jpg"


def test_an_undecodable_name_is_exact_in_the_api_and_readable_on_the_page(
        site: Site, tmp_path: Path) -> None:
    drive = tmp_path / "drive"
    data = camera_jpeg(drive / os.fsdecode(NAME), seed=77)
    (drive / os.fsdecode(b"note\xff.jpg")).write_bytes(b"not an image")
    report = site.archive.ingest(IngestRequest(sources=[str(drive)], actor="owner"))
    transfer = report.transfers[0]
    sha = next(p.sha256 for p in site.archive.queries.photos()
               if any(s.transfer == transfer for s in p.sightings) and p.media_type == "image/jpeg")
    assert site.archive.vault.read_bytes("original", sha) == data
    client = site.as_role(Role.archivist)

    answer = client.get(f"/api/photos/{sha}")
    assert answer.status_code == 200
    assert b"caf\\udce9.jpg" in answer.content
    paths = [s["path"] for s in json.loads(answer.content)["sightings"]]
    assert [os.fsencode(p) for p in paths] == [NAME]

    for page, name in ((f"/photos/{sha}", "caf\\xe9.jpg"),
                       (f"/transfers/{transfer}", "note\\xff.jpg")):  # flagged: not an image
        shown = client.get(page)
        assert shown.status_code == 200, page
        assert name in shown.text, page
