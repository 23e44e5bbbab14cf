"""Face and person boxes, and the image-size facts the perturbations derive from them.

Boxes are pixel corners ``(x0, y0, x1, y1)`` in the coordinates of the full image, as in the MiVOLO
CSV format. They travel with the image through every perturbation so that geometric ones (flip,
crop jitter) can move them and the engine crops what the model would really have been shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

__all__ = [
    "IMAGENET_C_SIZE",
    "Box",
    "Boxes",
    "check_boxes",
    "check_image",
    "clip_box",
    "face_region",
    "face_size",
    "move_boxes",
]

Box = tuple[float, float, float, float]
"""Pixel corners ``x0, y0, x1, y1`` of the full image (x1 > x0, y1 > y0)."""

# ImageNet-C defines its pixel-unit parameters for 224-px images; we scale them to the face.
IMAGENET_C_SIZE = 224.0


@dataclass(frozen=True, slots=True)
class Boxes:
    """The boxes that belong to one image; either may be missing.

    Attributes:
        face: The face box, or ``None`` when the sample has none.
        person: The person (body) box, or ``None`` when the sample has none.
        other_faces: Face boxes of the other people annotated in the same image (LAGENDA has one
            row per person). MiVOLO blacks them out of the body crop, so they must move with the
            pixels when a perturbation moves the image.
        other_persons: Person boxes of those other people, likewise.
    """

    face: Box | None = None
    person: Box | None = None
    other_faces: tuple[Box, ...] = ()
    other_persons: tuple[Box, ...] = ()


def check_image(image: object) -> np.ndarray:
    """Return ``image`` if it is an HxWx3 uint8 array, else raise ``ValueError`` saying why."""
    if not isinstance(image, np.ndarray):
        raise ValueError(f"image must be a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise ValueError(f"image must have dtype uint8, got {image.dtype}")
    if image.ndim != 3 or image.shape[2] != 3 or image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(f"image must have shape (H, W, 3) with H, W >= 1, got {image.shape}")
    return image


def _check_box(label: str, box: object) -> None:
    if not isinstance(box, tuple) or len(box) != 4:
        raise ValueError(f"{label} box must be a 4-tuple (x0, y0, x1, y1), got {box!r}")
    x0, y0, x1, y1 = box
    if not all(isinstance(v, (int, float, np.integer, np.floating)) for v in box):
        raise ValueError(f"{label} box must hold numbers, got {box!r}")
    if not all(math.isfinite(float(v)) for v in box) or not (x1 > x0 and y1 > y0):
        raise ValueError(f"{label} box must be finite with x1 > x0 and y1 > y0, got {box!r}")


def check_boxes(boxes: object) -> Boxes:
    """Return ``boxes`` if it is a ``Boxes`` with well-formed boxes, else raise ``ValueError``."""
    if not isinstance(boxes, Boxes):
        raise ValueError(f"boxes must be a perturbations.Boxes, got {type(boxes).__name__}")
    if boxes.face is not None:
        _check_box("face", boxes.face)
    if boxes.person is not None:
        _check_box("person", boxes.person)
    for label, others in (("other face", boxes.other_faces), ("other person", boxes.other_persons)):
        if not isinstance(others, tuple):
            raise ValueError(f"{label} boxes must be a tuple of boxes, got {others!r}")
        for box in others:
            _check_box(label, box)
    return boxes


def move_boxes(boxes: Boxes, move: Callable[[Box], Box]) -> Boxes:
    """Every box, the other people's included, through ``move`` (a geometric map of the image)."""
    return replace(
        boxes,
        face=None if boxes.face is None else move(boxes.face),
        person=None if boxes.person is None else move(boxes.person),
        other_faces=tuple(map(move, boxes.other_faces)),
        other_persons=tuple(map(move, boxes.other_persons)),
    )


def face_size(image_shape: tuple[int, ...], boxes: Boxes) -> float:
    """The size pixel-unit parameters are scaled to: the face box's longer side, else min(H, W).

    The face is what the model must read, so a blur of "ImageNet-C severity 3" should hide as much
    of a small face as of a large one; scaling by the whole image would make severities mean
    different things on a passport photo and a crowd shot.
    """
    if boxes.face is not None:
        x0, y0, x1, y1 = boxes.face
        return float(max(x1 - x0, y1 - y0))
    return float(min(image_shape[0], image_shape[1]))


def clip_box(box: Box, width: int, height: int) -> Box:
    """Clip a box to the image ``[0, width] x [0, height]``."""
    x0, y0, x1, y1 = box
    return (
        float(min(max(x0, 0.0), width)),
        float(min(max(y0, 0.0), height)),
        float(min(max(x1, 0.0), width)),
        float(min(max(y1, 0.0), height)),
    )


def face_region(image_shape: tuple[int, ...], boxes: Boxes) -> tuple[int, int, int, int]:
    """Integer pixel slice bounds ``(x0, y0, x1, y1)`` of the face box inside the image.

    Falls back to the whole image when there is no face box, and never returns an empty region:
    a box that lies outside the image collapses onto its nearest pixel.
    """
    height, width = image_shape[0], image_shape[1]
    if boxes.face is None:
        return 0, 0, width, height
    x0, y0, x1, y1 = clip_box(boxes.face, width, height)
    ix0, iy0 = min(math.floor(x0), width - 1), min(math.floor(y0), height - 1)
    ix1, iy1 = max(math.ceil(x1), ix0 + 1), max(math.ceil(y1), iy0 + 1)
    return ix0, iy0, ix1, iy1
