"""The embedded model's parallel pipeline gives bit-identical predictions.

Alignment runs in a thread pool and the networks score small chunks side by side; the reference
here is the plain sequential path (align every face in turn, one network call per network over
all chips), computed with the package's own functions. Every float must be equal, not close.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from robustness import load_dataset
from robustness._datasets import load_sample_image
from robustness._materialize import crop
from robustness._models import ModelInput
from robustness._models._embedded import EmbeddedModel


def _london_faces(root: Path, count: int) -> list[np.ndarray]:
    """One labelled face crop per photo: ``count`` distinct faces, read as a run reads them."""
    dataset = load_dataset(root)
    samples = dataset.samples[:count]
    return [crop(load_sample_image(s, root=dataset.root), s.face_box)  # type: ignore[arg-type]
            for s in samples]


def _sequential(model: EmbeddedModel, faces: list[np.ndarray]) -> list[tuple[float, str, float]]:
    """The pre-pipeline algorithm: align in turn, then one call per network over all chips."""
    from age_and_gender._postprocess import age_expectations

    predictor = model.predictor
    frontend = predictor._ensure_frontend()
    gender_net, age_net = predictor._engine.gender, predictor._engine.age
    sizes = (gender_net.spec.chip_size, age_net.spec.chip_size)
    chips = [frontend.crop_chips(np.ascontiguousarray(face), sizes) for face in faces]
    gender = gender_net.probabilities([pair[0] for pair in chips])
    ages = age_expectations(
        age_net.probabilities([pair[1] for pair in chips]), age_net.spec.age_weights
    )
    out = []
    for row in range(len(faces)):
        second = bool(gender[row, 0] < gender[row, 1])
        label = gender_net.spec.labels[1 if second else 0].strip().lower()
        out.append((float(ages[row]), label, float(gender[row, 1 if second else 0])))
    return out


@pytest.mark.parametrize("threads", [1, 3])
def test_parallel_predictions_are_bit_identical(threads: int, london: Path) -> None:
    faces = _london_faces(london, 37)  # not a multiple of the chunk: a short last chunk
    model = EmbeddedModel(threads=threads)
    try:
        # Error inputs in between shift every later face to another chunk position.
        tiny = np.zeros((4, 4, 3), np.uint8)
        inputs = [ModelInput(face=f) for f in faces[:5]] + [ModelInput(face=tiny), ModelInput()]
        inputs += [ModelInput(face=f) for f in faces[5:]]
        predictions = model.predict_batch(inputs)
        expected = _sequential(model, faces)
    finally:
        model.close()
    assert [p.outcome for p in predictions[5:7]] == ["error", "error"]
    answers = predictions[:5] + predictions[7:]
    assert [(p.age, p.gender, p.gender_confidence) for p in answers] == expected


def test_threads_must_be_positive() -> None:
    from robustness._exceptions import ModelError

    with pytest.raises(ModelError, match="threads must be positive, got 0"):
        EmbeddedModel(threads=0)
