"""A continuous change of an image, for counterexample search: the severities' dials, freed.

Every field's zero is "no change", so a search that shrinks toward zero finds the smallest
change that does something. Pixel amounts are in face-size units, as in the severity table.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np

from . import _blur, _geometry, _pixel
from ._boxes import IMAGENET_C_SIZE, Boxes, face_size

__all__ = ["Change", "apply_change"]

# The span of each dial, used to put the dials on one scale: 1.0 is "as strong as severity 5".
_SPANS = {"blur_sigma": 6.0, "jpeg_drop": 93.0, "brightness": 0.5, "shift_x": 0.15,
          "shift_y": 0.15, "scale": 0.15}


@dataclass(frozen=True, slots=True)
class Change:
    """Gaussian blur σ (px at a 224-px face), JPEG quality drop from 100, HSV-value shift, and a
    face/person box shift (fractions of the box size) and rescale (fraction, + grows)."""

    blur_sigma: float = 0.0
    jpeg_drop: int = 0
    brightness: float = 0.0
    shift_x: float = 0.0
    shift_y: float = 0.0
    scale: float = 0.0

    @property
    def size(self) -> float:
        """Sum of the dials, each as a fraction of its severity-5 strength."""
        return float(sum(abs(value) / _SPANS[name] for name, value in asdict(self).items()))

    def describe(self) -> str:
        parts = [f"{name} {value:+.3g}" for name, value in asdict(self).items() if value]
        return ", ".join(parts) or "no change"


def apply_change(
    image: np.ndarray, boxes: Boxes, change: Change, rng: np.random.Generator
) -> tuple[np.ndarray, Boxes]:
    """The changed image and boxes; the box move shifts the crops, as a detector's jitter would."""
    out = image
    if change.blur_sigma > 0:
        sigma = change.blur_sigma * face_size(image.shape, boxes) / IMAGENET_C_SIZE
        out = _blur.gaussian_blur(out, sigma, rng)
    if change.brightness:
        out = _pixel.shift_value(out, change.brightness)
    if change.jpeg_drop > 0:
        out = _pixel.jpeg(out, max(1, 100 - int(change.jpeg_drop)))
    if change.shift_x or change.shift_y or change.scale:
        boxes = _move(boxes, change, out.shape[1], out.shape[0])
    return (out.copy() if out is image else out), boxes


def _move(boxes: Boxes, change: Change, width: int, height: int) -> Boxes:
    shift = math.hypot(change.shift_x, change.shift_y)
    angle = math.atan2(change.shift_y, change.shift_x)

    def move(
        box: tuple[float, float, float, float] | None,
    ) -> tuple[float, float, float, float] | None:
        if box is None:
            return None
        return _geometry.jitter_box(box, shift, abs(change.scale), angle, change.scale >= 0,
                                    width, height)

    # Only the subject's crops move (a detector's jitter); other people's pixels stay put.
    return replace(boxes, face=move(boxes.face), person=move(boxes.person))
