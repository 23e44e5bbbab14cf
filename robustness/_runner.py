"""Plan → prepare → request key → store or claim → model (streamed) → group commit.

Each model is fed its requests as it has room for them and every answer is committed within half
a second of arriving (``robustness._commit``), so a run killed at any moment loses at most the
last interval's answers, and rerunning the same plan skips every finished item without even
decoding its image. Identical requests (``robustness._identity``) are sent once, and several
processes on one store split the work through claims (``robustness._claims``). Setting ``stop``
(Ctrl-C) sends nothing new, lets requests in flight finish, commits, and returns.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from prompts import PromptVariant

from ._claims import CLAIM_TIMEOUT_S, Claims
from ._commit import GroupCommitter
from ._datasets import Dataset
from ._executors import Executor, LocalExecutor
from ._feed import Flights, RequestFeed
from ._models import ModelAdapter
from ._prepare import Identity, prepare, unfinished_items
from ._store import Store
from ._types import Prediction

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
    """One question put to one model: a prompt variant and repeat index (none for specialists),
    and the crop shown (``input_mode``; empty: the model's own), so one adapter serves each mode."""

    model: ModelAdapter
    prompt: PromptVariant | None = None
    repeat: int = 0
    input_mode: str = ""

    def __post_init__(self) -> None:
        if not self.input_mode:
            object.__setattr__(self, "input_mode", self.model.input_mode)

    @property
    def prompt_id(self) -> str:
        return self.prompt.id if self.prompt is not None else ""


def plan_jobs(
    models: Sequence[ModelAdapter], prompts: Sequence[PromptVariant], repeats: int,
    modes: Mapping[str, Sequence[str]] | None = None,
) -> list[Job]:
    """Every input mode × prompt × repeat for models that take prompts; one job per mode for
    those that don't. ``modes`` maps a model's name to its modes (default: its own)."""
    jobs = []
    for model in models:
        for mode in (modes or {}).get(model.name) or (model.input_mode,):
            if model.takes_prompts:
                jobs += [Job(model, prompt, r, mode) for prompt in prompts for r in range(repeats)]
            else:
                jobs.append(Job(model, input_mode=mode))
    return jobs


@dataclass(frozen=True, slots=True)
class ExecuteOptions:
    seed: int = 0
    face_margin: float = 0.0
    max_requests: int | None = None  # model calls allowed in this invocation
    dry_run: bool = False  # count and estimate new requests; call and store nothing
    commit_interval_s: float = 0.5  # an answer is durable at most this long after it arrives
    commit_group: int = 64  # ... or as soon as this many are waiting
    claim_timeout_s: float = CLAIM_TIMEOUT_S  # a silent owner's claims are taken over after this
    workers: int = 1  # processes preparing requests; 1 prepares them in this process


@dataclass(slots=True)
class RunStats:
    requests: int = 0
    model_calls: int = 0
    cache_hits: int = 0
    errors: int = 0  # items that ended in an error of any kind
    model_errors: int = 0  # ... of which the model or its transport failed (a rerun retries)
    seconds: float = 0.0
    estimated_tokens: int = 0
    stopped_at_budget: bool = False
    interrupted: bool = False  # stopped by ``stop`` (Ctrl-C) before the plan was done
    shared_with: set[str] = field(default_factory=set)  # other processes' claims met
    worker_cpu_s: float = 0.0  # CPU seconds worker processes spent preparing requests


def execute(
    dataset: Dataset, conditions: Sequence[Condition], jobs: Sequence[Job], store: Store, *,
    run_id: str, options: ExecuteOptions = ExecuteOptions(),
    on_progress: Callable[[int], None] = lambda advance: None,
    on_notice: Callable[[str], None] = lambda line: None,
    stop: threading.Event | None = None, executor: Executor | None = None,
) -> RunStats:
    """Run every job on every sample under every condition; return what it cost.

    ``executor`` prepares the requests and answers them (default: this machine with
    ``options.workers`` preparing processes); this process alone claims and stores.
    """
    started = time.perf_counter()
    stats = RunStats(requests=len(dataset.samples) * len(conditions) * len(jobs))
    stop = stop or threading.Event()
    models = list({id(job.model): job.model for job in jobs}.values())
    if stats.requests and store.finished_count(run_id) == stats.requests:
        # An identical rerun of a finished plan: nothing to prepare, claim or ask. The run id
        # names this plan, so its stored items are planned items, one row per identity; as many
        # finished rows as planned items means every item is finished — the walk below would skip
        # each one. Any other count (a partial plan, errors to retry) takes the walk.
        stats.cache_hits = stats.requests
        on_progress(stats.requests)
        if not options.dry_run:
            stats.interrupted = stop.is_set()
            stats.errors = store.error_count(run_id)
            stats.model_errors = store.model_error_count(run_id)
        stats.seconds = time.perf_counter() - started
        return stats
    if options.dry_run:
        _dry_run(dataset, conditions, jobs, store.cached, store.finished_items(run_id), stats,
                 options)
        stats.seconds = time.perf_counter() - started
        return stats
    finished = store.finished_items(run_id)
    claims = Claims(store.path, timeout_s=options.claim_timeout_s)
    flights = Flights()
    executor = executor or LocalExecutor(options.workers)
    preparer = executor.preparer(jobs, dataset.root, seed=options.seed,
                                 face_margin=options.face_margin)
    try:
        committer = GroupCommitter(
            store.path, run_id, owner=claims.owner, interval_s=options.commit_interval_s,
            max_group=options.commit_group, on_commit=flights.landed,
        )
        try:
            for model in models:
                if stop.is_set() or stats.stopped_at_budget:
                    break
                feed = RequestFeed(
                    model, [job for job in jobs if job.model is model], dataset, conditions,
                    finished, store, claims, committer, flights, stats, options, on_progress,
                    on_notice, stop, preparer,
                )
                runs = executor.model(model)
                runs.predict_stream(feed.requests(), feed.answer, stop=stop)
                while feed.waiting:
                    left = len(feed.deferred)
                    runs.predict_stream(feed.taken_over(), feed.answer, stop=stop)
                    if len(feed.deferred) == left:
                        stop.wait(0.2)  # the other process is still at work on them
        finally:
            committer.close()
    finally:
        preparer.close()
        stats.worker_cpu_s = preparer.cpu_s
        claims.close()
    stats.interrupted = stop.is_set()
    stats.errors = store.error_count(run_id)
    stats.model_errors = store.model_error_count(run_id)
    stats.seconds = time.perf_counter() - started
    return stats


def _dry_run(
    dataset: Dataset, conditions: Sequence[Condition], jobs: Sequence[Job],
    cached_among: Callable[[Iterable[str]], dict[str, Prediction]], finished: set[Identity],
    stats: RunStats, options: ExecuteOptions,
) -> None:
    """Count the new requests (and their tokens) the run would make; send and store nothing."""
    seen: set[str] = set()
    planned = len(conditions) * len(jobs)
    for index, sample in enumerate(dataset.samples):
        items = unfinished_items(sample, index, conditions, jobs, finished)
        stats.cache_hits += planned - len(items)
        prepared = prepare(sample, dataset.root, items, seed=options.seed,
                           face_margin=options.face_margin)
        asks = {p.record.request_key: p for p in prepared
                if p.record.request_key is not None and p.record.request_key not in seen}
        cached = cached_among(asks)
        stats.cache_hits += len(cached)
        for key, item in asks.items():
            if key in cached:
                continue
            if options.max_requests is not None and stats.model_calls >= options.max_requests:
                stats.stopped_at_budget = True
                return
            seen.add(key)
            stats.model_calls += 1
            estimate = getattr(item.job.model, "estimate_tokens", None)
            if estimate is not None and item.input is not None:
                stats.estimated_tokens += estimate(item.input)
