"""One sample's unfinished items, prepared: perturbed, cropped, keyed, or failed with a reason.

This is the CPU side of a run (decode → perturb → crop → digest), a pure function of the sample,
the plan and the run options, so it can move to worker processes without changing a key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from perturbations import Box, Boxes

from ._datasets import detect_face, load_sample_image
from ._exceptions import ImageError
from ._identity import request_key
from ._materialize import input_digest, input_region, model_input, perturb, sample_boxes
from ._models import InputMode, ModelInput
from ._store import ItemRecord
from ._types import Sample

if TYPE_CHECKING:
    from ._runner import Condition, Job

__all__ = ["Prepared", "prepare", "unfinished_items", "with_error"]

Identity = tuple[str, str, str, str, int, int, int, str]


@dataclass(frozen=True, slots=True)
class Prepared:
    """One item ready to ask (``input`` set, the record keyed) or failed (the record's error)."""

    record: ItemRecord
    job: Job
    input: ModelInput | None = None


def unfinished_items(
    sample: Sample, position: int, conditions: Sequence[Condition], jobs: Sequence[Job],
    finished: set[Identity],
) -> list[tuple[ItemRecord, Job]]:
    """The sample's planned items (conditions × jobs) that hold no answer yet, in plan order."""
    records = []
    for condition_index, condition in enumerate(conditions):
        for job_index, job in enumerate(jobs):
            record = ItemRecord(
                model=job.model.name, prompt=job.prompt_id, sample_id=sample.id,
                perturbation=condition.perturbation, severity=condition.severity,
                replicate=condition.replicate, repeat=job.repeat, request_key=None,
                image_sha256=None, error=sample.error, age_true=sample.age,
                age_low=sample.age_low, age_high=sample.age_high, gender_true=sample.gender,
                subject_id=sample.subject_id, image_path=str(sample.image_path),
                position=(position * len(conditions) + condition_index) * len(jobs) + job_index,
                simulated=job.model.simulated, error_kind="data" if sample.error else None,
                extras=tuple(sorted(sample.extras.items())), input_mode=job.input_mode,
            )
            if record.identity not in finished:
                records.append((record, job))
    return records


def prepare(
    sample: Sample, root: Path, items: Sequence[tuple[ItemRecord, Job]], *, seed: int,
    face_margin: float,
) -> list[Prepared]:
    """Perturb and crop for each item; a per-sample failure becomes a data error on each item."""
    if sample.error is not None:
        return [Prepared(record, job) for record, job in items]
    try:
        image = load_sample_image(sample, root=root)  # also checks its boxes against the image
    except ImageError as exc:
        return [Prepared(with_error(record, str(exc), "data"), job) for record, job in items]
    face = sample.face_box if sample.face_box is not None else detect_face(image)
    if face is None and any(job.input_mode in ("face", "face+body") for _, job in items):
        reason = f"{sample.image_path}: no face detected"
        return [Prepared(with_error(record, reason, "data"), job) for record, job in items]
    clean = sample_boxes(sample, face, image)
    # Each mode perturbs only the part of the frame its crop reads.
    perturbed: dict[tuple[str, int, int, Box | None], tuple[np.ndarray, Boxes]] = {}
    crops: dict[tuple[str, int, int, str], tuple[ModelInput, str] | str] = {}
    prepared = []
    for record, job in items:
        condition = (record.perturbation, record.severity, record.replicate)
        mode = cast("InputMode", job.input_mode)  # a mode its model takes (``plan_jobs``)
        region = input_region(clean, mode, face_margin=face_margin)
        if (*condition, region) not in perturbed:
            perturbed[(*condition, region)] = perturb(
                image, clean, sample_id=sample.id, perturbation=record.perturbation,
                severity=record.severity, replicate=record.replicate, seed=seed, region=region,
            )
        # Prompts and repeats share one crop (and its digest) per condition and input mode.
        if (*condition, mode) not in crops:
            try:
                item = model_input(*perturbed[(*condition, region)], mode,
                                   face_margin=face_margin)
                crops[(*condition, mode)] = (item, input_digest(item))
            except ValueError as exc:
                crops[(*condition, mode)] = f"{sample.image_path}: {exc}"
        crop = crops[(*condition, mode)]
        if isinstance(crop, str):
            prepared.append(Prepared(with_error(record, crop, "data"), job))
            continue
        item, digest = crop
        key = request_key(job.model.fingerprint, mode, digest, face_margin=face_margin,
                          prompt=job.prompt, repeat=job.repeat)
        item = replace(item, prompt=job.prompt, repeat=job.repeat)
        prepared.append(Prepared(replace(record, request_key=key, image_sha256=digest), job, item))
    return prepared


def with_error(record: ItemRecord, reason: str, kind: str) -> ItemRecord:
    """The record failed: ``kind`` is ``data`` (the input) or ``model`` (the model or transport)."""
    return replace(record, error=reason, error_kind=kind)
