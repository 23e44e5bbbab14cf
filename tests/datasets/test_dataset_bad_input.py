"""Bad rows and bad paths become error samples naming file:line; whole-dataset problems raise."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from robustness._datasets import load_dataset, load_image
from robustness._exceptions import DatasetError, ImageError

WriteText = Callable[[Path, str], Path]
WriteImage = Callable[..., Path]

HEADER = "path,age,gender,face_x0,face_y0,face_x1,face_y1,subject_id\n"


@pytest.mark.parametrize(("row", "sample_id", "reason"), [
    ("a.jpg,24,male,1,2,3\n", "a.jpg", "expected 8 columns, found 6"),
    ("a.jpg,24,male,1,2,3,4,s1,extra\n", "a.jpg", "expected 8 columns, found 9"),
    ("a.jpg,abc,male,1,2,3,4,s1\n", "a.jpg", "age 'abc' is not a number"),
    ("a.jpg,nan,male,1,2,3,4,s1\n", "a.jpg", "age 'nan' is not a finite number"),
    ("a.jpg,-5,male,1,2,3,4,s1\n", "a.jpg", "age '-5' is negative"),
    ("a.jpg,400,male,1,2,3,4,s1\n", "a.jpg", "age '400' is above 150 years"),
    ("a.jpg,30;20,male,1,2,3,4,s1\n", "a.jpg", "age group '30;20' has its upper bound below"),
    ("a.jpg,24,maybe,1,2,3,4,s1\n", "a.jpg", "unknown gender 'maybe'"),
    ("a.jpg,24,male,10,2,5,4,s1\n", "a.jpg", "face box '10,2,5,4' is empty"),
    ("a.jpg,24,male,1,2,3,2,s1\n", "a.jpg", "face box '1,2,3,2' is empty"),
    ("a.jpg,24,male,-3,2,3,4,s1\n", "a.jpg", "face box coordinate '-3' is negative"),
    ("a.jpg,24,male,NaN,2,3,4,s1\n", "a.jpg", "face box coordinate 'NaN' is not a finite number"),
    ("a.jpg,24,male,1,-1,3,4,s1\n", "a.jpg", "face box '1,-1,3,4' is partly missing"),
    (",24,male,1,2,3,4,s1\n", None, "empty image path"),
    (".,24,male,1,2,3,4,s1\n", ".", "image path '.' names the dataset root, not an image"),
])
def test_malformed_row_becomes_an_error_sample_with_file_and_line(
    tmp_path: Path, write_text: WriteText, row: str, sample_id: str | None, reason: str,
) -> None:
    labels = write_text(tmp_path / "labels.csv", HEADER + "ok.jpg,30,f,1,2,3,4,s0\n" + row)
    good, bad = load_dataset(labels).samples
    assert good.error is None
    assert bad.error is not None and bad.error.startswith(f"{labels}:3: {reason}")
    assert bad.id == (sample_id if sample_id is not None else f"{labels}:3")
    assert bad.source == f"{labels}:3"
    assert (bad.age, bad.gender, bad.face_box) == (None, None, None)


def test_line_numbers_count_blank_lines_and_quoted_newlines(
    tmp_path: Path, write_text: WriteText,
) -> None:
    labels = write_text(tmp_path / "labels.csv",
                        "path,age,note\n\n\"a.jpg\",20,\"two\nlines\"\nb.jpg,x,\n")
    first, second = load_dataset(labels).samples
    assert (first.source, first.extras["note"]) == (f"{labels}:3", "two\nlines")
    assert second.error == f"{labels}:5: age 'x' is not a number"


def test_undecodable_bytes_cost_one_row(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_bytes(b"path,age\na.jpg,20\nb\xff\xfe.jpg,21\nc.jpg,22\n")
    a, b, c = load_dataset(labels).samples
    assert (a.error, c.error) == (None, None)
    assert b.error is not None and "not valid UTF-8" in b.error


@pytest.mark.parametrize("written", ["../outside.jpg", "sub/../../outside.jpg", "ABSOLUTE"])
def test_path_escaping_the_root_is_an_error_sample(
    tmp_path: Path, write_image: WriteImage, write_text: WriteText, written: str,
) -> None:
    outside = write_image(tmp_path / "outside.jpg")  # exists: refusal is about place, not presence
    written = str(outside) if written == "ABSOLUTE" else written
    labels = write_text(tmp_path / "set" / "labels.csv", f"path,age\n{written},30\n")
    (sample,) = load_dataset(labels).samples
    assert sample.error is not None and "leads outside the dataset root" in sample.error
    assert sample.error.startswith(f"{labels}:2: image path {written!r}")
    with pytest.raises(ImageError, match="outside the dataset root"):
        load_image(outside, root=tmp_path / "set")


def test_absolute_path_inside_the_root_is_named_relative(
    tmp_path: Path, write_image: WriteImage, write_text: WriteText,
) -> None:
    inside = write_image(tmp_path / "set" / "img" / "a.jpg")
    # Two faces of one image (the same image and box twice would be one duplicate row).
    labels = write_text(tmp_path / "set" / "labels.csv",
                        f'path,age,bbox\n{inside},30,\n./img/a.jpg,31,"1 1 20 20"\n')
    first, second = load_dataset(labels).samples
    assert (first.id, first.error, second.id) == ("img/a.jpg", None, "img/a.jpg#1")


def test_symlink_leading_outside_is_refused_by_loader_and_image_reader(
    tmp_path: Path, write_image: WriteImage, write_text: WriteText,
) -> None:
    secret = write_image(tmp_path / "private" / "secret.jpg")
    root = tmp_path / "set"
    write_image(root / "ok.jpg")
    os.symlink(secret, root / "link.jpg")
    write_text(root / "labels.csv", "path,age\nlink.jpg,30\nok.jpg,31\n")
    link, ok = load_dataset(root).samples
    assert link.error is not None and "'link.jpg' leads outside the dataset root" in link.error
    assert ok.error is None
    with pytest.raises(ImageError, match=r"link\.jpg: outside the dataset root"):
        load_image(root / "link.jpg", root=root)
    (root / "labels.csv").unlink()
    folder = {sample.id: sample for sample in load_dataset(root, format="folder").samples}
    assert folder["ok.jpg"].error is None
    assert "leads outside the dataset root" in str(folder["link.jpg"].error)


def test_symlink_staying_inside_is_fine(
    tmp_path: Path, write_image: WriteImage, write_text: WriteText,
) -> None:
    root = tmp_path / "set"
    write_image(root / "real.jpg")
    os.symlink(root / "real.jpg", root / "alias.jpg")
    write_text(root / "labels.csv", "path,age\nalias.jpg,30\n")
    (sample,) = load_dataset(root).samples
    assert (sample.id, sample.error) == ("alias.jpg", None)
    assert load_image(sample.image_path, root=root).shape == (48, 48, 3)


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"nowhere: no such file or folder"):
        load_dataset(tmp_path / "nowhere")


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty file"),
    ("path,age,gender\n", "no rows"),
    ("path,age,gender\n\n\n", "no rows"),
])
def test_file_without_rows_raises_naming_it(tmp_path: Path, text: str, message: str) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(text)
    with pytest.raises(DatasetError, match=message) as caught:
        load_dataset(labels, format="csv")
    assert str(labels) in str(caught.value)


def test_csv_without_image_column_raises_naming_the_file(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("image,age\na.jpg,3\n")
    with pytest.raises(DatasetError, match="no image column") as caught:
        load_dataset(labels)
    assert str(labels) in str(caught.value) and "csv, mivolo, utkface" in str(caught.value)
    with pytest.raises(DatasetError, match=r"no image column \('path' or 'img_name'\)"):
        load_dataset(labels, format="csv")


def test_half_a_box_header_raises(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("path,face_x0,face_y0\na.jpg,1,2\n")
    with pytest.raises(DatasetError, match=r"face box columns are incomplete"):
        load_dataset(labels)


def test_folder_without_images_or_annotations_raises(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match=r"no annotation file and no images.*known formats"):
        load_dataset(tmp_path / "empty")


def test_folder_format_on_a_file_raises(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("path\na.jpg\n")
    with pytest.raises(DatasetError, match=r"reads a folder of images, not a file"):
        load_dataset(labels, format="folder")
