"""`caesar export exhibit`: images with nothing left but pixels, faces and marked regions
blurred, restricted photos never shown, each traceable only inside the archive."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pytest
from export_helpers import Collection, collection  # noqa: F401 - the fixture
from PIL import Image, ImageCms

# matplotlib ships this portrait; CenterFace finds her face at about (173, 127)-(358, 334).
GRACE_HOPPER = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
FACE = (200, 150, 330, 310)  # inside the face: eyes, nose, mouth
# Detail (variance of the Laplacian) in the face: about 1,150 in the original. Blurred beyond
# recognition means below this (a face averaged down to a few cells has almost none left).
BLURRED = 20.0
SERIAL = "PLANTED-SERIAL-4417"


def _detail(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    gray = cv2.cvtColor(np.asarray(image.convert("RGB")), cv2.COLOR_RGB2GRAY)
    x0, y0, x1, y1 = box
    return float(cv2.Laplacian(gray[y0:y1, x0:x1], cv2.CV_64F).var())


def _telltale_jpeg(path: Path) -> None:
    """A photo carrying the camera serial in every kind of metadata a JPEG can hold."""
    rng = np.random.default_rng(4)
    pixels = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "EOS 5D"
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # BodySerialNumber
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
           f'02/22-rdf-syntax-ns#"><rdf:Description xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"'
           f' aux:SerialNumber="{SERIAL}"/></rdf:RDF></x:xmpmeta>').encode()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.fromarray(pixels).save(path, "JPEG", exif=exif, xmp=xmp, icc_profile=icc,
                                 comment=f"camera {SERIAL}".encode())
    subprocess.run(["exiftool", "-q", "-overwrite_original", f"-IPTC:By-line={SERIAL}",
                    f"-IPTC:Caption-Abstract=shot with {SERIAL}", str(path)], check=True)


@pytest.fixture(scope="module")
def special(collection: Collection) -> dict[str, str]:
    """A photo full of metadata and a portrait, ingested; their SHA-256."""
    folder = collection.work / "special"
    folder.mkdir()
    _telltale_jpeg(folder / "telltale.jpg")
    shutil.copy(GRACE_HOPPER, folder / "portrait.jpg")
    collection.caesar.json("ingest", str(folder))
    photos = {Path(s["path"]).name: p["sha256"] for p in collection.caesar.json("photos", "list")
              for s in p["sightings"]}
    return {"telltale": photos["telltale.jpg"], "portrait": photos["portrait.jpg"]}


def test_no_metadata_is_left_and_the_serial_is_nowhere(
        collection: Collection, special: dict[str, str]) -> None:
    source = collection.caesar.json("photos", "show", special["telltale"])
    assert source["camera"]["serial"] == SERIAL  # the original did carry it
    out = collection.work / "exhibit-metadata"
    case_photo = collection.caesar.json("cases", "show", "1")["photos"][0]
    collection.export("exhibit", "--photos", f"{special['telltale']},{case_photo}",
                      "--out", str(out))
    images = sorted(out.glob("*.jpg"))
    assert len(images) == 2
    found = json.loads(subprocess.run(["exiftool", "-j", "-a", "-G1", *map(str, images)],
                                      capture_output=True, check=True).stdout)
    for tags in found:
        groups = {key.split(":")[0] for key in tags if ":" in key}
        assert groups <= {"ExifTool", "System", "File", "Composite"}, tags
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SERIAL.encode() not in data and b"Canon" not in data, path
    mapping = json.loads((out / "mapping.json").read_text())
    assert sorted(m["file"] for m in mapping) == [p.name for p in images]
    assert all("exhibit_id" in m and "caption_ar" in m and "caption_en" in m for m in mapping)


def test_faces_are_blurred_beyond_recognition(
        collection: Collection, special: dict[str, str]) -> None:
    with Image.open(GRACE_HOPPER) as original:
        assert _detail(original, FACE) > 500
    shown = collection.work / "exhibit-unblurred"
    collection.export("exhibit", "--photos", special["portrait"], "--blur", "none",
                      "--caption-lang", "none", "--out", str(shown))
    with Image.open(next(shown.glob("*.jpg"))) as image:
        assert _detail(image, FACE) > 200  # re-encoding alone keeps the face
    out = collection.work / "exhibit-faces"
    result = collection.export("exhibit", "--photos", special["portrait"], "--blur", "faces",
                               "--out", str(out))
    assert result["counts"]["faces"] >= 1
    with Image.open(next(out.glob("*.jpg"))) as image:
        assert image.width == 512 and image.height > 600  # the caption band below
        assert _detail(image, FACE) < BLURRED


def test_regions_analysts_mark_are_blurred(collection: Collection, special: dict[str, str]
                                          ) -> None:
    sha = special["telltale"]  # noise: detail everywhere
    box = (108, 128, 232, 172)  # inside the region, clear of the JPEG blocks at its edge
    run = collection.caesar("photos", "mark", sha, "--region", "100,120,140,60", "--json")
    assert run.exit_code == 0 and run.json()["regions"] == [[100, 120, 140, 60]]
    out = collection.work / "exhibit-regions"
    result = collection.export("exhibit", "--photos", sha, "--blur", "regions", "--out", str(out))
    assert result["counts"]["regions"] == 1
    content = b"".join(collection.archive.vault.read("original", sha))
    with Image.open(io.BytesIO(content)) as original, Image.open(next(out.glob("*.jpg"))) as shown:
        assert _detail(original, box) > 10 * BLURRED
        assert _detail(shown, box) < BLURRED


def test_restricted_photos_never_leave_and_ids_resolve_only_inside(
        collection: Collection) -> None:
    caesar = collection.caesar
    photos = caesar.json("cases", "show", "3")["photos"]
    assert caesar("photos", "mark", photos[0], "--restricted").exit_code == 0
    out = collection.work / "exhibit-case"
    run = caesar("export", "exhibit", "--case", "3", "--out", str(out), "--yes", "--json")
    assert run.exit_code == 0, run.stderr
    assert "restricted are never included: 1 of this selection left out" in run.stderr
    mapping = json.loads((out / "mapping.json").read_text())
    assert len(mapping) == len(photos) - 1
    resolved = {caesar.json("export", "resolve", m["exhibit_id"])["sha256"] for m in mapping}
    assert resolved == set(photos[1:])
    for m in mapping:  # random ids: nothing of the original's hash
        assert m["exhibit_id"][3:].lower() not in "".join(photos)
    again = collection.work / "exhibit-again"
    collection.export("exhibit", "--photos", photos[1], "--out", str(again))
    [second] = json.loads((again / "mapping.json").read_text())
    assert second["exhibit_id"] not in {m["exhibit_id"] for m in mapping}
    assert any(e["entry"]["type"] == "export.resolved" for e in caesar.json("ledger", "entries"))

    alone = collection.work / "exhibit-restricted"
    run = caesar("export", "exhibit", "--photos", photos[0], "--out", str(alone), "--yes")
    assert run.exit_code == 2 and "nothing to export" in run.stderr and not alone.exists()
