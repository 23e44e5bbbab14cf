"""Counterexample search: the smallest change of an image that flips a model's answer.

Hypothesis draws continuous changes (blur σ, JPEG quality, brightness, box shift and rescale)
whose zero is "no change", keeps those that flip the sample's gender or move its age by more
than ``max_age_shift`` years against the clean answer, and shrinks the first one it finds toward
zero. Every model call goes through the store's prediction cache, and the search stops asking the
model once ``budget`` calls are spent (keeping the best counterexample found so far).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from perturbations import Boxes, Change, apply_change
from prompts import PromptVariant

from ._identity import request_key
from ._materialize import input_digest, model_input
from ._metrics import compare_answers
from ._models import ModelAdapter, ModelInput
from ._seeding import stable_hash
from ._store import Store
from ._types import Prediction

__all__ = ["Counterexample", "find_counterexample"]


@dataclass(frozen=True, slots=True)
class Counterexample:
    model: str
    prompt: str
    sample_id: str
    change: Change
    clean: Prediction
    changed: Prediction
    reason: str
    calls: int
    image_path: Path | None = None

    def describe(self) -> str:
        return (f"{self.sample_id}: {self.change.describe()} (size {self.change.size:.3f}) "
                f"→ {self.reason}; {self.calls} model calls")


class _Budget(Exception):
    """The search spent its model calls."""


def find_counterexample(
    model: ModelAdapter, image: np.ndarray, boxes: Boxes, *, sample_id: str, store: Store,
    prompt: PromptVariant | None = None, max_age_shift: float = 10.0, budget: int = 60,
    seed: int = 0, save_to: Path | None = None,
) -> Counterexample | None:
    """The minimal counterexample found within ``budget`` model calls, or None."""
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import NoSuchExample

    calls = 0
    rng_seed = int(stable_hash("search", sample_id, seed)[:8], 16)

    def answer(change: Change) -> Prediction:
        nonlocal calls
        changed, moved = apply_change(image, boxes, change, np.random.default_rng(rng_seed))
        item = model_input(changed, moved, model.input_mode)
        item = ModelInput(face=item.face, body=item.body, prompt=prompt)
        key = request_key(model.fingerprint, model.input_mode, input_digest(item),
                          face_margin=0.0, prompt=prompt, repeat=0)
        cached = store.cached([key]).get(key)
        if cached is not None:
            return cached
        if calls >= budget:
            raise _Budget
        calls += 1
        (prediction,) = model.predict_batch([item])
        store.remember(key, model.name, model.fingerprint, prediction)
        return prediction

    clean = answer(Change())
    if clean.outcome not in ("answer", "partial"):
        return None

    def verdict(prediction: Prediction) -> str | None:
        # The metrics' pairing decides what moved, so a refusal never counts as a flip.
        moved, flipped = compare_answers(prediction, clean)
        if flipped:
            return f"gender {clean.gender} → {prediction.gender}"
        if moved is not None and moved > max_age_shift:
            return f"age {clean.age:.1f} → {prediction.age:.1f} (moved {moved:.1f} years)"
        return None

    def breaks(change: Change) -> bool:
        try:
            return verdict(answer(change)) is not None
        except _Budget:
            return False  # out of calls: nothing new can be confirmed

    changes = st.builds(
        Change,
        blur_sigma=st.floats(0.0, 6.0), jpeg_drop=st.integers(0, 93),
        brightness=st.floats(-0.5, 0.5), shift_x=st.floats(-0.15, 0.15),
        shift_y=st.floats(-0.15, 0.15), scale=st.floats(-0.15, 0.15),
    )
    try:
        change = find(changes, breaks, random=random.Random(rng_seed), settings=settings(
            max_examples=budget, database=None, deadline=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        ))
    except NoSuchExample:
        return None
    changed = answer(change)  # cached: the shrinker has asked it already
    reason = verdict(changed) or "answer changed"
    path = None
    if save_to is not None:
        save_to.mkdir(parents=True, exist_ok=True)
        pixels, moved = apply_change(image, boxes, change, np.random.default_rng(rng_seed))
        shown = model_input(pixels, moved, model.input_mode)
        path = save_to / f"{model.name}-{stable_hash(sample_id, change)[:10]}.png"
        frame = shown.face if shown.face is not None else shown.body
        if frame is None:  # model_input gives every mode a face or a body crop
            raise AssertionError(f"no image for input mode {model.input_mode!r}")
        Image.fromarray(frame).save(path)
    return Counterexample(model.name, prompt.id if prompt else "", sample_id, change, clean,
                          changed, reason, calls, path)
