"""Crops per input mode, and the digest that keys every request."""

from __future__ import annotations

import numpy as np
import pytest

from perturbations import Boxes
from robustness._materialize import input_digest, input_region, model_input, perturb

IMAGE = np.arange(60 * 80 * 3, dtype=np.uint8).reshape(60, 80, 3)
FACE = (20.0, 10.0, 40.0, 30.0)
PERSON = (10.0, 0.0, 60.0, 60.0)


def test_modes_with_both_boxes() -> None:
    boxes = Boxes(face=FACE, person=PERSON)
    assert model_input(IMAGE, boxes, "face").face.shape == (20, 20, 3)  # type: ignore[union-attr]
    assert model_input(IMAGE, boxes, "face").body is None
    body = model_input(IMAGE, boxes, "body").body
    assert body is not None and np.array_equal(body, IMAGE[0:60, 10:60])
    both = model_input(IMAGE, boxes, "face+body")
    assert both.face is not None and both.body is not None and both.body.shape == (60, 50, 3)
    assert np.array_equal(model_input(IMAGE, boxes, "full").body, IMAGE)  # type: ignore[arg-type]


def test_missing_person_box_means_the_full_image() -> None:
    boxes = Boxes(face=FACE)
    assert np.array_equal(model_input(IMAGE, boxes, "body").body, IMAGE)  # type: ignore[arg-type]
    # MiVOLO's face+body input: the frame with the face blacked out
    # (tests/models/test_body_mask.py).
    masked = IMAGE.copy()
    masked[10:30, 20:40] = 0
    assert np.array_equal(model_input(IMAGE, boxes, "face+body").body, masked)  # type: ignore[arg-type]


def test_face_mode_needs_a_face_box() -> None:
    with pytest.raises(ValueError, match="no face box"):
        model_input(IMAGE, Boxes(person=PERSON), "face")


def test_digest_is_of_the_exact_pixels_and_shapes() -> None:
    boxes = Boxes(face=FACE, person=PERSON)
    first = input_digest(model_input(IMAGE, boxes, "face"))
    assert first == input_digest(model_input(IMAGE.copy(), boxes, "face"))
    changed = IMAGE.copy()
    changed[15, 25, 0] ^= 1  # one bit inside the face box
    assert input_digest(model_input(changed, boxes, "face")) != first
    # The same bytes as a face crop or as a body crop are different requests.
    assert input_digest(model_input(IMAGE, boxes, "face")) != input_digest(
        model_input(IMAGE, Boxes(face=FACE, person=FACE), "body"))


def test_perturbation_is_seeded_per_item() -> None:
    boxes = Boxes(face=FACE, person=PERSON)
    kwargs = dict(sample_id="s1", perturbation="gaussian_noise", severity=3, replicate=0, seed=7)
    first, _ = perturb(IMAGE, boxes, **kwargs)  # type: ignore[arg-type]
    again, _ = perturb(IMAGE, boxes, **kwargs)  # type: ignore[arg-type]
    other, _ = perturb(IMAGE, boxes, **{**kwargs, "replicate": 1})  # type: ignore[arg-type]
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    clean, same_boxes = perturb(IMAGE, boxes, **{**kwargs, "severity": 0})  # type: ignore[arg-type]
    assert clean is IMAGE and same_boxes == boxes


@pytest.mark.parametrize("mode", ["face", "body", "face+body", "full"])
def test_each_mode_perturbs_the_region_its_crop_reads(mode: str) -> None:
    """Perturbing only ``input_region`` gives the crops the whole perturbed frame gives."""
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (90, 120, 3), dtype=np.uint8)
    boxes = Boxes(face=(40.3, 20.6, 71.2, 55.9), person=(25.0, 5.0, 95.0, 90.0))
    for family in ("gaussian_noise", "gaussian_blur", "brightness_up", "crop_jitter", "jpeg"):
        kwargs = dict(sample_id="s1", perturbation=family, severity=4, replicate=0, seed=7)
        whole = model_input(*perturb(image, boxes, **kwargs), mode,  # type: ignore[arg-type]
                            face_margin=0.2)
        region = input_region(boxes, mode, face_margin=0.2)  # type: ignore[arg-type]
        part = model_input(*perturb(image, boxes, region=region, **kwargs),  # type: ignore[arg-type]
                           mode, face_margin=0.2)  # type: ignore[arg-type]
        assert input_digest(part) == input_digest(whole), (family, mode)
