"""``apply(..., region=...)``: the region's pixels are the whole frame's, computed from a window."""

from __future__ import annotations

import math

import numpy as np
import pytest

import perturbations as P
from perturbations._noise import TILE

# Blurs whose kernels are large enough that OpenCV convolves them through a DFT sized by the
# image: a window's float rounding may put a few pixels one level away from the whole frame's.
DFT_BLURS = {"motion_blur", "defocus_blur"}


def _severities(name: str) -> tuple[int, ...]:
    return (1,) if name in P.INVARIANCES else P.SEVERITIES


def _regions(image: np.ndarray, boxes: P.Boxes) -> list[P.Box]:
    height, width = image.shape[:2]
    assert boxes.face is not None
    return [
        boxes.face,  # a face crop, fractional corners
        (0.0, 0.0, 40.5, 33.0),  # a frame corner: the frame's border rule inside the window
        (width - 50.2, height - 7.0, float(width), float(height)),
        (width / 2, 0.0, width / 2 + 1, float(height)),  # one column, top to bottom
        (0.0, 0.0, float(width), float(height)),  # the whole frame
    ]


def _cut(image: np.ndarray, region: P.Box) -> np.ndarray:
    x0, y0, x1, y1 = region
    return image[math.floor(y0) : math.ceil(y1), math.floor(x0) : math.ceil(x1)]


@pytest.mark.parametrize("name", P.FAMILIES)
def test_region_pixels_are_the_whole_frames(
    name: str, scene: tuple[np.ndarray, P.Boxes]
) -> None:
    image, boxes = scene
    for severity in _severities(name):
        whole, whole_boxes = P.apply(name, image, boxes, severity, np.random.default_rng(5))
        for region in _regions(image, boxes):
            part, part_boxes = P.apply(name, image, boxes, severity, np.random.default_rng(5),
                                       region=region)
            assert part.shape == image.shape and part_boxes == whole_boxes
            got, want = _cut(part, region).astype(int), _cut(whole, region).astype(int)
            if name in DFT_BLURS:
                off = np.abs(got - want)
                assert off.max() <= 1 and (off > 0).mean() < 0.005, (name, severity, region)
            else:
                assert np.array_equal(got, want), (name, severity, region)


@pytest.mark.parametrize("name", sorted(DFT_BLURS))
def test_a_region_gives_the_same_pixels_every_time(
    name: str, london: tuple[np.ndarray, P.Boxes]
) -> None:
    """The window is a pure function of the region: the same crop is the same bytes (one key)."""
    image, boxes = london
    first, _ = P.apply(name, image, boxes, 5, np.random.default_rng(1), region=boxes.face)
    again, _ = P.apply(name, image, boxes, 5, np.random.default_rng(1), region=boxes.face)
    assert _cut(first, boxes.face).tobytes() == _cut(again, boxes.face).tobytes()


def test_outside_the_region_a_local_family_leaves_the_frame_clean(
    london: tuple[np.ndarray, P.Boxes],
) -> None:
    image, boxes = london
    out, _ = P.apply("gaussian_noise", image, boxes, 3, np.random.default_rng(0),
                     region=(10.0, 10.0, 20.0, 20.0))
    changed = np.argwhere((out != image).any(axis=2))
    assert len(changed) > 0
    assert changed.min(axis=0).tolist() >= [10, 10] and changed.max(axis=0).tolist() <= [19, 19]


def test_noise_at_a_pixel_does_not_depend_on_the_frame_size() -> None:
    """The field is addressed by position: a smaller frame is the top-left of the larger one."""
    grey = np.full((3 * TILE + 5, 2 * TILE + 9, 3), 128, np.uint8)
    large, _ = P.apply("gaussian_noise", grey, P.Boxes(), 5, np.random.default_rng(3))
    small, _ = P.apply("gaussian_noise", grey[: TILE + 1, : TILE - 3], P.Boxes(), 5,
                       np.random.default_rng(3))
    assert np.array_equal(small, large[: TILE + 1, : TILE - 3])


def test_noise_tiles_are_independent() -> None:
    """Neighbouring tiles, and channels, draw different values (no repeated stream)."""
    grey = np.full((2 * TILE, 2 * TILE, 3), 128, np.uint8)
    out, _ = P.apply("gaussian_noise", grey, P.Boxes(), 5, np.random.default_rng(3))
    values = out.astype(float) - 128
    tiles = [values[:TILE, :TILE], values[:TILE, TILE:], values[TILE:, :TILE]]
    for a, b in [(tiles[0], tiles[1]), (tiles[0], tiles[2]), (tiles[1], tiles[2])]:
        assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < 0.05
    assert abs(np.corrcoef(values[..., 0].ravel(), values[..., 2].ravel())[0, 1]) < 0.05
