"""The fast paths give the bytes of the reference implementations they replaced.

``jpeg`` calls libjpeg-turbo through OpenCV instead of Pillow, and ``downscale`` calls
``cv2.resize`` directly instead of albumentations' ``Downscale``, both for speed
(bench/perturbation_throughput.py). Stored predictions were made with the old paths, so the
pixels must not move: each is compared byte for byte with the reference, on real photographs
at several sizes and on odd-sized noise images down to 1x1.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

import perturbations as P
from perturbations import _geometry, _pixel
from perturbations._albu import albumentations, run_transform

ODD_SHAPES = [(1, 1), (1, 7), (3, 5), (17, 33), (64, 63), (257, 255)]


def _images(scene: tuple[np.ndarray, P.Boxes]) -> list[np.ndarray]:
    photo, _ = scene
    out = [np.ascontiguousarray(photo)]
    for side in (256, 97):
        factor = side / max(photo.shape[:2])
        size = (max(1, round(photo.shape[1] * factor)), max(1, round(photo.shape[0] * factor)))
        out.append(cv2.resize(photo, size, interpolation=cv2.INTER_AREA))
    rng = np.random.default_rng(7)
    out += [rng.integers(0, 256, (*shape, 3), dtype=np.uint8) for shape in ODD_SHAPES]
    return out


def _pillow_jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return np.array(decoded.convert("RGB"))


def _albumentations_downscale(image: np.ndarray, scale: float) -> np.ndarray:
    scale = max(scale, 1.0 / min(image.shape[:2]))
    transform = albumentations().Downscale(
        scale_range=(scale, scale),
        interpolation_pair={"downscale": cv2.INTER_AREA, "upscale": cv2.INTER_LINEAR},
        p=1.0,
        strict=True,
    )
    return run_transform(transform, image, np.random.default_rng(0))


def test_jpeg_equals_pillow_round_trip(scene: tuple[np.ndarray, P.Boxes]) -> None:
    qualities = sorted({int(P.parameters("jpeg", s, face_size=1)["quality"]) for s in P.SEVERITIES})
    for image in _images(scene):
        for quality in qualities:
            ours = _pixel.jpeg(image, quality)
            assert ours.tobytes() == _pillow_jpeg(image, quality).tobytes(), (image.shape, quality)


@pytest.mark.parametrize("scale", [0.9, 0.5, 0.3, 0.137, 0.05, 0.001])
def test_downscale_equals_albumentations(scale: float, scene: tuple[np.ndarray, P.Boxes]) -> None:
    for image in _images(scene):
        ours = _geometry.downscale(image, scale)
        reference = _albumentations_downscale(image, scale)
        assert ours.tobytes() == reference.tobytes(), (image.shape, scale)


@pytest.mark.parametrize("face_size", [40.0, 103.0, 224.0, 400.0])
def test_defocus_trimmed_kernel_is_the_full_convolution(
    face_size: float, scene: tuple[np.ndarray, P.Boxes]
) -> None:
    """Cutting the disk kernel's zero border changes no sum; OpenCV's DFT path (big kernels)
    may round a few values one level apart from the direct path (small kernels)."""
    from perturbations import _blur

    for image in _images(scene)[:3]:
        for severity in P.SEVERITIES:
            p = P.parameters("defocus_blur", severity, face_size=face_size)
            full = cv2.filter2D(image, -1, _blur.disk_kernel(p["radius"], p["alias_sigma"]),
                                borderType=cv2.BORDER_REFLECT_101)
            ours = _blur.defocus_blur(image, p["radius"], p["alias_sigma"])
            difference = np.abs(ours.astype(np.int16) - full)
            assert difference.max() <= 1, (image.shape, severity)
            assert (difference > 0).mean() < 0.001, (image.shape, severity)
