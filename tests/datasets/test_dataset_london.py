"""The real London set (shared data): 200 labelled portraits of 100 subjects, boxes present."""

from __future__ import annotations

from pathlib import Path

from robustness._datasets import detect_face, detect_format, load_dataset, load_image


def test_london_set_loads_completely(london: Path) -> None:
    assert detect_format(london) == "csv"
    dataset = load_dataset(london)
    samples = dataset.samples
    assert (dataset.name, dataset.format, len(samples)) == ("london", "csv", 200)
    assert [s.error for s in samples if s.error is not None] == []
    assert len({s.id for s in samples}) == 200
    assert len({s.subject_id for s in samples}) == 100
    assert all(s.face_box is not None and s.person_box is not None for s in samples)
    assert {s.gender for s in samples} == {"male", "female"}
    assert sum(s.gender == "male" for s in samples) == 104
    ages = [s.age for s in samples if s.age is not None]
    assert len(ages) == 200 and min(ages) >= 18 and max(ages) <= 54
    assert {s.extras["expression"] for s in samples} == {"neutral", "smiling"}
    assert set(samples[0].extras) == {"expression", "ethnicity"}
    assert dataset.attribution is not None
    assert "CC BY 4.0" in dataset.attribution and "DeBruine" in dataset.attribution

    first = samples[0]
    pixels = load_image(first.image_path, root=dataset.root)
    assert pixels.shape == (675, 675, 3)
    detected = detect_face(pixels)
    assert first.face_box is not None and detected is not None
    # The labelled box (hairline to chin) contains the centre of dlib's tighter box.
    centre_x, centre_y = (detected[0] + detected[2]) / 2, (detected[1] + detected[3]) / 2
    x0, y0, x1, y1 = first.face_box
    assert x0 < centre_x < x1 and y0 < centre_y < y1
