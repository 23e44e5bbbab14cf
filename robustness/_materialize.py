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

__all__ = ["crop", "input_digest", "model_input", "perturb", "sample_boxes"]


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
    replicate: int, seed: int,
) -> tuple[np.ndarray, Boxes]:
    """The perturbed full image and boxes of one condition; the clean image when severity is 0."""
    if perturbation == "none" or severity == 0:
        return image, boxes
    rng = item_rng(sample_id, perturbation, severity, replicate, seed)
    return perturbations.apply(perturbation, image, boxes, severity, rng)


def crop(image: np.ndarray, box: Box, *, margin: float = 0.0) -> np.ndarray:
    """The box grown by ``margin`` × its size on every side, cut to whole pixels inside the image.

    With margin 0 the crop is ``image[floor(y0):ceil(y1), floor(x0):ceil(x1)]``.
    """
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    height, width = image.shape[:2]
    left, top = max(0, math.floor(x0 - dx)), max(0, math.floor(y0 - dy))
    right, bottom = min(width, math.ceil(x1 + dx)), min(height, math.ceil(y1 + dy))
    return np.ascontiguousarray(image[top:bottom, left:right])


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
