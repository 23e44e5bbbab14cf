"""The counterexample check: search the least stable samples for a tiny change that flips them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .._datasets import detect_face, load_image
from .._exceptions import ImageError
from .._materialize import sample_boxes
from .._metrics import clean_references, least_stable_samples, moves
from .._search import Counterexample, find_counterexample
from .._store import Store
from ._cases import Case
from ._thresholds import Thresholds
from ._verdicts import Evaluation, Failure

if TYPE_CHECKING:
    from .._api import RunPlan

__all__ = ["search_case"]

SAMPLES = 3


def search_case(case: Case, evaluation: Evaluation, plan: RunPlan, thresholds: Thresholds, *,
                budget: int, folder: Path) -> list[str]:
    """Search the case's least stable samples; fail when a change below the size bound breaks
    one."""
    job = next(j for j in plan.jobs if j.model.name == case.model and j.prompt_id == case.prompt)
    samples = {s.id: s for s in plan.dataset.samples}
    found: list[Counterexample] = []
    with Store(plan.options.store) as store:
        for sample_id in _least_stable(case, evaluation)[:SAMPLES]:
            sample = samples[sample_id]
            try:
                image = load_image(sample.image_path, root=plan.dataset.root)
            except ImageError:
                continue
            face = sample.face_box or detect_face(image)
            boxes = sample_boxes(sample, face, image)
            example = find_counterexample(
                job.model, image, boxes, sample_id=sample_id, store=store, prompt=job.prompt,
                max_age_shift=thresholds.counterexample_age_shift, budget=budget // SAMPLES,
                seed=plan.options.seed, save_to=folder,
            )
            if example is not None:
                found.append(example)
    small = [e for e in found if e.change.size < thresholds.counterexample_size_min]
    lines = [f"{e.describe()}; image {e.image_path}" for e in found]
    if small:
        raise Failure(f"{case.id}: a change smaller than {thresholds.counterexample_size_min:g} "
                      f"(counterexample_size_min) breaks the answer:\n  " + "\n  ".join(
                          f"{e.describe()}; image {e.image_path}" for e in small))
    return lines or ["no counterexample within the budget"]


def _least_stable(case: Case, evaluation: Evaluation) -> list[str]:
    """Samples by the metrics' instability score over all their conditions, least stable first."""
    items = [i for i in evaluation.items if i.model == case.model and i.prompt == case.prompt]
    references = clean_references(items)
    ranked = [sample for sample, _ in least_stable_samples(moves(items, references))]
    return ranked or list(dict.fromkeys(row.sample_id for row in references.values()))
