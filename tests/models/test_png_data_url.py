"""The PNG data URLs sent to OpenAI-compatible endpoints carry exactly the crop's pixels."""

from __future__ import annotations

import base64
import csv
import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from robustness._models._openai import png_data_url

PREFIX = "data:image/png;base64,"


def _decode(url: str) -> np.ndarray:
    assert url.startswith(PREFIX)
    with Image.open(io.BytesIO(base64.b64decode(url[len(PREFIX):]))) as image:
        assert image.format == "PNG" and image.mode == "RGB"
        return np.array(image)


def test_real_crops_round_trip_exactly(london: Path) -> None:
    with (london / "labels.csv").open() as handle:
        rows = list(csv.DictReader(handle))[:8]
    for row in rows:
        photo = np.array(Image.open(london / row["path"]).convert("RGB"))
        x0, y0, x1, y1 = (int(float(row[f"face_{k}"])) for k in ("x0", "y0", "x1", "y1"))
        for image in (photo, np.ascontiguousarray(photo[y0:y1, x0:x1])):
            assert np.array_equal(_decode(png_data_url(image)), image)


@pytest.mark.parametrize("shape", [(1, 1, 3), (2, 9, 3), (31, 17, 3), (300, 301, 3)])
def test_noise_and_flat_images_round_trip_exactly(shape: tuple[int, int, int]) -> None:
    noise = np.random.default_rng(3).integers(0, 256, shape, dtype=np.uint8)
    flat = np.full(shape, 200, dtype=np.uint8)
    ramp = cv2.resize(np.arange(256, dtype=np.uint8)[None, :, None].repeat(3, 2), shape[1::-1])
    for image in (noise, flat, np.ascontiguousarray(ramp)):
        assert np.array_equal(_decode(png_data_url(image)), image)
