"""Plan → materialize → request key → store lookup → model → store, one batch at a time.

A batch's items and predictions are committed together, so a run killed at any moment loses at
most the batch in flight, and rerunning the same plan skips every finished item without even
decoding its image. Identical requests (the same model, bytes and prompt) are sent once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from perturbations import Boxes

from ._datasets import Dataset, detect_face, load_image
from ._exceptions import ImageError
from ._materialize import input_digest, model_input, perturb
from ._models import ModelAdapter, ModelInput
from ._seeding import stable_hash
from ._store import ItemRecord, Store
from ._types import Prediction, Sample

__all__ = ["Condition", "RunStats", "execute"]

CLEAN = "none"


@dataclass(frozen=True, slots=True)
class Condition:
    """One (perturbation, severity, replicate); ``none``/0 is the clean image."""

    perturbation: str = CLEAN
    severity: int = 0
    replicate: int = 0


@dataclass(slots=True)
class RunStats:
    requests: int = 0
    model_calls: int = 0
    cache_hits: int = 0
    errors: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class _Pending:
    record: ItemRecord
    model_input: ModelInput | None = None


@dataclass(slots=True)
class _Batch:
    items: list[_Pending] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.items)


def execute(
    dataset: Dataset,
    conditions: Sequence[Condition],
    models: Sequence[ModelAdapter],
    store: Store,
    *,
    run_id: str,
    seed: int,
    face_margin: float = 0.0,
    on_progress: Callable[[int], None] = lambda advance: None,
) -> RunStats:
    """Run every model on every sample under every condition; return what it cost."""
    started = time.perf_counter()
    stats = RunStats(requests=len(dataset.samples) * len(conditions) * len(models))
    finished = store.finished_items(run_id)
    batch = _Batch()
    flush_at = max(model.batch_size for model in models)
    for index, sample in enumerate(dataset.samples):
        records = _records(sample, index, conditions, models, finished)
        skipped = len(conditions) * len(models) - len(records)
        stats.cache_hits += skipped
        on_progress(skipped)
        if not records:
            continue
        batch.items.extend(
            _materialize(sample, dataset.root, records, models, seed, face_margin)
        )
        if len(batch) >= flush_at:
            _flush(batch, models, store, run_id, stats, on_progress)
    _flush(batch, models, store, run_id, stats, on_progress)
    stats.errors = sum(1 for row in store.item_rows(run_id) if row["outcome"] == "error")
    stats.seconds = time.perf_counter() - started
    return stats


def _records(
    sample: Sample, position: int, conditions: Sequence[Condition],
    models: Sequence[ModelAdapter], finished: set[tuple[str, str, str, str, int, int, int]],
) -> list[ItemRecord]:
    records = []
    for condition_index, condition in enumerate(conditions):
        for model_index, model in enumerate(models):
            record = ItemRecord(
                model=model.name, prompt="", sample_id=sample.id,
                perturbation=condition.perturbation, severity=condition.severity,
                replicate=condition.replicate, repeat=0, request_key=None, image_sha256=None,
                error=sample.error, age_true=sample.age, age_low=sample.age_low,
                age_high=sample.age_high, gender_true=sample.gender,
                subject_id=sample.subject_id, image_path=str(sample.image_path),
                position=(position * len(conditions) + condition_index) * len(models)
                + model_index,
                simulated=model.simulated,
            )
            if record.identity not in finished:
                records.append(record)
    return records


def _materialize(
    sample: Sample, root: Path, records: list[ItemRecord], models: Sequence[ModelAdapter],
    seed: int, face_margin: float,
) -> list[_Pending]:
    """Perturb and crop for each unfinished item; a per-sample failure becomes an error item."""
    if sample.error is not None:
        return [_Pending(record) for record in records]
    try:
        image = load_image(sample.image_path, root=root)
    except ImageError as exc:
        return [_Pending(_with_error(record, str(exc))) for record in records]
    face = sample.face_box if sample.face_box is not None else detect_face(image)
    if face is None and any(model.input_mode in ("face", "face+body") for model in models):
        reason = f"{sample.image_path}: no face detected"
        return [_Pending(_with_error(record, reason)) for record in records]
    clean = Boxes(face=face, person=sample.person_box)
    by_model = {model.name: model for model in models}
    perturbed: dict[tuple[str, int, int], tuple[np.ndarray, Boxes]] = {}
    pending = []
    for record in records:
        condition = (record.perturbation, record.severity, record.replicate)
        if condition not in perturbed:
            perturbed[condition] = perturb(
                image, clean, sample_id=sample.id, perturbation=record.perturbation,
                severity=record.severity, replicate=record.replicate, seed=seed,
            )
        model = by_model[record.model]
        try:
            item = model_input(*perturbed[condition], model.input_mode, face_margin=face_margin)
        except ValueError as exc:
            pending.append(_Pending(_with_error(record, f"{sample.image_path}: {exc}")))
            continue
        digest = input_digest(item)
        key = stable_hash("request", model.fingerprint, digest, record.prompt, record.repeat)
        pending.append(_Pending(replace(record, request_key=key, image_sha256=digest), item))
    return pending


def _flush(
    batch: _Batch, models: Sequence[ModelAdapter], store: Store, run_id: str, stats: RunStats,
    on_progress: Callable[[int], None],
) -> None:
    if not batch.items:
        return
    cached = store.cached(p.record.request_key for p in batch.items if p.record.request_key)
    fresh: dict[str, tuple[str, str, Prediction]] = {}
    for model in models:
        wanted: dict[str, ModelInput] = {}
        for pending in batch.items:
            key = pending.record.request_key
            if pending.record.model == model.name and key and key not in cached:
                assert pending.model_input is not None
                wanted.setdefault(key, pending.model_input)
        if wanted:
            answers = model.predict_batch(list(wanted.values()))
            stats.model_calls += len(wanted)
            for key, answer in zip(wanted, answers, strict=True):
                fresh[key] = (model.name, model.fingerprint, answer)
    records = []
    for pending in batch.items:
        record = pending.record
        key = record.request_key
        if key is not None and key in cached:
            stats.cache_hits += 1
        elif key is not None and fresh[key][2].outcome == "error":
            record = _with_error(record, fresh[key][2].error or "model error")
        records.append(record)
    store.record(run_id, records, fresh)
    on_progress(len(records))
    batch.items.clear()


def _with_error(record: ItemRecord, reason: str) -> ItemRecord:
    return replace(record, error=reason)
