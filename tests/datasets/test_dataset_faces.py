"""detect_face: dlib's frontal detector, largest face, upsampled retry on small images."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from robustness._datasets import detect_face
from robustness._exceptions import ImageError

# Where dlib's detector puts the astronaut's face at full size (upsample 0).
ASTRONAUT_FACE = (179.0, 83.0, 267.0, 171.0)


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def test_finds_the_astronauts_face(astronaut: np.ndarray) -> None:
    box = detect_face(astronaut)
    assert box is not None and all(isinstance(value, float) for value in box)
    assert _iou(box, ASTRONAUT_FACE) > 0.9


def test_returns_the_largest_face(astronaut: np.ndarray) -> None:
    smaller = np.asarray(Image.fromarray(astronaut).resize((400, 400)))
    canvas = np.zeros((512, 912, 3), dtype=np.uint8)
    canvas[:400, :400] = smaller  # a smaller copy on the left, found first in raster order
    canvas[:, 400:] = astronaut
    box = detect_face(canvas)
    assert box is not None
    x0, y0, x1, y1 = ASTRONAUT_FACE
    shifted = (x0 + 400, y0, x1 + 400, y1)
    assert _iou(box, shifted) > 0.9


def test_small_image_is_retried_with_upsampling(astronaut: np.ndarray) -> None:
    small = np.asarray(Image.fromarray(astronaut).resize((256, 256), Image.Resampling.LANCZOS))
    box = detect_face(small)  # the ~44 px face is below what upsample 0 finds
    assert box is not None
    assert _iou(box, tuple(value / 2 for value in ASTRONAUT_FACE)) > 0.6


def test_accepts_views_and_grayscale(astronaut: np.ndarray) -> None:
    assert detect_face(astronaut[:, ::-1]) is not None  # a flipped (strided) view
    assert detect_face(np.asarray(Image.fromarray(astronaut).convert("L"))) is not None


def test_no_face_on_a_blank_image() -> None:
    assert detect_face(np.full((300, 300, 3), 255, dtype=np.uint8)) is None
    assert detect_face(np.zeros((64, 64, 3), dtype=np.uint8)) is None


def test_rejects_non_uint8_rgb(astronaut: np.ndarray) -> None:
    with pytest.raises(ImageError, match="HxWx3 uint8"):
        detect_face(astronaut.astype(np.float32))
    with pytest.raises(ImageError, match="HxWx3 uint8"):
        detect_face(np.zeros((8, 8, 4), dtype=np.uint8))
