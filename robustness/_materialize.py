"""From a sample's clean image to the exact bytes a model receives.

The perturbation acts on the full image and its boxes (so a blur sees the context around the face
and a crop jitter moves the box, as a detector's jitter would); the model's crop is cut after.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

import perturbations
from perturbations import Boxes

from ._body_mask import masked_body
from ._models import InputMode, ModelInput
from ._seeding import item_rng
from ._types import Box, Sample

__all__ = ["crop", "input_digest", "input_region", "model_input", "perturb", "sample_boxes"]


def sample_boxes(sample: Sample, face: Box | None, image: np.ndarray) -> Boxes:
    """A sample's clean boxes: its face (annotated or detected), its person box or the frame,
    and the other people of the same image (for MiVOLO's masking)."""
    height, width = image.shape[:2]
    return Boxes(
        face=face, person=sample.person_box or (0.0, 0.0, float(width), float(height)),
        other_faces=sample.other_faces, other_persons=sample.other_persons,
    )


def perturb(
    image: np.ndarray, boxes: Boxes, *, sample_id: str, perturbation: str, severity: int,
    replicate: int, seed: int, region: Box | None = None,
) -> tuple[np.ndarray, Boxes]:
    """The perturbed full image and boxes of one condition; the clean image when severity is 0.

    With a ``region`` (``input_region``), only the pixels there are sure to be perturbed: a
    family that filters locally computes just a window around it (``perturbations.apply``).
    """
    if perturbation == "none" or severity == 0:
        return image, boxes
    rng = item_rng(sample_id, perturbation, severity, replicate, seed)
    return perturbations.apply(perturbation, image, boxes, severity, rng, region=region)


def _grown(box: Box, margin: float) -> Box:
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return (x0 - dx, y0 - dy, x1 + dx, y1 + dy)


def crop(image: np.ndarray, box: Box, *, margin: float = 0.0) -> np.ndarray:
    """The box grown by ``margin`` × its size on every side, cut to whole pixels inside the image.

    With margin 0 the crop is ``image[floor(y0):ceil(y1), floor(x0):ceil(x1)]``.
    """
    x0, y0, x1, y1 = _grown(box, margin)
    height, width = image.shape[:2]
    left, top = max(0, math.floor(x0)), max(0, math.floor(y0))
    right, bottom = min(width, math.ceil(x1)), min(height, math.ceil(y1))
    return np.ascontiguousarray(image[top:bottom, left:right])


def input_region(boxes: Boxes, mode: InputMode, *, face_margin: float = 0.0) -> Box | None:
    """The part of the frame ``model_input`` reads for ``mode`` (``None``: all of it).

    A function of the mode's own crop alone, so a face crop is the same bytes whichever other
    modes a plan has (a window-computed blur depends on its window: ``perturbations.apply``).
    """
    if mode == "face" and boxes.face is not None:
        return _grown(boxes.face, face_margin)
    if mode == "body":
        return boxes.person
    if mode == "face+body" and boxes.person is not None:
        if boxes.face is None:
            return boxes.person
        face, person = _grown(boxes.face, face_margin), boxes.person
        return (min(face[0], person[0]), min(face[1], person[1]),
                max(face[2], person[2]), max(face[3], person[3]))
    return None


def model_input(
    image: np.ndarray, boxes: Boxes, mode: InputMode, *, face_margin: float = 0.0
) -> ModelInput:
    """The crops a model's input mode asks for; the body is the person box, else the full image.

    The runner gives every sample a person box (the full frame when the dataset has none), so a
    crop jitter moves the body crop as it moves the face crop. ``face+body`` is MiVOLO's input, as
    its model expects it: the body crop with every face and other person blacked out, or ``None``
    when too little of it is left (``_body_mask``); a missing face box is ``None`` ("no face").
    """
    face = None
    if mode == "face" and boxes.face is None:
        raise ValueError("no face box for a face-crop model")
    if mode in ("face", "face+body") and boxes.face is not None:
        face = crop(image, boxes.face, margin=face_margin)
    body = None
    if mode == "body":
        body = crop(image, boxes.person) if boxes.person is not None else image
    elif mode == "face+body":
        height, width = image.shape[:2]
        body = masked_body(image, boxes, boxes.person or (0.0, 0.0, float(width), float(height)))
        if face is None and body is None:
            raise ValueError("no face box and no usable body crop "
                             "(under 50 px, or under 40 % left after masking)")
    elif mode == "full":
        body = image
    return ModelInput(face=face, body=body)


def input_digest(item: ModelInput) -> str:
    """SHA-256 over the exact pixels (with shapes) a model receives."""
    digest = hashlib.sha256()
    for name, array in (("face", item.face), ("body", item.body)):
        if array is not None:
            digest.update(f"{name}:{array.shape}:{array.dtype};".encode())
            digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()
