"""Geometric and region functionals: flip, crop jitter, downscale, occlusion.

These are the perturbations that either move the boxes (flip, crop jitter) or act on a part of the
image the boxes define (occlusion), so they take and return ``Boxes`` where that matters.
"""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from ._boxes import Box, Boxes, clip_box, move_boxes

__all__ = ["crop_jitter", "downscale", "hflip", "jitter_box", "occlusion"]


def _mirror(box: Box, width: int) -> Box:
    x0, y0, x1, y1 = box
    return (float(width - x1), float(y0), float(width - x0), float(y1))


def hflip(image: np.ndarray, boxes: Boxes) -> tuple[np.ndarray, Boxes]:
    """Mirror the image left-right; every box (other people's too) is mirrored with it."""
    width = image.shape[1]
    flipped = cv2.flip(image, 1)  # a new contiguous array, ~30x faster than copying image[:, ::-1]
    return flipped, move_boxes(boxes, lambda box: _mirror(box, width))


def jitter_box(
    box: Box, shift: float, scale: float, angle: float, grow: bool, width: int, height: int
) -> Box:
    """Move a box's centre by ``shift`` of its size towards ``angle`` and resize it by ``scale``.

    The centre moves by ``shift * box width * cos(angle)`` and ``shift * box height * sin(angle)``;
    width and height are multiplied by ``1 + scale`` (``grow``) or ``1 - scale``. The result is
    clipped to the image, as a detector's box would be.
    """
    x0, y0, x1, y1 = box
    box_w, box_h = x1 - x0, y1 - y0
    cx = (x0 + x1) / 2 + shift * box_w * math.cos(angle)
    cy = (y0 + y1) / 2 + shift * box_h * math.sin(angle)
    factor = 1 + scale if grow else 1 - scale
    half_w, half_h = box_w * factor / 2, box_h * factor / 2
    return clip_box((cx - half_w, cy - half_h, cx + half_w, cy + half_h), width, height)


def crop_jitter(
    image: np.ndarray, boxes: Boxes, shift: float, scale: float, rng: np.random.Generator
) -> tuple[np.ndarray, Boxes]:
    """Jitter the face and person boxes independently; the pixels are unchanged (a copy).

    Each box draws its own direction (uniform angle) and whether it grows or shrinks. The draws
    happen for both boxes even when one is missing, so the person box's jitter does not depend on
    whether the sample has a face box. Other people's boxes stay: their pixels did not move.
    """
    height, width = image.shape[:2]
    draws = [(float(rng.uniform(0.0, 2 * math.pi)), bool(rng.integers(2))) for _ in range(2)]
    moved = [
        None if box is None else jitter_box(box, shift, scale, angle, grow, width, height)
        for box, (angle, grow) in zip((boxes.face, boxes.person), draws, strict=True)
    ]
    return image.copy(), replace(boxes, face=moved[0], person=moved[1])


def downscale(image: np.ndarray, scale: float) -> np.ndarray:
    """Shrink the whole image by ``scale`` (area averaging) and restore its size (bilinear).

    The two ``cv2.resize`` calls of albumentations ``Downscale`` (2.0.8), made directly: the same
    pixels (``fx``/``fy`` given as the scale, as it does, so area averaging uses the exact factor,
    not one re-derived from rounded sizes) without building and seeding a transform per call,
    which cost as much as the resizing on a small image. A scale of 1 or more is the identity;
    the scale is raised where needed so the shrunken image keeps at least one pixel per side.
    """
    if scale >= 1.0:
        return image.copy()
    scale = max(scale, 1.0 / min(image.shape[:2]))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    restored: np.ndarray = cv2.resize(
        small, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    return restored


def occlusion(
    image: np.ndarray,
    region: tuple[int, int, int, int],
    side: float,
    fill: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Paint a ``fill``-grey patch inside ``region`` (integer ``x0, y0, x1, y1``).

    The patch is ``side`` of the region's width by ``side`` of its height (at least 1 px) and lies
    wholly inside the region; its position is uniform over the places it fits. Positions are drawn
    as fractions, so one seed puts patches of different severities at the same relative spot.
    """
    x0, y0, x1, y1 = region
    patch_w = min(x1 - x0, max(1, round(side * (x1 - x0))))
    patch_h = min(y1 - y0, max(1, round(side * (y1 - y0))))
    fx, fy = float(rng.random()), float(rng.random())
    left = x0 + min(int(fx * (x1 - x0 - patch_w + 1)), x1 - x0 - patch_w)
    top = y0 + min(int(fy * (y1 - y0 - patch_h + 1)), y1 - y0 - patch_h)
    out = image.copy()
    out[top : top + patch_h, left : left + patch_w] = np.uint8(fill)
    return out
