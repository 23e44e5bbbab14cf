"""The public surface of ``perturbations`` and the contract every ``apply`` call keeps."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import perturbations as P


def _valid_severities(name: str) -> tuple[int, ...]:
    return (0, 1) if name in P.INVARIANCES else (0, *P.SEVERITIES)


def test_public_api_is_pinned() -> None:
    assert sorted(P.__all__) == sorted(
        [
            "FAMILIES",
            "INVARIANCES",
            "SEVERITIES",
            "Box",
            "Boxes",
            "Change",
            "apply",
            "apply_change",
            "parameters",
            "render_grid",
            "severity_table",
        ]
    )
    for name in P.__all__:
        assert hasattr(P, name), name


def test_registered_names() -> None:
    assert P.FAMILIES == (
        "gaussian_blur", "motion_blur", "defocus_blur", "jpeg", "gaussian_noise",
        "brightness_up", "brightness_down", "contrast", "gamma", "downscale",
        "crop_jitter", "occlusion", "hflip", "grayscale",
    )  # fmt: skip
    assert P.INVARIANCES == ("hflip", "grayscale")
    assert set(P.INVARIANCES) <= set(P.FAMILIES)
    assert P.SEVERITIES == (1, 2, 3, 4, 5)


def test_boxes_is_a_frozen_value() -> None:
    boxes = P.Boxes(face=(1.0, 2.0, 3.0, 4.0))
    assert boxes == P.Boxes(face=(1.0, 2.0, 3.0, 4.0), person=None)
    with pytest.raises(AttributeError):
        boxes.face = None  # type: ignore[misc]


@pytest.mark.parametrize("name", P.FAMILIES)
def test_contract_shape_dtype_new_array_input_untouched(
    name: str, astronaut: tuple[np.ndarray, P.Boxes]
) -> None:
    image, boxes = astronaut
    writable = image.copy()  # a writable input, so mutation would be possible, and is checked
    before = writable.copy()
    for severity in _valid_severities(name):
        out, _ = P.apply(name, writable, boxes, severity, np.random.default_rng(7))
        assert out.dtype == np.uint8 and out.shape == image.shape, (name, severity)
        assert out.flags.c_contiguous and out.flags.writeable
        assert not np.shares_memory(out, writable), (name, severity)
        np.testing.assert_array_equal(writable, before, err_msg=f"{name} s{severity} mutated input")


@pytest.mark.parametrize("name", P.FAMILIES)
def test_severity_zero_is_identity(name: str, astronaut: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = astronaut
    out, out_boxes = P.apply(name, image, boxes, 0, np.random.default_rng(0))
    np.testing.assert_array_equal(out, image)
    assert out is not image
    assert out_boxes == boxes
    assert P.parameters(name, 0, face_size=100) == {}


@pytest.mark.parametrize("bad", ["blur", "GAUSSIAN_BLUR", "", None])
def test_unknown_name_raises_quoting_it_and_listing_valid(
    bad: object, astronaut: tuple[np.ndarray, P.Boxes]
) -> None:
    image, boxes = astronaut
    with pytest.raises(ValueError, match="unknown perturbation") as info:
        P.apply(bad, image, boxes, 1, np.random.default_rng(0))  # type: ignore[arg-type]
    assert repr(bad) in str(info.value)
    assert "valid: " + ", ".join(P.FAMILIES) in str(info.value)
    with pytest.raises(ValueError, match="valid: gaussian_blur"):
        P.parameters(bad, 1, face_size=100)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1, 6, 10, 2.0, True, "3"])
def test_bad_severity_raises_quoting_it(bad: object, astronaut: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = astronaut
    with pytest.raises(ValueError, match=f"severity {bad!r} is not valid") as info:
        P.apply("jpeg", image, boxes, bad, np.random.default_rng(0))  # type: ignore[arg-type]
    assert "valid: 0, 1, 2, 3, 4, 5" in str(info.value)


@pytest.mark.parametrize("name", P.INVARIANCES)
@pytest.mark.parametrize("severity", [2, 3, 4, 5])
def test_invariances_have_a_single_strength(
    name: str, severity: int, astronaut: tuple[np.ndarray, P.Boxes]
) -> None:
    image, boxes = astronaut
    with pytest.raises(ValueError, match=f"severity {severity} is not valid for '{name}'") as info:
        P.apply(name, image, boxes, severity, np.random.default_rng(0))
    assert "valid: 0, 1" in str(info.value) and "single strength" in str(info.value)


def test_numpy_integer_severity_is_accepted(astronaut: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = astronaut
    a, _ = P.apply("jpeg", image, boxes, np.int64(3), np.random.default_rng(0))  # type: ignore[arg-type]
    b, _ = P.apply("jpeg", image, boxes, 3, np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((8, 8, 3), np.float32), "dtype uint8, got float32"),
        (np.zeros((8, 8), np.uint8), r"shape \(H, W, 3\).*got \(8, 8\)"),
        (np.zeros((8, 8, 4), np.uint8), r"got \(8, 8, 4\)"),
        ([[0, 0, 0]], "numpy array, got list"),
    ],
)
def test_bad_image_raises(image: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        P.apply("jpeg", image, P.Boxes(), 1, np.random.default_rng(0))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "boxes",
    [
        P.Boxes(face=(10.0, 10.0, 5.0, 20.0)),
        P.Boxes(person=(0.0, 0.0, 10.0, float("nan"))),
        P.Boxes(face=[0, 0, 4, 4]),  # type: ignore[arg-type]
    ],
)
def test_bad_box_raises_quoting_it(boxes: P.Boxes) -> None:
    with pytest.raises(ValueError, match="box must"):
        P.apply("jpeg", np.zeros((16, 16, 3), np.uint8), boxes, 1, np.random.default_rng(0))


def test_rng_must_be_a_generator() -> None:
    with pytest.raises(TypeError, match=r"numpy\.random\.Generator, got RandomState"):
        P.apply(
            "gaussian_noise", np.zeros((8, 8, 3), np.uint8), P.Boxes(), 1,
            np.random.RandomState(0),  # type: ignore[arg-type]
        )  # fmt: skip


def test_no_global_rng_use(astronaut: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = astronaut
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    for name in P.FAMILIES:
        P.apply(name, image, boxes, 1, np.random.default_rng(0))
    assert np.random.random() == expected


def test_import_is_light_and_independent_of_the_engine() -> None:
    """Dependencies point one way (``robustness`` uses ``perturbations``, never the reverse), and
    albumentations loads on first use, not at import."""
    code = (
        "import sys, perturbations; "
        "heavy = ('robustness', 'albumentations'); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
