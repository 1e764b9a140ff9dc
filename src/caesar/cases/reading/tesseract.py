"""Tesseract (through tesserocr, which links it in-process: no subprocess per line).

Used for Western digits only, where it reads well; one engine per process, made on first use.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image
from tesserocr import PSM, PyTessBaseAPI

from caesar.media import TESSDATA

METHOD = "tesseract"


@cache
def _engine() -> PyTessBaseAPI:
    if not Path(TESSDATA, "eng.traineddata").is_file():
        raise RuntimeError("tesseract's English data is missing: apt-get install tesseract-ocr")
    api = PyTessBaseAPI(path=TESSDATA, lang="eng", psm=PSM.SINGLE_LINE)
    api.SetVariable("tessedit_char_whitelist", "0123456789")
    return api


def version() -> str:
    """The engine's version, for the record."""
    return str(_engine().Version()).split()[0]


def read_line(grey: np.ndarray) -> tuple[str, float]:
    """The digits of one line of dark text on light paper, and tesseract's confidence (0..1)."""
    pad = max(4, grey.shape[0] // 3)
    padded = np.pad(grey, pad, mode="edge")
    api = _engine()
    api.SetImage(Image.fromarray(padded))
    text = "".join(ch for ch in api.GetUTF8Text() if ch.isdigit())
    return text, max(0.0, float(api.MeanTextConf())) / 100

