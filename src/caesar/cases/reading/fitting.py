"""Fitting the glyph classifier's network with PyTorch, offline, and handing it over as arrays.

Only :func:`caesar.cases.reading.training.train` (making the shipped ``digits.npz``) uses this
module, and PyTorch is the optional extra ``train`` (``pip install -e .[train]``): reading
runs the fitted arrays with NumPy (:mod:`.network`), and an archive's retraining refits the
head alone with scikit-learn (:func:`.training.retrain`).

Every batch is spoilt afresh as it is drawn (:func:`spoil`), beyond what :mod:`.augment` did
to the drawings: the glyph turned and slanted a little, unevenly stretched (an elastic
warp), its strokes thickened or thinned, gaps cut into them, blurred. No two epochs see the
same glyph, so the network learns the shapes of digits rather than the few hands and fonts
it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from caesar.cases.reading.network import SIDE
from caesar.errors import CaesarError

CHANNELS = (8, 16, 32)  # filters of each convolutional layer
HIDDEN = 128  # the head's hidden layer
EPOCHS = 3  # the shipped model: three passes over SCALE 4 (half an hour on a shared machine)
BATCH = 256
LEARNING_RATE = 3e-3  # the peak of the one-cycle schedule, from scratch
FINE_TUNING = 3  # fine-tuning a fitted network peaks at this many times less


@dataclass(frozen=True)
class Fitted:
    """The fitted network as the arrays :class:`~.glyphs.GlyphModel` runs."""

    kernels: tuple[np.ndarray, ...]
    kernel_biases: tuple[np.ndarray, ...]
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]


def _torch() -> Any:
    try:
        import torch
    except ImportError as error:
        raise CaesarError("training the glyph classifier needs PyTorch, which is not installed",
                          hint="install the training extra: pip install -e '.[train]' "
                               "(reading and `caesar cases retrain` do not need it)") from error
    return torch


def fit(pictures: np.ndarray, shapes: np.ndarray, labels: np.ndarray, weights: np.ndarray,
        classes: int, *, seed: int, epochs: int = EPOCHS,
        validation: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        initial: Fitted | None = None) -> Fitted:
    """The network fitted to uint8 `pictures`, standardised `shapes` and class `labels`, each
    glyph weighing `weights`; progress (and accuracy on `validation`, pictures, shapes and
    labels, when given) is printed after each epoch.

    From `initial` (a fitted network of the same layers), it is fine-tuned instead: at a
    third of the learning rate, its batch normalisation kept as folded (a fine-tuning's
    batches would otherwise move what the layers were fitted to)."""
    torch = _torch()
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    net = _network(torch, shapes.shape[1], classes)
    rate = LEARNING_RATE
    if initial is not None:
        _load(torch, net, initial)
        rate = LEARNING_RATE / FINE_TUNING
    x = torch.from_numpy(pictures)
    s = torch.from_numpy(shapes.astype(np.float32))
    y = torch.from_numpy(labels.astype(np.int64))
    w = torch.from_numpy(weights.astype(np.float32))
    steps = epochs * ((len(y) + BATCH - 1) // BATCH)
    optimiser = torch.optim.AdamW(net.parameters(), lr=rate, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=rate, total_steps=steps)
    for epoch in range(epochs):
        net.train()
        if initial is not None:
            for layer in net.trunk:
                if isinstance(layer, torch.nn.BatchNorm2d):
                    layer.eval()
        order = torch.randperm(len(y), generator=generator)
        total = 0.0
        for start in range(0, len(y), BATCH):
            batch = order[start:start + BATCH]
            images = spoil(torch, x[batch].float().div(255).unsqueeze(1), generator)
            extra = s[batch] + 0.05 * torch.randn(s[batch].shape, generator=generator)
            loss = (torch.nn.functional.cross_entropy(net(images, extra), y[batch],
                                                      reduction="none", label_smoothing=0.05)
                    * w[batch]).sum() / w[batch].sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(batch)
        report = f"epoch {epoch + 1}/{epochs}: loss {total / len(y):.3f}"
        if validation is not None:
            report += f", validation {_accuracy(torch, net, *validation):.1%}"
        print(report, flush=True)
    return _arrays(torch, net)


def spoil(torch: Any, images: Any, generator: Any) -> Any:
    """A batch of pictures (count, 1, SIDE, SIDE; ink 1) each spoilt at random."""
    functional = torch.nn.functional
    count = images.shape[0]

    def uniform(low: float, high: float, *shape: int) -> Any:
        return low + (high - low) * torch.rand((count, *shape), generator=generator)

    # Turned, slanted, stretched and moved a little (one affine map each).
    angle = uniform(-0.14, 0.14)  # radians, about 8 degrees
    shear = uniform(-0.35, 0.35)
    sx, sy = uniform(0.8, 1.15), uniform(0.85, 1.1)
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack([torch.stack([cos / sx, (-sin + shear) / sx, uniform(-0.08, 0.08)], 1),
                         torch.stack([sin / sy, cos / sy, uniform(-0.08, 0.08)], 1)], 1)
    grid = functional.affine_grid(theta, list(images.shape), align_corners=False)
    # An elastic warp: a coarse random field of displacements, smoothly enlarged.
    field = functional.interpolate(uniform(-0.09, 0.09, 2, 4, 4), size=(SIDE, SIDE),
                                   mode="bilinear", align_corners=False)
    grid = grid + field.permute(0, 2, 3, 1) * (torch.rand(count, 1, 1, 1, generator=generator)
                                               < 0.6)
    images = functional.grid_sample(images, grid, align_corners=False)
    # Strokes thickened (a wet pen) or thinned (a dry one) for some.
    thicker = functional.max_pool2d(images, 3, stride=1, padding=1)
    thinner = -functional.max_pool2d(-images, 3, stride=1, padding=1)
    pick = torch.rand(count, 1, 1, 1, generator=generator)
    images = torch.where(pick < 0.2, thicker, torch.where(pick > 0.9, thinner, images))
    # Gaps cut into strokes (a pen that skipped, a fold of the card).
    for _ in range(2):
        cut = torch.rand(count, generator=generator) < 0.25
        rows = torch.randint(4, SIDE - 8, (count,), generator=generator)
        cols = torch.randint(4, SIDE - 8, (count,), generator=generator)
        ys = torch.arange(SIDE).view(1, SIDE, 1)
        xs = torch.arange(SIDE).view(1, 1, SIDE)
        patch = ((ys >= rows.view(-1, 1, 1)) & (ys < rows.view(-1, 1, 1) + 3)
                 & (xs >= cols.view(-1, 1, 1)) & (xs < cols.view(-1, 1, 1) + 3)
                 & cut.view(-1, 1, 1))
        images = images.masked_fill(patch.unsqueeze(1), 0.0)
    # Blurred for some.
    soft = functional.avg_pool2d(images, 3, stride=1, padding=1, count_include_pad=False)
    images = torch.where(torch.rand(count, 1, 1, 1, generator=generator) < 0.2, soft, images)
    return images.clamp(0, 1)


def _network(torch: Any, shape_features: int, classes: int) -> Any:
    nn = torch.nn
    layers: list[Any] = []
    channels = 1
    for out in CHANNELS:
        layers += [nn.Conv2d(channels, out, 3, padding=1, bias=False), nn.BatchNorm2d(out),
                   nn.ReLU(), nn.MaxPool2d(2)]
        channels = out
    side = SIDE // 2 ** len(CHANNELS)

    module: Any = nn.Module  # PyTorch is typed as Any (pyproject.toml): a base of type Any

    class Net(module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.trunk = nn.Sequential(*layers)
            self.head = nn.Sequential(nn.Linear(side * side * channels + shape_features,
                                                HIDDEN),
                                      nn.ReLU(), nn.Dropout(0.3), nn.Linear(HIDDEN, classes))

        def forward(self, images: Any, shapes: Any) -> Any:
            # Flattened row, column, channel: the order network.trunk gives.
            flat = self.trunk(images).permute(0, 2, 3, 1).flatten(1)
            return self.head(torch.cat([flat, shapes], 1))

    return Net()


def _accuracy(torch: Any, net: Any, pictures: np.ndarray, shapes: np.ndarray,
              labels: np.ndarray) -> float:
    net.eval()
    with torch.no_grad():
        logits = net(torch.from_numpy(pictures).float().div(255).unsqueeze(1),
                     torch.from_numpy(shapes.astype(np.float32)))
    return float((logits.argmax(1).numpy() == labels).mean())


def _load(torch: Any, net: Any, start: Fitted) -> None:
    """`net`'s parameters set to `start`'s: the inverse of :func:`_arrays`, each batch
    normalisation made the identity plus the folded bias."""
    modules = list(net.trunk)
    convs = list(zip(modules[0::4], modules[1::4], strict=True))
    dense = [m for m in net.head if isinstance(m, torch.nn.Linear)]
    if len(convs) != len(start.kernels) or len(dense) != len(start.weights):
        raise CaesarError("the network to start from has other layers than this one",
                          hint="start from a model trained by this version, or train from "
                               "scratch (without --start)")
    with torch.no_grad():
        for (conv, norm), kernel, bias in zip(convs, start.kernels, start.kernel_biases,
                                              strict=True):
            out, into = conv.weight.shape[:2]
            conv.weight.copy_(torch.from_numpy(kernel).reshape(3, 3, into, out)
                              .permute(3, 2, 0, 1))
            norm.weight.fill_(1.0)
            norm.bias.copy_(torch.from_numpy(bias))
            norm.running_mean.zero_()
            norm.running_var.fill_(1.0 - norm.eps)
        for layer, weight, bias in zip(dense, start.weights, start.biases, strict=True):
            layer.weight.copy_(torch.from_numpy(weight).T)
            layer.bias.copy_(torch.from_numpy(bias))


def _arrays(torch: Any, net: Any) -> Fitted:
    """The network's parameters as :mod:`.network` runs them: each batch normalisation
    folded into the convolution before it."""
    net.eval()
    kernels: list[np.ndarray] = []
    kernel_biases: list[np.ndarray] = []
    modules = list(net.trunk)
    with torch.no_grad():
        for conv, norm in zip(modules[0::4], modules[1::4], strict=True):
            factor = norm.weight / torch.sqrt(norm.running_var + norm.eps)
            weight = conv.weight * factor.view(-1, 1, 1, 1)  # (out, in, 3, 3)
            kernels.append(weight.permute(2, 3, 1, 0).reshape(-1, weight.shape[0])
                           .numpy().astype(np.float32))
            kernel_biases.append((norm.bias - norm.running_mean * factor).numpy()
                                 .astype(np.float32))
        dense = [m for m in net.head if isinstance(m, torch.nn.Linear)]
        weights = tuple(m.weight.T.numpy().astype(np.float32).copy() for m in dense)
        biases = tuple(m.bias.numpy().astype(np.float32).copy() for m in dense)
    return Fitted(tuple(kernels), tuple(kernel_biases), weights, biases)
