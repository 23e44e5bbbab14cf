"""Group commit: every answer is durable within ``interval_s`` of arriving.

Answers are handed over as they arrive (from the event loop, a batching thread, or one day a
pool of workers) and a background thread writes them in one transaction at most ``interval_s``
after the first of a group arrived, or as soon as ``max_group`` are waiting. A ``kill -9`` thus
loses at most the last interval's answers, and a rerun pays only for those. The transaction that
stores an answer also releases its claim (``robustness._claims``), so another process on the
store sees the answer and the claim change together.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ._store import ItemRecord, connect, write_answers
from ._types import Prediction

__all__ = ["Answer", "GroupCommitter"]


@dataclass(frozen=True, slots=True)
class Answer:
    """Items to store, with the new prediction they share (None for cache hits and data errors)."""

    items: tuple[ItemRecord, ...]
    key: str | None = None
    prediction: tuple[str, str, Prediction] | None = None  # (model, fingerprint, prediction)


class GroupCommitter:
    """Writes answers of one run in groups from its own thread and connection."""

    def __init__(
        self, path: Path, run_id: str, *, owner: str, interval_s: float = 0.5,
        max_group: int = 64, on_commit: Callable[[Sequence[str]], None] = lambda keys: None,
    ) -> None:
        self.run_id, self.owner = run_id, owner
        self.interval_s, self.max_group = interval_s, max_group
        self._on_commit = on_commit
        self._db = connect(path)
        self._pending: list[Answer] = []
        self._first_at = 0.0
        self._wake = threading.Condition()
        self._closing = False
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="robustness-commit", daemon=True)
        self._thread.start()

    def add(self, answer: Answer) -> None:
        """Queue one answer; raises what made an earlier commit fail."""
        with self._wake:
            if self._failure is not None:
                raise self._failure
            if not self._pending:
                self._first_at = time.monotonic()
                self._wake.notify()  # the writer starts this group's clock
            self._pending.append(answer)
            if len(self._pending) >= self.max_group:
                self._wake.notify()

    def close(self) -> None:
        """Write what is still queued and stop; raises what made a commit fail."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._thread.join()
        self._db.close()
        if self._failure is not None:
            raise self._failure

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._closing:
                    if self._pending:
                        left = self._first_at + self.interval_s - time.monotonic()
                        if left <= 0 or len(self._pending) >= self.max_group:
                            break
                        self._wake.wait(left)
                    else:
                        self._wake.wait()
                group, self._pending = self._pending, []
                closing = self._closing
            if group:
                try:
                    self._write(group)
                except BaseException as exc:  # noqa: BLE001 - raised again by add() or close()
                    with self._wake:
                        self._failure = exc
                    return
            if closing:
                return

    def _write(self, group: list[Answer]) -> None:
        items = [item for answer in group for item in answer.items]
        fresh = {a.key: a.prediction for a in group if a.key is not None and a.prediction}
        keys = [a.key for a in group if a.key is not None]
        self._db.execute("BEGIN IMMEDIATE")
        try:
            write_answers(self._db, self.run_id, items, fresh)
            self._db.executemany("DELETE FROM claims WHERE request_key = ? AND owner = ?",
                                 [(key, self.owner) for key in keys])
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        self._on_commit(keys)
