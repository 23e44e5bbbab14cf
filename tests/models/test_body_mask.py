"""MiVOLO's body crop: faces and other people blacked out, too little left means no body."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import perturbations
from perturbations import Boxes
from robustness._body_mask import masked_body
from robustness._datasets import load_dataset
from robustness._materialize import input_digest, model_input, sample_boxes
from robustness._types import Sample

# A 200 x 300 image with no zero value anywhere, so every zero in a crop comes from masking.
IMAGE = (np.arange(200 * 300 * 3).reshape(200, 300, 3) % 250 + 1).astype(np.uint8)
PERSON = (50.0, 20.0, 150.0, 180.0)  # 100 x 160 px
FACE = (80.0, 30.0, 120.0, 70.0)  # inside the person box


def _zeros(body: np.ndarray) -> np.ndarray:
    """Pixels whose three channels are all zero."""
    return np.all(body == 0, axis=2)


def test_the_subjects_own_face_is_zeroed_exactly_over_its_box() -> None:
    item = model_input(IMAGE, Boxes(face=FACE, person=PERSON), "face+body")
    assert item.body is not None and item.body.shape == (160, 100, 3)
    expected = np.zeros((160, 100), dtype=bool)
    expected[30 - 20:70 - 20, 80 - 50:120 - 50] = True
    assert np.array_equal(_zeros(item.body), expected)
    # Everything else is the image's own pixels; the face crop itself is untouched.
    assert np.array_equal(item.body[~expected], IMAGE[20:180, 50:150][~expected])
    assert item.face is not None and np.array_equal(item.face, IMAGE[30:70, 80:120])


def test_other_faces_are_zeroed_as_they_are_and_other_persons_snap_to_near_edges() -> None:
    other_face = (130.0, 100.0, 170.0, 130.0)  # sticks out of the crop on the right
    other_person = (140.0, 10.0, 260.0, 190.0)  # enters 10 px from the right edge: snaps to it
    away = (200.0, 100.0, 290.0, 190.0)  # does not intersect: ignored
    boxes = Boxes(face=FACE, person=PERSON, other_faces=(other_face, away), other_persons=(away,
                  other_person))
    body = masked_body(IMAGE, boxes, PERSON)
    assert body is not None
    expected = np.zeros((160, 100), dtype=bool)
    expected[10:50, 30:70] = True  # own face
    expected[80:110, 80:100] = True  # other face, clipped to the crop
    expected[:, 90:100] = True  # other person: top/bottom within 30 % -> snapped to full height
    assert np.array_equal(_zeros(body), expected)


def test_a_person_box_far_from_every_edge_is_not_snapped() -> None:
    middle = (85.0, 80.0, 115.0, 120.0)  # 35-65 % across, 37-62 % down: no edge within 30 %
    body = masked_body(IMAGE, Boxes(person=PERSON, other_persons=(middle,)), PERSON)
    assert body is not None
    expected = np.zeros((160, 100), dtype=bool)
    expected[60:100, 35:65] = True
    assert np.array_equal(_zeros(body), expected)


def test_a_tiny_body_crop_is_no_body() -> None:
    small = (50.0, 20.0, 99.0, 180.0)  # 49 px wide
    item = model_input(IMAGE, Boxes(face=FACE, person=small), "face+body")
    assert item.body is None and item.face is not None
    assert masked_body(IMAGE, Boxes(), (50.0, 20.0, 100.0, 70.0)) is not None  # 50 px is enough


def test_under_40_percent_left_is_no_body() -> None:
    # Another person covering the left 61 % of the crop leaves 39 %; 59 % leaves 41 %.
    for right, kept in ((111.0, False), (109.0, True)):
        other = (40.0, 0.0, right, 200.0)
        body = masked_body(IMAGE, Boxes(person=PERSON, other_persons=(other,)), PERSON)
        assert (body is not None) is kept


def test_no_face_box_is_no_face_and_neither_is_an_error() -> None:
    item = model_input(IMAGE, Boxes(person=PERSON), "face+body")
    assert item.face is None and item.body is not None
    with pytest.raises(ValueError, match="no usable body crop"):
        model_input(IMAGE, Boxes(person=(0.0, 0.0, 40.0, 40.0)), "face+body")


def test_masking_changes_the_request_identity() -> None:
    alone = model_input(IMAGE, Boxes(face=FACE, person=PERSON), "face+body")
    crowded = model_input(IMAGE, Boxes(face=FACE, person=PERSON,
                                       other_faces=((130.0, 100.0, 170.0, 130.0),)), "face+body")
    assert input_digest(alone) != input_digest(crowded)
    # Other modes never mask.
    body = model_input(IMAGE, Boxes(face=FACE, person=PERSON), "body").body
    assert body is not None and not _zeros(body).any()


def test_hflip_moves_the_other_boxes_and_the_mask_with_the_pixels() -> None:
    boxes = Boxes(face=FACE, person=PERSON, other_faces=((130.0, 100.0, 170.0, 130.0),),
                  other_persons=((140.0, 10.0, 260.0, 190.0),))
    flipped, moved = perturbations.apply("hflip", IMAGE, boxes, 1, np.random.default_rng(0))
    assert moved.other_faces == ((130.0, 100.0, 170.0, 130.0),)  # symmetric about x = 150
    assert moved.other_persons == ((40.0, 10.0, 160.0, 190.0),)
    before = masked_body(IMAGE, boxes, PERSON)
    after = masked_body(flipped, moved, moved.person)  # type: ignore[arg-type]
    assert before is not None and after is not None
    assert np.array_equal(_zeros(after), _zeros(before)[:, ::-1])
    # A crop jitter moves the subject's boxes only: the others' pixels did not move.
    _, jittered = perturbations.apply("crop_jitter", IMAGE, boxes, 3, np.random.default_rng(0))
    assert jittered.other_faces == boxes.other_faces
    assert jittered.other_persons == boxes.other_persons
    assert jittered.person != boxes.person


def test_malformed_other_boxes_are_rejected() -> None:
    with pytest.raises(ValueError, match="other face box"):
        perturbations.apply("jpeg", IMAGE, Boxes(other_faces=((5.0, 5.0, 1.0, 9.0),)), 1,
                            np.random.default_rng(0))


def test_rows_of_one_image_know_each_others_boxes(tmp_path: Path) -> None:
    import cv2

    cv2.imwrite(str(tmp_path / "a.jpg"), IMAGE)
    cv2.imwrite(str(tmp_path / "b.jpg"), IMAGE)
    (tmp_path / "annotations.csv").write_text(
        "img_name,age,gender,face_x0,face_y0,face_x1,face_y1,"
        "person_x0,person_y0,person_x1,person_y1\n"
        "a.jpg,30,M,80,30,120,70,50,20,150,180\n"
        "a.jpg,40,F,130,100,170,130,140,10,260,190\n"
        "a.jpg,50,F,10,10,30,30,-1,-1,-1,-1\n"
        "b.jpg,20,M,80,30,120,70,50,20,150,180\n"
    )
    samples = load_dataset(tmp_path / "annotations.csv", format="mivolo").samples
    first, second, third, alone = samples
    assert first.other_faces == ((130.0, 100.0, 170.0, 130.0), (10.0, 10.0, 30.0, 30.0))
    assert first.other_persons == ((140.0, 10.0, 260.0, 190.0),)
    assert second.other_faces == ((80.0, 30.0, 120.0, 70.0), (10.0, 10.0, 30.0, 30.0))
    assert third.other_persons == ((50.0, 20.0, 150.0, 180.0), (140.0, 10.0, 260.0, 190.0))
    assert alone.other_faces == () and alone.other_persons == ()
    # The engine's clean boxes carry them to the crop.
    boxes = sample_boxes(first, first.face_box, IMAGE)
    assert boxes.other_persons == first.other_persons and boxes.person == first.person_box


def test_without_a_person_box_the_masked_frame_stands_in() -> None:
    sample = Sample(id="s", image_path=Path("x.jpg"), face_box=FACE)
    boxes = sample_boxes(sample, FACE, IMAGE)
    body = model_input(IMAGE, boxes, "face+body").body
    assert body is not None and body.shape == IMAGE.shape
    assert _zeros(body).sum() == 40 * 40
