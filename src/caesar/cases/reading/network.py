"""The glyph classifier's convolutional layers, run by NumPy from plain arrays.

Each layer is a 3x3 convolution (padded, so the picture keeps its size), a ReLU and a 2x2 max
pooling; the pictures are :data:`SIDE` pixels square, the glyph itself within the middle
:data:`BOX`. The layers were trained by PyTorch (:mod:`.fitting`), which is not needed to run
them: a convolution is one matrix product over the picture's 3x3 neighbourhoods. Written here
rather than run by OpenCV's ``cv2.dnn`` because the model stays a file of arrays that loads
without running code (never pickle, never an ONNX graph to trust), and because the product is
as fast: NumPy hands it to the same BLAS.

A kernel is a matrix of (9 x channels in) rows, in the order (row offset, column offset,
channel), and one column per output channel.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SIDE = 32  # pixels of the square picture the network sees
BOX = 28  # the glyph is scaled into this square, in the middle of the picture


def trunk(pictures: np.ndarray, kernels: Sequence[np.ndarray],
          biases: Sequence[np.ndarray]) -> np.ndarray:
    """The convolutional layers' output for uint8 pictures (count, SIDE, SIDE), flattened to
    one row per picture (row, column, channel order)."""
    out = np.empty((len(pictures), trunk_width(kernels)), np.float32)
    # A few dozen pictures at a time: their layers stay in the processor's cache, measured
    # 20% faster than larger batches and several times faster than all at once.
    for start in range(0, len(pictures), _CHUNK):
        # Laid out (channel, picture, row, column): each product's result is already the
        # next layer's input, with no transposing between layers.
        x = (pictures[start:start + _CHUNK].astype(np.float32) / 255.0)[None]
        for kernel, bias in zip(kernels, biases, strict=True):
            x = _layer(x, kernel, bias)
        out[start:start + _CHUNK] = x.transpose(1, 2, 3, 0).reshape(x.shape[1], -1)
    return out


_CHUNK = 48


def _layer(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """One 3x3 convolution, ReLU and 2x2 max pooling of (channel, picture, row, column)."""
    channels, count, height, width = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    # The 3x3 neighbourhood of every pixel, one row per (offset, channel) (im2col), then
    # one product for all filters.
    neighbourhoods = np.empty((9, channels, count, height, width), np.float32)
    for dy in range(3):
        for dx in range(3):
            neighbourhoods[dy * 3 + dx] = padded[:, :, dy:dy + height, dx:dx + width]
    out = kernel.T @ neighbourhoods.reshape(9 * channels, -1)
    out += bias[:, None]
    np.maximum(out, 0.0, out=out)
    maps = out.reshape(-1, count, height, width)
    pooled: np.ndarray = np.maximum(np.maximum(maps[:, :, 0::2, 0::2], maps[:, :, 1::2, 0::2]),
                                    np.maximum(maps[:, :, 0::2, 1::2], maps[:, :, 1::2, 1::2]))
    return pooled


def trunk_fits(kernels: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> bool:
    """Whether the arrays make a chain of layers that :func:`trunk` can run."""
    channels = 1
    for kernel, bias in zip(kernels, biases, strict=False):
        if kernel.ndim != 2 or kernel.shape[0] != 9 * channels or bias.shape != kernel.shape[1:]:
            return False
        channels = kernel.shape[1]
    return len(kernels) == len(biases) > 0 and SIDE % (1 << len(kernels)) == 0


def trunk_width(kernels: Sequence[np.ndarray]) -> int:
    """How many values :func:`trunk` gives for each picture."""
    side = SIDE >> len(kernels)  # halved by each layer
    channels: int = kernels[-1].shape[1]
    return side * side * channels
