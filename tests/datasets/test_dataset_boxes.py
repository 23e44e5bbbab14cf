"""Box columns in every common form; unknown forms refused; boxes outside the image; duplicates."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from robustness import DatasetError, DatasetWarning, ImageError, load_dataset
from robustness._datasets import load_sample_image

WriteText = Callable[[Path, str], Path]
CORNERS = (4.0, 6.0, 40.0, 44.0)


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("face_x0,face_y0,face_x1,face_y1", "4,6,40,44"),
        ("face_x,face_y,face_w,face_h", "4,6,36,38"),
        ("Face_X,Face_Y,Face_W,Face_H", "4.0,6.0,36.0,38.0"),
        ("bbox", '"[4, 6, 40, 44]"'),
        ("face_bbox", "4 6 40 44"),
        ("bbox", "(4;6;40;44)"),
    ],
)
def test_every_known_face_box_form_reads_the_same_corners(
    tmp_path: Path, write_image: Callable[..., Path], write_text: WriteText, header: str,
    cells: str,
) -> None:
    write_image(tmp_path / "a.jpg")
    labels = write_text(tmp_path / "labels.csv", f"path,age,{header}\na.jpg,30,{cells}\n")
    (sample,) = load_dataset(labels).samples
    assert sample.error is None and sample.face_box == CORNERS and sample.person_box is None


def test_forms_mix_across_kinds_and_minus_one_means_no_box(
    tmp_path: Path, write_image: Callable[..., Path], write_text: WriteText,
) -> None:
    write_image(tmp_path / "a.jpg")
    write_image(tmp_path / "b.jpg")
    labels = write_text(tmp_path / "labels.csv",
                        "path,face_x,face_y,face_w,face_h,person_bbox\n"
                        "a.jpg,4,6,36,38,0 0 48 48\nb.jpg,-1,-1,-1,-1,-1\n")
    a, b = load_dataset(labels).samples
    assert (a.face_box, a.person_box) == (CORNERS, (0.0, 0.0, 48.0, 48.0))
    assert (b.face_box, b.person_box, b.error) == (None, None, None)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("face_xmin,face_ymin,face_xmax,face_ymax", "match no known box form"),
        ("x,y,w,h", "match no known box form"),
        ("face_x,face_y,face_w", "face box columns are incomplete, missing ['face_h']"),
        ("face_x0,face_y0,face_x1,face_y1,face_bbox", "two face box forms"),
        ("person_left,person_top,person_right,person_bottom", "match no known box form"),
    ],
)
def test_box_like_columns_of_no_known_form_are_refused(
    tmp_path: Path, write_text: WriteText, header: str, message: str,
) -> None:
    width = len(header.split(","))
    labels = write_text(tmp_path / "labels.csv", f"path,{header}\na.jpg,{','.join('1' * width)}\n")
    with pytest.raises(DatasetError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_dataset(labels)


def test_unknown_box_form_is_one_cli_line_not_a_detection_fallback(
    tmp_path: Path, write_image: Callable[..., Path], write_text: WriteText,
) -> None:
    write_image(tmp_path / "a.jpg")
    write_text(tmp_path / "labels.csv", "path,age,face_xmin,face_ymin,face_xmax,face_ymax\n"
                                        "a.jpg,30,4,6,40,44\n")
    result = subprocess.run([sys.executable, "-m", "robustness", "run", "--data",
                             str(tmp_path / "labels.csv"), "--store", str(tmp_path / "r.sqlite")],
                            capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error:") and len(result.stderr.splitlines()) == 1
    assert "face_xmin" in result.stderr and "face_x,face_y,face_w,face_h" in result.stderr
    assert not (tmp_path / "r.sqlite").exists()


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ('"1 2 3"', "face bbox '1 2 3' needs four numbers"),
        ('"4 6 1 44"', "is empty"),
    ],
)
def test_a_bad_bbox_cell_is_an_error_sample_naming_its_line(
    tmp_path: Path, write_text: WriteText, cells: str, message: str,
) -> None:
    labels = write_text(tmp_path / "labels.csv", f"path,bbox\na.jpg,{cells}\n")
    (sample,) = load_dataset(labels).samples
    assert sample.error is not None and f"{labels}:2:" in sample.error and message in sample.error


def test_a_box_outside_the_image_is_an_error_naming_file_line_and_box(
    tmp_path: Path, write_image: Callable[..., Path], write_text: WriteText,
) -> None:
    write_image(tmp_path / "a.jpg", size=48)
    labels = write_text(tmp_path / "labels.csv",
                        "path,face_x0,face_y0,face_x1,face_y1\n"
                        "a.jpg,60,60,90,90\na.jpg,40,40,60,60\n")
    outside, overhanging = load_dataset(labels).samples
    with pytest.raises(ImageError) as raised:
        load_sample_image(outside, root=tmp_path)
    assert str(raised.value) == (
        f"{labels}:2: face box (60, 60, 90, 90) lies outside the 48x48 image a.jpg"
    )
    # Overhanging the border is how annotation tools draw edge faces: cropped, not refused.
    assert load_sample_image(overhanging, root=tmp_path).shape == (48, 48, 3)


def test_a_run_records_the_outside_box_per_item_and_goes_on(
    tmp_path: Path, write_image: Callable[..., Path], write_text: WriteText,
) -> None:
    from robustness import RunOptions, Store, run_evaluation

    write_image(tmp_path / "a.jpg", size=96)
    labels = write_text(tmp_path / "labels.csv",
                        "path,age,person_x,person_y,person_w,person_h\n"
                        "a.jpg,30,200,0,50,50\na.jpg,30,0,0,96,96\n")
    result = run_evaluation(RunOptions(data=labels, store=tmp_path / "r.sqlite",
                                       perturbations=("jpeg",), severities=(1,)))
    with Store(tmp_path / "r.sqlite") as store:
        errors = [row["error"] for row in store.item_rows(result.run_id)]
    assert errors[:2] == [f"{labels}:2: person box (200, 0, 250, 50) lies outside the 96x96 "
                          "image a.jpg"] * 2
    assert errors[2:] == [None, None]


def test_duplicate_rows_are_evaluated_once_and_reported_once(
    tmp_path: Path, write_image: Callable[..., Path], write_text: WriteText,
) -> None:
    write_image(tmp_path / "a.jpg")
    write_image(tmp_path / "b.jpg")
    labels = write_text(tmp_path / "labels.csv",
                        "path,age,bbox\n"
                        'a.jpg,30,"4 6 40 44"\n'
                        'a.jpg,30,"4 6 40 44"\n'  # a duplicate
                        'a.jpg,30,"8 6 40 44"\n'  # another face of the same image: kept
                        "b.jpg,41,\n"
                        "b.jpg,41,\n"  # a duplicate without boxes
                        "c.jpg,oops,\n"
                        "c.jpg,oops,\n")  # bad rows are errors of their own lines, never merged
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        samples = load_dataset(labels).samples
    assert [s.id for s in samples] == ["a.jpg", "a.jpg#1", "b.jpg", "c.jpg", "c.jpg#1"]
    (warning,) = [w for w in caught if issubclass(w.category, DatasetWarning)]
    assert str(warning.message) == (
        "2 duplicate row(s) (same image and box) skipped, each evaluated once: "
        f"{labels}:3 repeats line 2; {labels}:6 repeats line 5"
    )
