"""The request feed of one model: what to send, claimed, and where each answer goes.

``requests()`` walks the samples in plan order and yields only requests this process has claimed
and nobody has answered; ``answer()`` turns an answer into stored items through the group
committer. Items whose key another live process holds are *deferred*: once the plan is walked,
the runner calls ``taken_over()`` until none is left, which stores the answers that process wrote
(cache hits here) and yields the keys it gave up or died holding, claimed anew. Waiting happens
between streams, never inside one, so no process sits on unsent claims while it waits for another.

Identical requests within a run are sent once: a key in flight collects every item that asks it,
and an item that arrives after the answer (but before its commit) is stored with that answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ._claims import Claims
from ._commit import Answer, GroupCommitter
from ._datasets import Dataset
from ._models import ModelAdapter, Request
from ._prepare import Identity, Prepared, prepare, unfinished_items, with_error
from ._store import ItemRecord, Store
from ._types import Prediction
from ._workers import Preparer

if TYPE_CHECKING:
    from ._runner import Condition, ExecuteOptions, Job, RunStats

__all__ = ["Flights", "RequestFeed"]


@dataclass(slots=True)
class Flights:
    """Keys sent and not yet committed, shared by the feeds of one run (keys name their model)."""

    waiting: dict[str, list[ItemRecord]] = field(default_factory=dict)
    answered: dict[str, Prediction] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def landed(self, keys: Sequence[str]) -> None:
        """The committer stored these keys' answers: the store answers for them from now on."""
        with self.lock:
            for key in keys:
                self.answered.pop(key, None)


@dataclass(slots=True)
class RequestFeed:
    model: ModelAdapter
    jobs: Sequence[Job]
    dataset: Dataset
    conditions: Sequence[Condition]
    finished: set[Identity]
    store: Store
    claims: Claims
    committer: GroupCommitter
    flights: Flights
    stats: RunStats
    options: ExecuteOptions
    on_progress: Callable[[int], None]
    on_notice: Callable[[str], None]
    stop: threading.Event
    preparer: Preparer
    # Items whose key another live process has claimed: key → (sample index, item, job).
    deferred: dict[str, list[tuple[int, ItemRecord, Job]]] = field(default_factory=dict)

    def requests(self) -> Iterator[Request]:
        prepared = self.preparer.stream(self.dataset.root, self.dataset.samples, self._work())
        for index, items in prepared:
            if self._halted():
                return
            yield from self._offer(index, items)

    def _work(self) -> Iterator[tuple[int, list[tuple[ItemRecord, Job]]]]:
        """Each sample's unfinished items, in plan order (the preparer may run a window ahead)."""
        planned = len(self.conditions) * len(self.jobs)
        for index, sample in enumerate(self.dataset.samples):
            if self._halted():
                return
            items = unfinished_items(sample, index, self.conditions, self.jobs, self.finished)
            self.stats.cache_hits += planned - len(items)
            self.on_progress(planned - len(items))
            if items:
                yield index, items

    def answer(self, key: str, prediction: Prediction) -> None:
        """Store every item that asked ``key`` with its answer (a model error fails them)."""
        with self.flights.lock:
            records = self.flights.waiting.pop(key, [])
            self.flights.answered[key] = prediction
        self._store(key, records, prediction, fresh=True)

    def _offer(self, index: int, items: list[Prepared]) -> Iterator[Request]:
        asks: dict[str, list[Prepared]] = {}
        for prepared in items:
            key = prepared.record.request_key
            if key is None:  # a data error: stored as it is
                self.committer.add(Answer((prepared.record,)))
                self.on_progress(1)
            else:
                asks.setdefault(key, []).append(prepared)
        with self.flights.lock:
            for key in list(asks):
                records = [p.record for p in asks[key]]
                if key in self.flights.waiting:
                    self.flights.waiting[key] += records
                    del asks[key]
                elif key in self.flights.answered:
                    self._store(key, records, self.flights.answered[key], fresh=False)
                    del asks[key]
        cached = self.store.cached(asks)
        for key, prediction in cached.items():
            self._store(key, [p.record for p in asks.pop(key)], prediction, fresh=False)
        states = self.claims.claim(list(asks))
        for key, group in asks.items():
            state, holder = states[key]
            if state == "cached":
                prediction = self.store.cached([key])[key]
                self._store(key, [p.record for p in group], prediction, fresh=False)
            elif state == "taken":
                self._defer(key, index, group, holder)
            elif self._halted() or self._over_budget():
                return  # the claim goes back when the run closes its claims
            else:
                self.stats.model_calls += 1
                with self.flights.lock:
                    self.flights.waiting[key] = [p.record for p in group]
                assert group[0].input is not None
                yield Request(key, group[0].input, group[0].record.image_sha256 or "")

    def taken_over(self) -> Iterator[Request]:
        """Deferred keys, once more: store answers that landed, ask what their owner let go."""
        keys = list(self.deferred)
        states = self.claims.claim(keys)
        for key in keys:
            state, _ = states[key]
            if state == "taken" or self._halted():
                continue
            entries = self.deferred.pop(key)
            if state == "cached":
                prediction = self.store.cached([key])[key]
                self._store(key, [record for _, record, _ in entries], prediction, fresh=False)
            else:  # its owner died or gave up: claimed for us now, asked again
                by_sample: dict[int, list[tuple[ItemRecord, Job]]] = {}
                for index, record, job in entries:  # one image may appear as several samples
                    by_sample.setdefault(index, []).append((record, job))
                for index, items in by_sample.items():
                    yield from self._offer(index, prepare(
                        self.dataset.samples[index], self.dataset.root, items,
                        seed=self.options.seed, face_margin=self.options.face_margin))

    @property
    def waiting(self) -> bool:
        """Whether items still wait for another process (and this run may go on)."""
        return bool(self.deferred) and not self._halted()

    def _defer(self, key: str, index: int, group: list[Prepared], holder: str) -> None:
        if not self.stats.shared_with:
            self.on_notice(
                f"sharing the store {self.store.path} with another process ({holder}): "
                "requests it has claimed are left to it, and their answers read from the store"
            )
        self.stats.shared_with.add(holder)
        self.deferred.setdefault(key, []).extend((index, p.record, p.job) for p in group)

    def _store(self, key: str, records: list[ItemRecord], prediction: Prediction, *,
               fresh: bool) -> None:
        if not records and not fresh:
            return
        if prediction.outcome == "error":
            records = [with_error(r, prediction.error or "model error", "model") for r in records]
        if prediction.system_fingerprint == "simulated":
            records = [replace(r, simulated=True) for r in records]
        if not fresh:
            self.stats.cache_hits += len(records)
        new = (self.model.name, self.model.fingerprint, prediction) if fresh else None
        self.committer.add(Answer(tuple(records), key, new))
        self.on_progress(len(records))

    def _over_budget(self) -> bool:
        budget = self.options.max_requests
        if budget is not None and self.stats.model_calls >= budget:
            self.stats.stopped_at_budget = True
        return self.stats.stopped_at_budget

    def _halted(self) -> bool:
        return self.stop.is_set() or self.stats.stopped_at_budget
