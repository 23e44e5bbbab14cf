"""Claims: how several processes share one store without paying for a request twice.

The protocol (written for SQLite; a networked store needs the same three operations, each atomic):

1. **Register.** A process is an *owner*: ``host:pid:token``, with a row in ``owners`` whose
   ``heartbeat`` it refreshes every ``timeout / 4`` seconds from a background thread.
2. **Claim before paying.** In one write transaction per batch of keys: a key that already has a
   prediction is ``cached``; a key claimed by another owner that is alive is ``taken``; otherwise
   the claim row is written (or overwritten) with this owner and the key is ``mine``. Only a
   ``mine`` key is sent to the model.
3. **Release with the answer.** The transaction that stores a request's answer (or its error) also
   deletes its claim; a process that stops releases every claim it still holds.

An owner is *alive* while its heartbeat is younger than ``timeout``. On the same host a claim whose
pid no longer exists is taken over at once (a ``kill -9`` leaves its claims behind, and the rerun
should not wait for them). A process that finds keys ``taken`` waits for their answers to appear,
taking a key over if its owner dies first; it tells the user it is sharing the store.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from ._store import connect

__all__ = ["CLAIM_TIMEOUT_S", "ClaimState", "Claims"]

CLAIM_TIMEOUT_S = 30.0

ClaimState = Literal["mine", "taken", "cached"]


class Claims:
    """This process's claims in one store, with a heartbeat thread while it is open."""

    def __init__(self, path: Path, *, timeout_s: float = CLAIM_TIMEOUT_S) -> None:
        self.host, self.pid = socket.gethostname(), os.getpid()
        self.owner = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:8]}"
        self.timeout_s = timeout_s
        self._db = connect(path)
        self._beat_db = connect(path)
        self._stopped = threading.Event()
        now = time.time()
        self._db.execute("INSERT OR REPLACE INTO owners VALUES (?, ?, ?, ?, ?)",
                         (self.owner, self.host, self.pid, now, now))
        self._thread = threading.Thread(target=self._beat, name="robustness-heartbeat",
                                        daemon=True)
        self._thread.start()

    def claim(self, keys: Sequence[str]) -> dict[str, tuple[ClaimState, str]]:
        """Claim what nobody alive holds: key → (state, the owner holding it when taken)."""
        states: dict[str, tuple[ClaimState, str]] = {}
        if not keys:
            return states
        now = time.time()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for key in dict.fromkeys(keys):
                if self._db.execute("SELECT 1 FROM predictions WHERE request_key = ?",
                                    (key,)).fetchone():
                    states[key] = ("cached", "")
                    continue
                holder = self._db.execute(
                    "SELECT c.owner, o.host, o.pid, o.heartbeat FROM claims c "
                    "LEFT JOIN owners o ON o.owner = c.owner WHERE c.request_key = ?", (key,)
                ).fetchone()
                if holder is not None and holder[0] != self.owner \
                        and self._alive(holder[1], holder[2], holder[3], now):
                    states[key] = ("taken", holder[0])
                    continue
                self._db.execute("INSERT OR REPLACE INTO claims VALUES (?, ?, ?)",
                                 (key, self.owner, now))
                states[key] = ("mine", "")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return states

    def _alive(self, host: str | None, pid: int | None, beat: float | None, now: float) -> bool:
        if beat is None or now - beat > self.timeout_s:
            return False  # no heartbeat row, or a silent owner: its claims are stale
        if host == self.host and pid is not None and pid != self.pid:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return False  # killed on this host: no need to wait for the timeout
            except PermissionError:
                pass  # another user's live process
        return True

    def close(self) -> None:
        """Stop the heartbeat and release every claim this process still holds."""
        self._stopped.set()
        self._thread.join()
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM claims WHERE owner = ?", (self.owner,))
            self._db.execute("DELETE FROM owners WHERE owner = ?", (self.owner,))
            self._db.execute("COMMIT")
        finally:
            self._db.close()
            self._beat_db.close()

    def _beat(self) -> None:
        interval = max(0.05, self.timeout_s / 4)
        while not self._stopped.wait(interval):
            try:
                self._beat_db.execute("UPDATE owners SET heartbeat = ? WHERE owner = ?",
                                      (time.time(), self.owner))
            except sqlite3.OperationalError:
                continue  # the store is busy; the next beat comes well within the timeout
