"""Exhibition and press sets: re-encoded images that carry nothing but what a person sees.

Each original is decoded, turned upright (EXIF orientation), converted to sRGB (so no ICC
profile is needed), reduced to ``max_size`` (which also weakens the sensor's noise pattern, a
fingerprint of the camera), blurred where faces are found and where analysts marked regions,
optionally turned grayscale, watermarked and captioned in Arabic and English, then encoded as
a new JPEG from its pixels alone. A last pass drops every APPn and comment segment of the
JPEG (EXIF, XMP, IPTC, ICC, JFIF, thumbnails), so nothing but pixels leaves, whatever a
library might add.

Blurring is meant to be beyond recovery: a region is first averaged down to at most
:data:`CELLS` cells across, so no more than a few dozen colour averages of it survive, then
smoothed so that it does not draw the eye. No deblurring can bring back what was averaged away.
"""

from __future__ import annotations

import calendar
import contextlib
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps

import caesar.media  # noqa: F401  (Pillow learns HEIC here too, in worker processes)
from caesar.access.viewing import strip_jpeg
from caesar.exports.faces import Box, FaceDetector
from caesar.exports.views import ExhibitOptions

CELLS = 6
QUALITY = 88
_ORIENTATION = 0x0112
_ROTATED = frozenset({5, 6, 7, 8})  # orientations that swap width and height
# Syrian (Levantine) month names, as captions in Syria and its diaspora write them.
_MONTHS_AR = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
              "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول")


@dataclass(frozen=True)
class CaseFacts:
    """What a caption may say about the case a photo shows."""

    hospital: str | None = None
    photographed_on: date | None = None
    branch: str | None = None


@dataclass(frozen=True)
class Job:
    """One image to render."""

    content: bytes
    regions: tuple[tuple[int, int, int, int], ...]  # x, y, width, height (upright original)
    captions: tuple[tuple[str, str], ...]  # (language, text), drawn in this order
    options: ExhibitOptions


@dataclass(frozen=True)
class Rendered:
    """One image rendered, or why it could not be."""

    jpeg: bytes | None
    faces: int = 0
    regions: int = 0
    problem: str | None = None


def captions(exhibit_id: str, facts: CaseFacts | None, langs: Sequence[str]
             ) -> tuple[tuple[str, str], ...]:
    """The caption of an exhibit in each of `langs` (``ar``, ``en``)."""
    facts = facts or CaseFacts()
    when_en = when_ar = ""
    if facts.photographed_on:
        month = facts.photographed_on.month
        when_en = f" in {calendar.month_name[month]} {facts.photographed_on.year}"
        when_ar = f" في {_MONTHS_AR[month - 1]} {facts.photographed_on.year}"
    where_en = f" at the military hospital {facts.hospital}" if facts.hospital else ""
    where_ar = f" في المشفى العسكري {facts.hospital}" if facts.hospital else ""
    branch_en = f" Security branch number on the body: {facts.branch}." if facts.branch else ""
    branch_ar = f" رقم الفرع الأمني على الجثمان: {facts.branch}." if facts.branch else ""
    text = {
        "en": f"A person who died in detention in Syria, photographed{where_en}{when_en}."
              f"{branch_en} Caesar Archive, exhibit {exhibit_id}.",
        "ar": f"شخص توفي في الاحتجاز في سوريا، صُوّر{where_ar}{when_ar}.{branch_ar}"
              f" أرشيف قيصر، المعروض {exhibit_id}.",
    }
    return tuple((lang, text[lang]) for lang in langs)


_detector: FaceDetector | None = None


def init_worker(detect_faces: bool) -> None:
    """Load the face detector once per worker process."""
    global _detector
    cv2.setNumThreads(1)  # one process per core already: threads would only contend
    _detector = FaceDetector() if detect_faces else None


def render(job: Job) -> Rendered:
    """Render one exhibit image (in a worker process)."""
    try:
        image, scale = _upright(job.content, job.options.max_size)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        return Rendered(None, problem=f"cannot be decoded: {error}")
    pixels = np.array(image)
    boxes: list[Box] = []
    if job.options.blur_faces:
        detector = _detector or FaceDetector()
        faces = detector.faces(pixels)
        boxes += faces
    else:
        faces = []
    marked = [_scaled(r, scale, pixels.shape) for r in job.regions] if job.options.blur_regions \
        else []
    boxes += [b for b in marked if b is not None]
    for box in boxes:
        obscure(pixels, box)
    result = Image.fromarray(pixels)
    if job.options.watermark:
        _watermark(result, job.options.watermark)
    if job.captions:
        result = _captioned(result, job.captions)
    if job.options.grayscale:
        result = result.convert("L")
    buffer = io.BytesIO()
    result.save(buffer, "JPEG", quality=QUALITY)
    return Rendered(strip_jpeg(buffer.getvalue()), faces=len(faces),
                    regions=sum(b is not None for b in marked))


def _upright(content: bytes, max_size: int) -> tuple[Image.Image, float]:
    """The image decoded, upright, in sRGB, at most `max_size` on its long side; and the scale
    from the upright original's pixels to these."""
    with Image.open(io.BytesIO(content)) as opened:
        full_w, full_h = opened.size
        orientation = opened.getexif().get(_ORIENTATION, 1)
        icc = opened.info.get("icc_profile")
        opened.draft("RGB", (max_size, max_size))  # JPEG: decode at 1/2, 1/4, 1/8 when enough
        image = ImageOps.exif_transpose(opened)
        if icc:
            # a broken profile: the pixels as they are, still without the profile
            with contextlib.suppress(ImageCms.PyCMSError, OSError):
                image = ImageCms.profileToProfile(
                    image, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                    ImageCms.createProfile("sRGB"), outputMode="RGB") or image
        image = image.convert("RGB")
    upright_w = full_h if orientation in _ROTATED else full_w
    image.thumbnail((max_size, max_size), Image.Resampling.LANCZOS)
    return image, image.width / upright_w


def _scaled(region: tuple[int, int, int, int], scale: float, shape: tuple[int, ...]
            ) -> Box | None:
    x, y, w, h = region
    height, width = shape[:2]
    box = (max(0, int(x * scale)), max(0, int(y * scale)),
           min(width, int(np.ceil((x + w) * scale))), min(height, int(np.ceil((y + h) * scale))))
    return box if box[2] > box[0] and box[3] > box[1] else None


def obscure(pixels: np.ndarray, box: Box) -> None:
    """Blur `box` of `pixels` (in place) beyond recovery: average it down to a few cells."""
    x0, y0, x1, y1 = box
    patch = pixels[y0:y1, x0:x1]
    h, w = patch.shape[:2]
    longest = max(w, h)
    small = cv2.resize(patch, (max(1, w * CELLS // longest), max(1, h * CELLS // longest)),
                       interpolation=cv2.INTER_AREA)
    smooth = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    pixels[y0:y1, x0:x1] = cv2.GaussianBlur(smooth, (0, 0), sigmaX=max(1.0, longest / 12))


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    # DejaVu Sans draws Latin and Arabic; matplotlib ships it, so it is always there.
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return ImageFont.truetype(str(path), size)


def _watermark(image: Image.Image, text: str) -> None:
    size = max(14, image.width // 40)
    font = _font(size)
    stroke = max(1, size // 12)
    left, top, right, bottom = (round(v) for v in ImageDraw.Draw(image).textbbox(
        (0, 0), text, font=font, stroke_width=stroke))
    x = max(0, image.width - (right - left) - size)
    y = max(0, image.height - (bottom - top) - size)
    # Only the text's own box is composited: the whole image would cost ten times as much.
    box = (x, y, min(image.width, x + right - left), min(image.height, y + bottom - top))
    layer = Image.new("RGBA", (box[2] - x, box[3] - y), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((-left, -top), text, font=font, fill=(255, 255, 255, 150),
                               stroke_width=stroke, stroke_fill=(0, 0, 0, 110))
    under = image.crop(box).convert("RGBA")
    image.paste(Image.alpha_composite(under, layer).convert("RGB"), box[:2])


def _captioned(image: Image.Image, lines: Sequence[tuple[str, str]]) -> Image.Image:
    """The image with a white band below holding each caption (Arabic right to left)."""
    size = max(12, image.width // 60)
    font = _font(size)
    margin = size
    probe = ImageDraw.Draw(image)
    wrapped: list[tuple[str, str]] = []
    for lang, text in lines:
        direction = "rtl" if lang == "ar" else "ltr"
        wrapped += [(lang, line) for line in _wrap(probe, text, font, image.width - 2 * margin,
                                                    direction)]
    line_height = int(size * 1.6)
    band = margin + line_height * len(wrapped) + margin // 2
    out = Image.new("RGB", (image.width, image.height + band), "white")
    out.paste(image, (0, 0))
    draw = ImageDraw.Draw(out)
    y = image.height + margin // 2
    for lang, line in wrapped:
        if lang == "ar":
            width = draw.textlength(line, font=font, direction="rtl", language="ar")
            draw.text((image.width - margin - width, y), line, font=font, fill="black",
                      direction="rtl", language="ar")
        else:
            draw.text((margin, y), line, font=font, fill="black", language=lang)
        y += line_height
    return out


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int,
          direction: str) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and draw.textlength(trial, font=font, direction=direction) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else lines
