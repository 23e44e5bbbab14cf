"""MiVOLO's body crop: everyone's face and every other person blacked out (FIELD.md §4).

MiVOLOv2 was trained and is published with body crops in which the face boxes — the subject's own
included, since it is a separate detection — and the other people's person boxes that intersect
the crop are set to zero. The rule follows ``PersonAndFaceResult.crop_object`` of the official
repository (WildChlamydia/MiVOLO, ``mivolo/structures.py`` at b185dce, the code the hub model's
remote code imports):

- a person crop under 50 px on either side is no body at all;
- a box takes part when its IoU with the person box is at least 1e-6 (it intersects);
- a face box is zeroed as it is; another person's box is first snapped to the crop's edge on each
  side where it comes within 30 % of the crop's size of that edge (their limbs and clothes
  around the subject are hidden too);
- when under 40 % of the crop's channel values are non-zero afterwards, there is no body.

Black borders are **not** cut away: ``cropout_black_parts`` was removed from the official
pipeline (and its training reader) in v0.4.1dev, commit 4d055cb, 2023-08-21 — "ineffective", per
its changelog — before MiVOLOv2 was released; cutting them would hand the model crops it never saw.

Box corners in pixels are rounded outwards (floor/ceil) — as the crop itself is — so a fractional
box, after a crop jitter, never leaves part of a face visible; integer boxes (LAGENDA's) are cut
exactly where the official code cuts them.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from perturbations import Box, Boxes

__all__ = ["BODY_MASK_VERSION", "masked_body"]

BODY_MASK_VERSION: Final = "mivolo-b185dce"
"""Names the masking rule; part of the MiVOLO adapter's fingerprint (changing it re-asks)."""

_MIN_BODY_PX: Final = 50
_MIN_KEPT: Final = 0.4
_SNAP: Final = 0.3
_MIN_IOU: Final = 1e-6

_Bounds = tuple[int, int, int, int]


def masked_body(image: np.ndarray, boxes: Boxes, person: Box) -> np.ndarray | None:
    """The person crop with faces and other people zeroed, or ``None`` when too little is left.

    Args:
        image: The full (perturbed) RGB image.
        boxes: The subject's face box and the other people's boxes, in image pixels.
        person: The body box to crop: the subject's person box, or the frame standing in for it.
    """
    height, width = image.shape[:2]
    crop_bounds = _pixels(person, width, height)
    left, top, right, bottom = crop_bounds
    if right - left < _MIN_BODY_PX or bottom - top < _MIN_BODY_PX:
        return None
    body = image[top:bottom, left:right].copy()
    faces = (*((boxes.face,) if boxes.face is not None else ()), *boxes.other_faces)
    for box, snap in [(face, False) for face in faces] + [(p, True) for p in boxes.other_persons]:
        bounds = _pixels(box, width, height)
        if _iou(crop_bounds, bounds) < _MIN_IOU:
            continue
        x0, y0, x1, y1 = _inside(bounds, crop_bounds, snap=snap)
        body[y0:y1, x0:x1] = 0
    if np.count_nonzero(body) < _MIN_KEPT * body.size:
        return None
    return body


def _pixels(box: Box, width: int, height: int) -> _Bounds:
    """Whole-pixel bounds of ``box`` inside the image, rounded outwards."""
    x0, y0, x1, y1 = box
    return (max(0, math.floor(x0)), max(0, math.floor(y0)),
            min(width, math.ceil(x1)), min(height, math.ceil(y1)))


def _iou(a: _Bounds, b: _Bounds) -> float:
    inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _inside(box: _Bounds, crop: _Bounds, *, snap: bool) -> _Bounds:
    """``box`` in the crop's coordinates, clipped to it; snapped to near edges when ``snap``."""
    width, height = crop[2] - crop[0], crop[3] - crop[1]
    x0, y0 = max(box[0] - crop[0], 0), max(box[1] - crop[1], 0)
    x1, y1 = min(box[2] - crop[0], width), min(box[3] - crop[1], height)
    if snap:
        x0 = 0 if x0 / width < _SNAP else x0
        y0 = 0 if y0 / height < _SNAP else y0
        x1 = width if (width - x1) / width < _SNAP else x1
        y1 = height if (height - y1) / height < _SNAP else y1
    return x0, y0, x1, y1
