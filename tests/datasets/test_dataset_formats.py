"""Each annotation format parses into the right samples, and is detected (or forced) correctly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from robustness._datasets import FORMATS, detect_format, load_dataset, load_image
from robustness._exceptions import DatasetError

WriteText = Callable[[Path, str], Path]
WriteImage = Callable[..., Path]

CSV_HEADER = (
    "path,age,gender,face_x0,face_y0,face_x1,face_y1,"
    "person_x0,person_y0,person_x1,person_y1,subject_id,expression\n"
)


@pytest.fixture
def csv_set(tmp_path: Path, write_image: WriteImage, write_text: WriteText) -> Path:
    root = tmp_path / "generic"
    for name in ("img/a.jpg", "img/b.jpg", "img/c.png"):
        write_image(root / name)
    write_text(root / "labels.csv", CSV_HEADER
               + "img/a.jpg,24,Female,1,2,30,40,-1,-1,-1,-1,s1,neutral\n"
               + "img/b.jpg,,M,-1,-1,-1,-1,0,0,48,48,s1,smiling\n"
               + "img/c.png,33.5,,,,,,,,,,,\n"
               + "img/a.jpg,40,m,10,10,20,20,0,0,48,48,s2,neutral\n")
    return root


def test_generic_csv_parses_labels_boxes_subjects_and_extras(csv_set: Path) -> None:
    dataset = load_dataset(csv_set)
    assert (dataset.format, dataset.name, dataset.root) == ("csv", "generic", csv_set)
    a, b, c, a2 = dataset.samples
    assert (a.id, a.age, a.gender, a.face_box, a.person_box) == (
        "img/a.jpg", 24.0, "female", (1.0, 2.0, 30.0, 40.0), None)
    assert (a.subject_id, dict(a.extras), a.error) == ("s1", {"expression": "neutral"}, None)
    assert a.source == f"{csv_set / 'labels.csv'}:2"
    assert a.image_path == csv_set / "img" / "a.jpg"
    assert (b.age, b.gender, b.face_box) == (None, "male", None)
    assert b.person_box == (0.0, 0.0, 48.0, 48.0)
    assert (c.age, c.gender, c.face_box, c.subject_id) == (33.5, None, None, None)
    assert (a2.id, a2.age, a2.subject_id) == ("img/a.jpg#1", 40.0, "s2")
    assert load_image(a.image_path, root=dataset.root).shape == (48, 48, 3)


def test_mivolo_csv_ranges_missing_values_and_repeated_images(
    tmp_path: Path, write_text: WriteText,
) -> None:
    root = tmp_path / "lagenda"
    write_text(root / "annotations.csv",
               "img_name,age,gender,face_x0,face_y0,face_x1,face_y1,"
               "person_x0,person_y0,person_x1,person_y1\n"
               "imgs/1.jpg,25;32,F,10,10,50,60,0,0,100,200\n"
               "imgs/1.jpg,-1,M,-1,-1,-1,-1,100,0,180,200\n"
               "imgs/2.jpg,41,-1,5,5,25,30,-1,-1,-1,-1\n"
               "imgs/1.jpg,7,female,1,1,9,9,-1,-1,-1,-1\n")
    assert detect_format(root) == "mivolo"
    first, second, third, fourth = load_dataset(root).samples
    assert (first.id, first.age, first.age_low, first.age_high, first.gender) == (
        "imgs/1.jpg", 28.5, 25.0, 32.0, "female")
    assert first.has_age_range
    assert (second.id, second.age, second.gender, second.face_box, second.person_box) == (
        "imgs/1.jpg#1", None, "male", None, (100.0, 0.0, 180.0, 200.0))
    assert (third.age, third.gender, third.person_box) == (41.0, None, None)
    # MiVOLO files spell gender M/F; the generic word is a malformed row there.
    assert fourth.id == "imgs/1.jpg#2"
    assert fourth.error is not None and "unknown gender 'female'" in fourth.error


def test_utkface_names_parse_and_bad_names_become_errors(
    tmp_path: Path, write_image: WriteImage,
) -> None:
    root = tmp_path / "UTKFace"
    write_image(root / "25_0_1_20170116174525125.jpg.chip.jpg")
    write_image(root / "part2" / "61_1_3_20170109142408075.jpg")
    write_image(root / "39_1_20170116174525125.jpg.chip.jpg")  # race missing (as in the real set)
    write_image(root / "5_2_0_20170109150557335.jpg.chip.jpg")
    assert detect_format(root) == "utkface"
    dataset = load_dataset(root)
    by_id = {sample.id: sample for sample in dataset.samples}
    man = by_id["25_0_1_20170116174525125.jpg.chip.jpg"]
    assert (man.age, man.gender, man.extras["race"], man.extras["race_name"]) == (
        25.0, "male", "1", "Black")
    assert man.source == str(root / man.id)
    woman = by_id["part2/61_1_3_20170109142408075.jpg"]
    assert (woman.age, woman.gender, woman.extras["race_name"]) == (61.0, "female", "Indian")
    no_race = by_id["39_1_20170116174525125.jpg.chip.jpg"]
    assert no_race.error is not None and no_race.error.startswith(str(root / no_race.id))
    assert "is not UTKFace's age_gender_race_datetime" in no_race.error
    bad_gender = by_id["5_2_0_20170109150557335.jpg.chip.jpg"]
    assert bad_gender.error is not None and "gender '2'" in bad_gender.error


FOLD_HEADER = ("user_id\toriginal_image\tface_id\tage\tgender\tx\ty\tdx\tdy\ttilt_ang\t"
               "fiducial_yaw_angle\tfiducial_score\n")


def _fold_row(*cells: str) -> str:
    return "\t".join(cells) + "\n"


@pytest.fixture
def adience_set(tmp_path: Path, write_image: WriteImage, write_text: WriteText) -> Path:
    root = tmp_path / "adience"
    write_text(root / "fold_0_data.txt", FOLD_HEADER
               + _fold_row("30601258@N03", "10399646885_67c7d20df9_o.jpg", "1", "(25, 32)", "f",
                           "0", "414", "1086", "1383", "-115", "30", "17")
               + _fold_row("30601258@N03", "10424815813_e94629b1ec_o.jpg", "2", "35", "m",
                           "301", "105", "640", "641", "0", "0", "94")
               + _fold_row("7153718@N04", "11598013005_240c2b2a2c_o.jpg", "3", "None", "u",
                           "0", "0", "10", "10", "0", "0", "1"))
    write_text(root / "fold_1_data.txt", FOLD_HEADER
               + _fold_row("7153718@N04", "11598166203_c70bb34c80_o.jpg", "4", "(8, 23)", "",
                           "1", "2", "3", "4", "0", "0", "1")
               + _fold_row("7153718@N04", "11598166203_c70bb34c80_o.jpg", "5", "(abc)", "f",
                           "1", "2", "3", "4", "0", "0", "1"))
    write_text(root / "fold_frontal_0_data.txt", FOLD_HEADER
               + _fold_row("30601258@N03", "10399646885_67c7d20df9_o.jpg", "1", "(25, 32)", "f",
                           "0", "414", "1086", "1383", "-115", "30", "17"))
    write_image(root / "faces" / "30601258@N03"
                / "coarse_tilt_aligned_face.1.10399646885_67c7d20df9_o.jpg")
    return root


def test_adience_folder_loads_every_full_fold(adience_set: Path) -> None:
    assert detect_format(adience_set) == "adience"
    dataset = load_dataset(adience_set)
    assert len(dataset.samples) == 5  # folds 0 and 1; the frontal fold repeats fold 0's faces
    first, second, third, fourth, bad = dataset.samples
    assert first.id == "faces/30601258@N03/coarse_tilt_aligned_face.1.10399646885_67c7d20df9_o.jpg"
    assert (first.age, first.age_low, first.age_high, first.gender) == (28.5, 25.0, 32.0, "female")
    assert (first.subject_id, first.face_box, first.person_box) == ("30601258@N03", None, None)
    assert (first.extras["x"], first.extras["dx"], first.extras["fold"]) == ("0", "1086", "0")
    assert first.source == f"{adience_set / 'fold_0_data.txt'}:2"
    assert load_image(first.image_path, root=dataset.root).shape == (48, 48, 3)
    assert (second.age, second.age_low, second.gender) == (35.0, None, "male")
    assert (third.age, third.gender, third.subject_id) == (None, None, "7153718@N04")
    assert (fourth.age, fourth.age_low, fourth.age_high, fourth.gender) == (15.5, 8.0, 23.0, None)
    assert fourth.extras["fold"] == "1"
    assert bad.error == (f"{adience_set / 'fold_1_data.txt'}:3: "
                         "age '(abc)' is neither '(low, high)' nor a whole number")


def test_adience_single_fold_file_and_aligned_layout(
    tmp_path: Path, adience_set: Path, write_image: WriteImage,
) -> None:
    one = load_dataset(adience_set / "fold_1_data.txt")
    assert (one.format, len(one.samples), one.name) == ("adience", 2, "adience/fold_1_data.txt")
    aligned = tmp_path / "aligned_only"
    (aligned).mkdir()
    (aligned / "fold_0_data.txt").write_text((adience_set / "fold_0_data.txt").read_text())
    write_image(aligned / "aligned" / "30601258@N03"
                / "landmark_aligned_face.1.10399646885_67c7d20df9_o.jpg")
    sample = load_dataset(aligned).samples[0]
    assert sample.id == (
        "aligned/30601258@N03/landmark_aligned_face.1.10399646885_67c7d20df9_o.jpg")
    assert load_image(sample.image_path, root=aligned).shape == (48, 48, 3)


@pytest.fixture
def fairface_set(tmp_path: Path, write_image: WriteImage, write_text: WriteText) -> Path:
    root = tmp_path / "fairface"
    write_image(root / "val" / "1.jpg")
    write_text(root / "fairface_label_val.csv",
               "file,age,gender,race,service_test\n"
               "val/1.jpg,50-59,Male,East Asian,True\n"
               "val/2.jpg,more than 70,Female,White,False\n"
               "val/3.jpg,3-9,Female,Black,True\n"
               "val/4.jpg,0-2,Male,Indian,False\n"
               "val/5.jpg,twenty,Male,White,False\n")
    return root


def test_fairface_age_groups_genders_and_extras(fairface_set: Path) -> None:
    assert detect_format(fairface_set) == "fairface"
    fifties, seventy_plus, child, baby, bad = load_dataset(fairface_set).samples
    assert (fifties.age, fifties.age_low, fifties.age_high, fifties.gender) == (
        54.5, 50.0, 59.0, "male")
    assert dict(fifties.extras) == {"race": "East Asian", "service_test": "True"}
    # The open group keeps its bounds for age-group accuracy but gives MAE no invented point.
    assert (seventy_plus.age, seventy_plus.age_low, seventy_plus.age_high) == (None, 70.0, 120.0)
    assert seventy_plus.has_age_range and seventy_plus.gender == "female"
    assert (child.age, child.age_low, child.age_high) == (6.0, 3.0, 9.0)
    assert (baby.age, baby.age_low, baby.age_high) == (1.0, 0.0, 2.0)
    assert bad.error is not None and "age 'twenty' is not a FairFace age group" in bad.error


def test_fairface_with_train_and_val_files_asks_which(
    fairface_set: Path, write_text: WriteText,
) -> None:
    write_text(fairface_set / "fairface_label_train.csv",
               "file,age,gender,race,service_test\ntrain/1.jpg,20-29,Male,White,True\n")
    with pytest.raises(DatasetError, match=r"several annotation files.*pass one of them"):
        load_dataset(fairface_set)
    assert len(load_dataset(fairface_set / "fairface_label_train.csv").samples) == 1


def test_folder_lists_images_recursively_sorted_without_labels(
    tmp_path: Path, write_image: WriteImage, write_text: WriteText,
) -> None:
    root = tmp_path / "photos"
    for name in ("b.png", "a.jpg", "sub/c.JPEG", ".hidden.jpg", ".cache/d.jpg"):
        write_image(root / name)
    write_text(root / "notes.txt", "not an annotation file\n")
    assert detect_format(root) == "folder"
    dataset = load_dataset(root)
    assert [s.id for s in dataset.samples] == ["a.jpg", "b.png", "sub/c.JPEG"]
    assert all(s.age is None and s.gender is None and s.error is None for s in dataset.samples)
    assert dataset.samples[0].source == str(root / "a.jpg")


def test_format_override(csv_set: Path) -> None:
    as_folder = load_dataset(csv_set, format="folder")
    assert as_folder.format == "folder"
    assert [s.id for s in as_folder.samples] == ["img/a.jpg", "img/b.jpg", "img/c.png"]
    forced = load_dataset(csv_set / "labels.csv", format="mivolo")
    assert forced.format == "mivolo"
    # "Female" is not MiVOLO's vocabulary: forcing the format re-reads the rows its way.
    first = forced.samples[0]
    assert first.error is not None and "unknown gender 'Female'" in first.error
    assert load_dataset(csv_set, format="csv").samples[0].error is None


def test_invalid_format_name_lists_the_valid_ones(csv_set: Path) -> None:
    with pytest.raises(DatasetError, match="unknown dataset format 'lagenda'") as caught:
        load_dataset(csv_set, format="lagenda")
    assert all(name in str(caught.value) for name in FORMATS)


def test_detect_format_of_files(csv_set: Path, adience_set: Path) -> None:
    assert detect_format(csv_set / "labels.csv") == "csv"
    assert detect_format(adience_set / "fold_0_data.txt") == "adience"


def test_attribution_comes_from_a_readme_with_a_licence(
    csv_set: Path, write_text: WriteText,
) -> None:
    assert load_dataset(csv_set).attribution is None
    write_text(csv_set / "README.md",
               "# Test faces\n\nMade for tests.\n\n- Source: A. Person (2020), licence CC BY 4.0,\n"
               "  cite them.\n- Other notes.\n")
    assert load_dataset(csv_set).attribution == (
        "# Test faces\n\nMade for tests.\n\n- Source: A. Person (2020), licence CC BY 4.0,\n"
        "  cite them.")
