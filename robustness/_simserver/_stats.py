"""Counters of what the server did, safe to bump from every handler thread."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["SimStats", "StatsRecorder"]


@dataclass(frozen=True, slots=True)
class SimStats:
    """A snapshot of the server's counts since it started.

    ``requests`` counts every HTTP request; ``answers`` the completions that carried an estimate
    (partial refusals excluded); ``refusals`` the completions that declined, by form in
    ``refusal_forms``; ``faults`` each injected fault by kind; ``errors`` the 4xx answers.
    """

    requests: int = 0
    answers: int = 0
    refusals: int = 0
    errors: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    refusal_forms: dict[str, int] = field(default_factory=dict)


class StatsRecorder:
    """The live counters behind ``SimServer.stats``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._faults: Counter[str] = Counter()
        self._forms: Counter[str] = Counter()

    def count(self, name: str) -> None:
        """Add one to ``requests``, ``answers`` or ``errors``."""
        with self._lock:
            self._counts[name] += 1

    def fault(self, kind: str) -> None:
        """Record one injected fault."""
        with self._lock:
            self._faults[kind] += 1

    def refusal(self, form: str) -> None:
        """Record one refusal of the given form."""
        with self._lock:
            self._counts["refusals"] += 1
            self._forms[form] += 1

    def snapshot(self) -> SimStats:
        """The counts as they are now."""
        with self._lock:
            return SimStats(
                requests=self._counts["requests"], answers=self._counts["answers"],
                refusals=self._counts["refusals"], errors=self._counts["errors"],
                faults=dict(self._faults), refusal_forms=dict(self._forms),
            )
