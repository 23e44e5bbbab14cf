"""Preparing requests in worker processes, a bounded window ahead of the requests in flight.

Decode, perturb, crop, digest and (for adapters with an ``input_encoder``) the PNG encoding run in
a pool of worker processes; the driver submits one task per sample with unfinished items and
takes the results back in plan order, never more than ``window`` samples ahead, so memory holds a
window of prepared requests whatever the plan's size. ``prepare`` is a pure function of the
sample, the items and the run options, so keys and inputs are those the driver would compute.

Workers get each model's facts (name, fingerprint, input mode, encoder), never the model: an
adapter holds sessions, threads and weights that neither pickle nor belong in a worker. They
start from a fork server that imported this module once (fast to start, and no fork of a driver
that already runs threads), or are spawned where there is no fork server.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ._exceptions import RobustnessError
from ._models import ModelAdapter, ModelInput
from ._prepare import Prepared, prepare
from ._store import ItemRecord
from ._types import Prediction, Sample

if TYPE_CHECKING:
    from ._runner import Job

__all__ = [
    "LocalPreparer", "PoolPreparer", "Preparer", "default_workers", "encoded", "in_order",
    "job_facts", "preparer_for",
]

T = TypeVar("T")  # what a pool hands back for one submitted sample
Work = tuple[int, list[tuple[ItemRecord, "Job"]]]  # (sample index, its unfinished items)


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def encoded(prepared: list[Prepared]) -> list[Prepared]:
    """Each input with its image encoded by its adapter's encoder, once per crop."""
    out: list[Prepared] = []
    done: dict[str, str | None] = {}
    for item in prepared:
        encoder = item.job.model.input_encoder
        digest = item.record.image_sha256
        if encoder is not None and item.input is not None and digest is not None:
            if digest not in done:
                try:
                    done[digest] = encoder(item.input)
                except RobustnessError:  # left to the adapter, which reports it as the item's error
                    done[digest] = None
            item = replace(item, input=replace(item.input, encoded=done[digest]))
        out.append(item)
    return out


class Preparer:
    """Turns each sample's unfinished items into prepared items, in plan order."""

    @property
    def cpu_s(self) -> float:
        """CPU seconds worker processes of this machine spent (0 when none)."""
        return 0.0

    def stream(self, root: Path, samples: Sequence[Sample], work: Iterable[Work]) -> Iterator[
            tuple[int, list[Prepared]]]:
        raise NotImplementedError

    def close(self) -> None:
        """Stop the workers, if any."""


class LocalPreparer(Preparer):
    """The single-process path (``--workers 1``): each sample prepared when it is reached."""

    def __init__(self, *, seed: int, face_margin: float) -> None:
        self.seed, self.face_margin = seed, face_margin

    def stream(self, root: Path, samples: Sequence[Sample], work: Iterable[Work]) -> Iterator[
            tuple[int, list[Prepared]]]:
        for index, items in work:
            yield index, prepare(samples[index], root, items, seed=self.seed,
                                 face_margin=self.face_margin)


class _ModelFacts(ModelAdapter):
    """What ``prepare`` and the encoding read of a model, picklable; it cannot predict."""

    def __init__(self, model: ModelAdapter) -> None:
        self.name, self.input_mode = model.name, model.input_mode
        self.simulated, self.takes_prompts = model.simulated, model.takes_prompts
        self.input_encoder = model.input_encoder
        self._fingerprint = model.fingerprint

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def predict_batch(self, inputs: Sequence[ModelInput]) -> list[Prediction]:
        raise TypeError("a worker process holds a model's facts, not the model")


def in_order(
    work: Iterable[Work], job_index: dict[int, int], window: int,
    submit: Callable[[int, list[tuple[ItemRecord, int]]], T], cancel: Callable[[T], object],
) -> Generator[tuple[int, T], None, None]:
    """Submit each sample's items (jobs sent as indices) keeping ``window`` samples in flight, and
    yield ``(sample index, handle)`` in plan order; what is still in flight when the consumer
    stops early is cancelled. Shared by the process pool and the Ray executor."""
    ahead: deque[tuple[int, T]] = deque()
    try:
        for index, items in work:
            tagged = [(record, job_index[id(job)]) for record, job in items]
            ahead.append((index, submit(index, tagged)))
            if len(ahead) >= window:
                yield ahead.popleft()
        while ahead:
            yield ahead.popleft()
    finally:
        for _, handle in ahead:
            cancel(handle)


def job_facts(jobs: Sequence[Job]) -> tuple[Job, ...]:
    """The jobs, each model replaced by its facts: what a worker process may receive."""
    facts = {id(job.model): _ModelFacts(job.model) for job in jobs}
    # ``replace`` keeps every other field of the job (prompt, repeat, input mode) as planned.
    return tuple(replace(job, model=facts[id(job.model)]) for job in jobs)


# A worker's state, set once by ``_start``: (root, seed, face margin, jobs with models' facts).
_STATE: tuple[Path, int, float, tuple[Job, ...]] | None = None


def _start(root: Path, seed: int, face_margin: float, jobs: tuple[Job, ...], driver: int) -> None:
    global _STATE
    _STATE = (root, seed, face_margin, jobs)
    threading.Thread(target=_exit_with_driver, args=(driver,), daemon=True).start()


def _exit_with_driver(driver: int) -> None:
    """Exit once the driver is gone (killed, or quit by a second Ctrl-C). A worker waiting for
    work would otherwise wait forever, holding the driver's console and the fork server open."""
    while _alive(driver):
        time.sleep(0.2)
    os._exit(1)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs; a dead process its parent has not reaped yet (a zombie) does not."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


# Prepared items as (record, job index, input), and (worker pid, its CPU seconds so far).
_Result = tuple[list[tuple[ItemRecord, int, ModelInput | None]], tuple[int, float]]


def _prepare_task(sample: Sample, items: list[tuple[ItemRecord, int]]) -> _Result:
    assert _STATE is not None, "worker not started"
    root, seed, face_margin, jobs = _STATE
    prepared = encoded(prepare(sample, root, [(record, jobs[j]) for record, j in items],
                               seed=seed, face_margin=face_margin))
    # Results come back in the order of ``items`` (prepare keeps it), so the job is its index.
    out = [(p.record, j, p.input) for p, (_, j) in zip(prepared, items, strict=True)]
    return out, (os.getpid(), time.process_time())


class PoolPreparer(Preparer):
    """``workers`` processes preparing up to ``window`` samples ahead of the driver."""

    def __init__(self, jobs: Sequence[Job], root: Path, *, seed: int, face_margin: float,
                 workers: int, window: int | None = None) -> None:
        self._jobs = list(jobs)
        self._index = {id(job): i for i, job in enumerate(self._jobs)}
        self._initargs = (root, seed, face_margin, job_facts(self._jobs), os.getpid())
        self._workers = workers
        self._window = window or 4 * workers
        self._pool: ProcessPoolExecutor | None = None  # started when a sample needs work
        self._cpu: dict[int, float] = {}  # worker pid → its CPU seconds at its latest result

    @property
    def cpu_s(self) -> float:
        return sum(self._cpu.values())

    def stream(self, root: Path, samples: Sequence[Sample], work: Iterable[Work]) -> Iterator[
            tuple[int, list[Prepared]]]:
        def submit(index: int, tagged: list[tuple[ItemRecord, int]]) -> Future[_Result]:
            return self._started().submit(_prepare_task, samples[index], tagged)

        with closing(in_order(work, self._index, self._window, submit, Future.cancel)) as ahead:
            for index, future in ahead:
                results, (pid, cpu_s) = future.result()
                self._cpu[pid] = cpu_s
                yield index, [Prepared(record, self._jobs[j], item) for record, j, item in results]

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context(
                "forkserver" if "forkserver" in methods else "spawn")
            if "forkserver" in methods:
                context.set_forkserver_preload([__name__])
            self._pool = ProcessPoolExecutor(self._workers, mp_context=context,
                                             initializer=_start, initargs=self._initargs)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def preparer_for(jobs: Sequence[Job], root: Path, *, seed: int, face_margin: float,
                 workers: int) -> Preparer:
    """The pool when ``workers`` > 1, else the single-process path."""
    if workers <= 1:
        return LocalPreparer(seed=seed, face_margin=face_margin)
    return PoolPreparer(jobs, root, seed=seed, face_margin=face_margin, workers=workers)

