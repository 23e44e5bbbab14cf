"""Plan → materialize → request key → store lookup → model → store, one batch at a time.

A batch's items and predictions are committed together, so a run killed at any moment loses at
most the batch in flight, and rerunning the same plan skips every finished item without even
decoding its image. Identical requests (the same model, bytes, prompt and repeat) are sent once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from perturbations import Boxes
from prompts import PromptVariant

from ._datasets import Dataset, detect_face, load_image
from ._exceptions import ImageError
from ._materialize import input_digest, model_input, perturb
from ._models import ModelAdapter, ModelInput
from ._seeding import stable_hash
from ._store import ItemRecord, Store
from ._types import Prediction, Sample

__all__ = ["CLEAN", "Condition", "ExecuteOptions", "Job", "RunStats", "execute", "plan_jobs"]

CLEAN = "none"


@dataclass(frozen=True, slots=True)
class Condition:
    """One (perturbation, severity, replicate); ``none``/0 is the clean image."""

    perturbation: str = CLEAN
    severity: int = 0
    replicate: int = 0


@dataclass(frozen=True, slots=True)
class Job:
    """One question put to one model: a prompt variant and repeat index (none for specialists)."""

    model: ModelAdapter
    prompt: PromptVariant | None = None
    repeat: int = 0

    @property
    def prompt_id(self) -> str:
        return self.prompt.id if self.prompt is not None else ""


def plan_jobs(
    models: Sequence[ModelAdapter], prompts: Sequence[PromptVariant], repeats: int
) -> list[Job]:
    """Every prompt × repeat for models that take prompts; one job for those that don't."""
    jobs = []
    for model in models:
        if model.takes_prompts:
            jobs += [Job(model, prompt, r) for prompt in prompts for r in range(repeats)]
        else:
            jobs.append(Job(model))
    return jobs


@dataclass(frozen=True, slots=True)
class ExecuteOptions:
    seed: int = 0
    face_margin: float = 0.0
    max_requests: int | None = None  # model calls allowed in this invocation
    dry_run: bool = False  # count and estimate new requests; call and store nothing


@dataclass(slots=True)
class RunStats:
    requests: int = 0
    model_calls: int = 0
    cache_hits: int = 0
    errors: int = 0
    seconds: float = 0.0
    estimated_tokens: int = 0
    stopped_at_budget: bool = False


@dataclass(slots=True)
class _Pending:
    record: ItemRecord
    job: Job
    model_input: ModelInput | None = None


@dataclass(slots=True)
class _Run:
    store: Store
    run_id: str
    options: ExecuteOptions
    stats: RunStats
    on_progress: Callable[[int], None]
    batch: list[_Pending] = field(default_factory=list)


def execute(
    dataset: Dataset, conditions: Sequence[Condition], jobs: Sequence[Job], store: Store, *,
    run_id: str, options: ExecuteOptions = ExecuteOptions(),
    on_progress: Callable[[int], None] = lambda advance: None,
) -> RunStats:
    """Run every job on every sample under every condition; return what it cost."""
    started = time.perf_counter()
    run = _Run(store, run_id, options, RunStats(), on_progress)
    run.stats.requests = len(dataset.samples) * len(conditions) * len(jobs)
    finished = store.finished_items(run_id)
    flush_at = max(job.model.batch_size for job in jobs)
    for index, sample in enumerate(dataset.samples):
        records = _records(sample, index, conditions, jobs, finished)
        skipped = len(conditions) * len(jobs) - len(records)
        run.stats.cache_hits += skipped
        on_progress(skipped)
        if records:
            run.batch += _materialize(sample, dataset.root, records, options)
        if len(run.batch) >= flush_at:
            _flush(run)
        if run.stats.stopped_at_budget:
            break
    _flush(run)
    if not options.dry_run:
        run.stats.errors = store.error_count(run_id)
    run.stats.seconds = time.perf_counter() - started
    return run.stats


def _records(
    sample: Sample, position: int, conditions: Sequence[Condition], jobs: Sequence[Job],
    finished: set[tuple[str, str, str, str, int, int, int]],
) -> list[tuple[ItemRecord, Job]]:
    records = []
    for condition_index, condition in enumerate(conditions):
        for job_index, job in enumerate(jobs):
            # Test the identity before building the record: a rerun finds almost every item
            # finished, and building a million records only to drop them dominated its time.
            # The fields and their order are ItemRecord.identity's.
            identity = (job.model.name, job.prompt_id, sample.id, condition.perturbation,
                        condition.severity, condition.replicate, job.repeat)
            if identity in finished:
                continue
            record = ItemRecord(
                model=job.model.name, prompt=job.prompt_id, sample_id=sample.id,
                perturbation=condition.perturbation, severity=condition.severity,
                replicate=condition.replicate, repeat=job.repeat, request_key=None,
                image_sha256=None, error=sample.error, age_true=sample.age,
                age_low=sample.age_low, age_high=sample.age_high, gender_true=sample.gender,
                subject_id=sample.subject_id, image_path=str(sample.image_path),
                position=(position * len(conditions) + condition_index) * len(jobs) + job_index,
                simulated=job.model.simulated,
            )
            records.append((record, job))
    return records


def _materialize(
    sample: Sample, root: Path, records: list[tuple[ItemRecord, Job]], options: ExecuteOptions
) -> list[_Pending]:
    """Perturb and crop for each unfinished item; a per-sample failure becomes an error item."""
    if sample.error is not None:
        return [_Pending(record, job) for record, job in records]
    try:
        image = load_image(sample.image_path, root=root)
    except ImageError as exc:
        return [_Pending(_with_error(record, str(exc)), job) for record, job in records]
    face = sample.face_box if sample.face_box is not None else detect_face(image)
    if face is None and any(job.model.input_mode in ("face", "face+body") for _, job in records):
        reason = f"{sample.image_path}: no face detected"
        return [_Pending(_with_error(record, reason), job) for record, job in records]
    height, width = image.shape[:2]
    frame = (0.0, 0.0, float(width), float(height))
    clean = Boxes(face=face, person=sample.person_box or frame)
    perturbed: dict[tuple[str, int, int], tuple[np.ndarray, Boxes]] = {}
    crops: dict[tuple[str, int, int, str], tuple[ModelInput, str] | str] = {}
    pending = []
    for record, job in records:
        condition = (record.perturbation, record.severity, record.replicate)
        if condition not in perturbed:
            perturbed[condition] = perturb(
                image, clean, sample_id=sample.id, perturbation=record.perturbation,
                severity=record.severity, replicate=record.replicate, seed=options.seed,
            )
        # Prompts and repeats share one crop (and its digest) per condition and input mode.
        mode = job.model.input_mode
        if (*condition, mode) not in crops:
            try:
                item = model_input(*perturbed[condition], mode, face_margin=options.face_margin)
                crops[(*condition, mode)] = (item, input_digest(item))
            except ValueError as exc:
                crops[(*condition, mode)] = f"{sample.image_path}: {exc}"
        crop = crops[(*condition, mode)]
        if isinstance(crop, str):
            pending.append(_Pending(_with_error(record, crop), job))
            continue
        item, digest = crop
        prompt_text = job.prompt.text if job.prompt is not None else ""
        key = stable_hash("request", job.model.fingerprint, digest, prompt_text, job.repeat)
        item = replace(item, prompt=job.prompt, repeat=job.repeat)
        pending.append(_Pending(replace(record, request_key=key, image_sha256=digest), job, item))
    return pending


def _flush(run: _Run) -> None:
    if not run.batch:
        return
    stats, options = run.stats, run.options
    cached = run.store.cached(p.record.request_key for p in run.batch if p.record.request_key)
    fresh: dict[str, tuple[str, str, Prediction]] = {}
    models = list({id(p.job.model): p.job.model for p in run.batch}.values())
    for model in models:
        wanted: dict[str, ModelInput] = {}
        for pending in run.batch:
            key = pending.record.request_key
            if pending.job.model is model and key and key not in cached:
                assert pending.model_input is not None
                wanted.setdefault(key, pending.model_input)
        if options.max_requests is not None:
            allowed = max(0, options.max_requests - stats.model_calls)
            if len(wanted) > allowed:
                wanted = dict(list(wanted.items())[:allowed])
                stats.stopped_at_budget = True
        stats.model_calls += len(wanted)
        if options.dry_run:
            estimate = getattr(model, "estimate_tokens", None)
            if estimate is not None:
                stats.estimated_tokens += sum(estimate(item) for item in wanted.values())
            continue
        if wanted:
            answers = model.predict_batch(list(wanted.values()))
            for key, answer in zip(wanted, answers, strict=True):
                fresh[key] = (model.name, model.fingerprint, answer)
    if not options.dry_run:
        _record(run, cached, fresh)
    run.batch.clear()


def _record(
    run: _Run, cached: dict[str, Prediction], fresh: dict[str, tuple[str, str, Prediction]]
) -> None:
    """Store what was answered; items cut off by the budget stay unplanned-for until a rerun."""
    records = []
    for pending in run.batch:
        record, key = pending.record, pending.record.request_key
        if key is not None and key in cached:
            run.stats.cache_hits += 1
            answer: Prediction | None = cached[key]
        elif key is not None:
            if key not in fresh:
                continue  # over the request budget
            answer = fresh[key][2]
            if answer.outcome == "error":
                record = _with_error(record, answer.error or "model error")
        else:
            answer = None
        if answer is not None and answer.system_fingerprint == "simulated":
            record = replace(record, simulated=True)
        records.append(record)
    run.store.record(run.run_id, records, fresh)
    run.on_progress(len(records))


def _with_error(record: ItemRecord, reason: str) -> ItemRecord:
    return replace(record, error=reason)
