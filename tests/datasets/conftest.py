"""Fixtures for the dataset loader tests: real images written with Pillow into ``tmp_path``.

Pictures are crops of scikit-image's ``astronaut`` (Eileen Collins, NASA; public domain).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

WriteImage = Callable[..., Path]


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """The 512x512 RGB astronaut portrait (one frontal face at about x 179-267, y 83-171)."""
    return np.asarray(data.astronaut(), dtype=np.uint8)  # type: ignore[no-untyped-call]


@pytest.fixture
def write_image(astronaut: np.ndarray) -> WriteImage:
    """``write_image(path, size=48)``: save a square astronaut crop (around the face)."""

    def write(path: Path, size: int = 48) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        crop = Image.fromarray(astronaut[60:200, 150:290]).resize((size, size))
        crop.save(path)
        return path

    return write


@pytest.fixture
def write_text() -> Callable[[Path, str], Path]:
    """``write_text(path, text)``: write an annotation file, creating its folder."""

    def write(path: Path, text: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
