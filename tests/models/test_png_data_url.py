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


def test_pixels_that_do_not_compress_are_stored_and_the_rest_compressed() -> None:
    """Noise is stored (zlib would keep ~all of it, at ~10x the CPU); a photo-like gradient is
    compressed. Both decode to the exact pixels."""
    from robustness._models._openai import compressed_fraction

    noise = np.random.default_rng(0).integers(0, 256, (120, 90, 3), dtype=np.uint8)
    smooth = np.repeat(np.linspace(0, 255, 90, dtype=np.uint8)[None, :, None], 120, axis=0)
    smooth = np.repeat(smooth, 3, axis=2)
    assert compressed_fraction(noise) > 0.95 and compressed_fraction(smooth) < 0.2
    for image, stored in ((noise, True), (smooth, False)):
        url = png_data_url(image)
        assert np.array_equal(_decode(url), image)
        size = len(base64.b64decode(url[len(PREFIX):]))
        assert (size > image.nbytes) == stored  # stored: the raw rows plus PNG's framing
    assert compressed_fraction(np.zeros((1, 5, 3), np.uint8)) == 1.0  # no residuals: stored
