"""What each perturbation does to the boxes, and family-specific effects on the pixels."""

from __future__ import annotations

import numpy as np
import pytest

import perturbations as P

BOX_MOVERS = {"hflip", "crop_jitter"}


def _severities(name: str) -> tuple[int, ...]:
    return (1,) if name in P.INVARIANCES else P.SEVERITIES


@pytest.mark.parametrize("name", sorted(set(P.FAMILIES) - BOX_MOVERS))
def test_other_families_leave_boxes_unchanged(name: str, scene: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = scene
    for severity in _severities(name):
        _, moved = P.apply(name, image, boxes, severity, np.random.default_rng(severity))
        assert moved == boxes, (name, severity)


def test_hflip_mirrors_pixels_and_boxes(scene: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = scene
    width = image.shape[1]
    out, moved = P.apply("hflip", image, boxes, 1, np.random.default_rng(0))
    np.testing.assert_array_equal(out, image[:, ::-1])
    assert boxes.face is not None and moved.face is not None
    x0, y0, x1, y1 = boxes.face
    assert moved.face == (width - x1, y0, width - x0, y1)
    # the face pixels travel with the box
    fx0, fy0, fx1, fy1 = (int(v) for v in moved.face)
    np.testing.assert_array_equal(
        out[fy0:fy1, fx0:fx1], image[int(y0) : int(y1), int(x0) : int(x1)][:, ::-1]
    )
    # twice is the identity
    back, back_boxes = P.apply("hflip", out, moved, 1, np.random.default_rng(0))
    np.testing.assert_array_equal(back, image)
    assert back_boxes == boxes


def test_hflip_keeps_missing_boxes_missing() -> None:
    image = np.zeros((10, 20, 3), np.uint8)
    _, moved = P.apply("hflip", image, P.Boxes(person=(0, 0, 5, 10)), 1, np.random.default_rng(0))
    assert moved == P.Boxes(face=None, person=(15.0, 0.0, 20.0, 10.0))


@pytest.mark.parametrize("severity", P.SEVERITIES)
def test_crop_jitter_moves_boxes_within_bounds_and_keeps_pixels(
    severity: int, scene: tuple[np.ndarray, P.Boxes]
) -> None:
    image, boxes = scene
    height, width = image.shape[:2]
    assert boxes.face is not None and boxes.person is not None
    for seed in range(20):
        out, moved = P.apply("crop_jitter", image, boxes, severity, np.random.default_rng(seed))
        np.testing.assert_array_equal(out, image)
        assert moved.face is not None and moved.person is not None
        assert moved.face != boxes.face
        for box in (moved.face, moved.person):
            x0, y0, x1, y1 = box
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, box
        # the centre moves by at most `shift` of the box size per axis (before clipping)
        shift = P.parameters("crop_jitter", severity, face_size=1)["shift"]
        fw, fh = boxes.face[2] - boxes.face[0], boxes.face[3] - boxes.face[1]
        assert (
            abs(moved.face[0] - boxes.face[0])
            <= (shift + P.parameters("crop_jitter", severity, face_size=1)["scale"]) * fw + 1e-9
        )
        assert abs(moved.face[1] - boxes.face[1]) <= 2 * shift * fh + 1e-9


def test_crop_jitter_clips_a_box_at_the_edge() -> None:
    image = np.zeros((100, 100, 3), np.uint8)
    boxes = P.Boxes(face=(0.0, 0.0, 40.0, 40.0), person=(0.0, 0.0, 100.0, 100.0))
    for seed in range(30):
        _, moved = P.apply("crop_jitter", image, boxes, 5, np.random.default_rng(seed))
        for box in (moved.face, moved.person):
            assert box is not None
            assert min(box) >= 0 and max(box) <= 100


def test_person_jitter_does_not_depend_on_the_face_box(scene: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = scene
    with_face = P.apply("crop_jitter", image, boxes, 3, np.random.default_rng(4))[1]
    without = P.apply(
        "crop_jitter", image, P.Boxes(person=boxes.person), 3, np.random.default_rng(4)
    )[1]
    assert without.face is None and without.person == with_face.person


def test_grayscale_gives_three_equal_channels(scene: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = scene
    out, _ = P.apply("grayscale", image, boxes, 1, np.random.default_rng(0))
    np.testing.assert_array_equal(out[..., 0], out[..., 1])
    np.testing.assert_array_equal(out[..., 1], out[..., 2])
    # BT.601 luma: a pure red pixel becomes 0.299 * 255
    red = np.zeros((4, 4, 3), np.uint8)
    red[..., 0] = 255
    assert P.apply("grayscale", red, P.Boxes(), 1, np.random.default_rng(0))[0][0, 0, 0] == 76


@pytest.mark.parametrize("severity", P.SEVERITIES)
def test_occlusion_stays_in_the_face_box_and_has_the_tabled_size(
    severity: int, scene: tuple[np.ndarray, P.Boxes]
) -> None:
    image, boxes = scene
    assert boxes.face is not None
    x0, y0, x1, y1 = (int(v) for v in boxes.face)
    side = P.parameters("occlusion", severity, face_size=1)["side"]
    for seed in range(5):
        out, _ = P.apply("occlusion", image, boxes, severity, np.random.default_rng(seed))
        changed = np.any(out != image, axis=2)
        outside = changed.copy()
        outside[y0:y1, x0:x1] = False
        assert not outside.any(), "occlusion painted outside the face box"
        painted = np.all(out == 128, axis=2) & changed
        ys, xs = np.nonzero(painted)
        assert xs.max() - xs.min() + 1 <= round(side * (x1 - x0)) + 1
        assert ys.max() - ys.min() + 1 <= round(side * (y1 - y0)) + 1


def test_occlusion_without_face_box_covers_part_of_the_image() -> None:
    image = np.full((50, 80, 3), 255, np.uint8)
    out, _ = P.apply("occlusion", image, P.Boxes(), 5, np.random.default_rng(0))
    assert np.all(out == 128, axis=2).sum() == round(0.6 * 50) * round(0.6 * 80)


def test_downscale_keeps_image_size_and_tiny_images_work() -> None:
    rng = np.random.default_rng(0)
    tiny = rng.integers(0, 256, (3, 200, 3), dtype=np.uint8)
    out, _ = P.apply("downscale", tiny, P.Boxes(face=(0, 0, 2000, 2000)), 5, rng)
    assert out.shape == tiny.shape


def test_brightness_keeps_hue_and_makes_black_grey() -> None:
    image = np.array([[[200, 100, 50], [0, 0, 0], [255, 255, 255]]], np.uint8)
    up, _ = P.apply("brightness_up", image, P.Boxes(), 1, np.random.default_rng(0))
    down, _ = P.apply("brightness_down", image, P.Boxes(), 2, np.random.default_rng(0))
    # V 200/255 + 0.1 -> 225.5: every channel scales by the same factor, hue and saturation kept
    np.testing.assert_array_equal(up[0, 0], np.rint(np.array([200, 100, 50]) * 225.5 / 200))
    np.testing.assert_array_equal(up[0, 1], [26, 26, 26])  # black -> grey at V = 0.1
    np.testing.assert_array_equal(up[0, 2], [255, 255, 255])
    np.testing.assert_array_equal(down[0, 2], [204, 204, 204])
    np.testing.assert_array_equal(down[0, 1], [0, 0, 0])
