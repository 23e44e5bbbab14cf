"""Severity ladders: a higher severity never does less, and severity 5 does more than severity 1.

Pixel families are measured by the mean absolute difference from the clean image inside the face
box; crop jitter (pixels unchanged) by the IoU lost by the face and person boxes. Averaged over a
few seeds, one seed shared across severities as the engine would for a replicate.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

import perturbations as P

SEEDS = range(6)


def _iou(a: P.Box, b: P.Box) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area


def _strength(name: str, scene: tuple[np.ndarray, P.Boxes], severity: int) -> float:
    image, boxes = scene
    assert boxes.face is not None
    x0, y0, x1, y1 = (round(v) for v in boxes.face)
    values = []
    for seed in SEEDS:
        out, moved = P.apply(name, image, boxes, severity, np.random.default_rng(seed))
        if name == "crop_jitter":
            assert moved.face is not None and moved.person is not None
            assert boxes.person is not None
            values.append(2 - _iou(boxes.face, moved.face) - _iou(boxes.person, moved.person))
        else:
            diff = out[y0:y1, x0:x1].astype(np.int16) - image[y0:y1, x0:x1]
            values.append(float(np.abs(diff).mean()))
    return float(np.mean(values))


@pytest.mark.parametrize("name", [f for f in P.FAMILIES if f not in P.INVARIANCES])
def test_strength_grows_with_severity(name: str, scene: tuple[np.ndarray, P.Boxes]) -> None:
    strengths = [_strength(name, scene, s) for s in (0, *P.SEVERITIES)]
    assert strengths[0] == 0.0
    ladder = ", ".join(f"s{s}={v:.3f}" for s, v in enumerate(strengths))
    assert all(b >= a for a, b in itertools.pairwise(strengths)), f"{name}: {ladder}"
    assert strengths[5] > strengths[1], f"{name}: {ladder}"


@pytest.mark.parametrize("name", ["gaussian_blur", "defocus_blur", "motion_blur", "downscale"])
def test_pixel_sizes_follow_the_face(name: str, astronaut: tuple[np.ndarray, P.Boxes]) -> None:
    """The same photo at twice the size gets twice the blur: the face looks equally degraded."""
    image, boxes = astronaut
    assert boxes.face is not None
    large = cv2.resize(image, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    large_boxes = P.Boxes(face=tuple(2 * v for v in boxes.face))  # type: ignore[arg-type]
    x0, y0, x1, y1 = (int(v) for v in boxes.face)
    small_out, _ = P.apply(name, image, boxes, 3, np.random.default_rng(0))
    large_out, _ = P.apply(name, large, large_boxes, 3, np.random.default_rng(0))
    reduced = cv2.resize(large_out, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    clean = image[y0:y1, x0:x1].astype(np.float32)
    effect = np.abs(small_out[y0:y1, x0:x1] - clean).mean()
    mismatch = np.abs(small_out[y0:y1, x0:x1] - reduced[y0:y1, x0:x1].astype(np.float32)).mean()
    assert mismatch < 0.3 * effect, (name, mismatch, effect)
