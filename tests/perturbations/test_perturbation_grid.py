"""The contact sheet: documented shape, labels, and the same cells whatever else is in the grid."""

from __future__ import annotations

import numpy as np
import pytest

import perturbations as P


def test_grid_shape(astronaut: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = astronaut
    grid = P.render_grid(
        image,
        boxes,
        families=["jpeg", "hflip", "crop_jitter"],
        severities=[1, 3, 5],
        seed=0,
        cell=96,
    )
    assert grid.dtype == np.uint8
    assert grid.shape == (3 * 96, (1 + 3) * 96, 3)


def test_full_grid_on_the_real_photo(scene: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = scene
    grid = P.render_grid(image, boxes, families=P.FAMILIES, severities=P.SEVERITIES, seed=1)
    assert grid.shape == (len(P.FAMILIES) * 160, 6 * 160, 3)


def test_cells_do_not_depend_on_the_rest_of_the_grid(astronaut: tuple[np.ndarray, P.Boxes]) -> None:
    image, boxes = astronaut
    full = P.render_grid(image, boxes, families=P.FAMILIES, severities=[1, 2, 3], seed=5, cell=64)
    row = P.FAMILIES.index("gaussian_noise")
    alone = P.render_grid(
        image, boxes, families=["gaussian_noise"], severities=[3], seed=5, cell=64
    )
    np.testing.assert_array_equal(alone[:, 64:], full[row * 64 : (row + 1) * 64, 3 * 64 :])
    again = P.render_grid(image, boxes, families=P.FAMILIES, severities=[1, 2, 3], seed=5, cell=64)
    np.testing.assert_array_equal(full, again)
    other = P.render_grid(
        image, boxes, families=["gaussian_noise"], severities=[3], seed=6, cell=64
    )
    assert not np.array_equal(alone, other)


def test_clean_column_is_the_face_crop_and_labels_are_drawn(
    astronaut: tuple[np.ndarray, P.Boxes],
) -> None:
    image, boxes = astronaut
    grid = P.render_grid(image, boxes, families=["hflip"], severities=[1, 3], seed=0, cell=120)
    clean, flipped, blank = grid[:, :120], grid[:, 120:240], grid[:, 240:]
    band = 12  # the label band at cell 120
    # face box 105x135 letterboxed into 120: a dark margin left and right, image in the middle
    assert (clean[60, :5] == 40).all() and not (clean[60, 60] == 40).all()
    assert (clean[0] == 0).all() and (clean[:band] > 180).any(), "no light text on a black band"
    # an invariance has no severity 3: a dark labelled cell
    assert (blank[band + 2 :] == 40).all() and (blank[:band] > 180).any()
    assert not np.array_equal(flipped, clean)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"families": ["blur"], "severities": [1]}, "unknown perturbation 'blur'"),
        ({"families": [], "severities": [1]}, "families must be"),
        ({"families": "jpeg", "severities": [1]}, "families must be"),
        ({"families": ["jpeg"], "severities": [7]}, "severity 7 is not valid"),
        ({"families": ["jpeg"], "severities": []}, "severities must be"),
        ({"families": ["jpeg"], "severities": [1], "cell": 8}, "cell must be an int >= 32, got 8"),
    ],
)
def test_grid_rejects_bad_arguments(
    kwargs: dict[str, object], message: str, astronaut: tuple[np.ndarray, P.Boxes]
) -> None:
    image, boxes = astronaut
    with pytest.raises(ValueError, match=message):
        P.render_grid(image, boxes, seed=0, **kwargs)  # type: ignore[arg-type]
