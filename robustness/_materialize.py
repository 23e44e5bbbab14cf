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

from ._models._base import InputMode, ModelInput
from ._seeding import item_rng
from ._types import Box

__all__ = ["crop", "input_digest", "model_input", "perturb"]


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
    crop jitter moves the body crop as it moves the face crop.
    """
    face = None
    if mode in ("face", "face+body"):
        if boxes.face is None:
            raise ValueError("no face box for a face-crop model")
        face = crop(image, boxes.face, margin=face_margin)
    body = None
    if mode in ("body", "face+body"):
        body = crop(image, boxes.person) if boxes.person is not None else image
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
