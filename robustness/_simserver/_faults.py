"""Per-attempt faults: which attempts fail, decided so that a client's retry can succeed.

A fault is drawn from a stream seeded by (seed, body digest, attempt number), where the attempt
number counts how often this exact body has been seen. Identical retries therefore get fresh,
independent draws, yet a rerun of the same request sequence fails at the same points.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from ._config import FaultKind, SimConfig
from ._rng import derive_random

__all__ = ["AttemptCounter", "draw_fault"]


class AttemptCounter:
    """How many times each body digest has been seen; thread-safe and bounded.

    The bound keeps memory flat on long runs; forgetting a body only restarts its attempt count,
    which a client cannot tell from a fresh request.
    """

    def __init__(self, *, capacity: int = 100_000) -> None:
        self._capacity = capacity
        self._counts: OrderedDict[bytes, int] = OrderedDict()
        self._lock = threading.Lock()

    def next(self, digest: bytes) -> int:
        """Record one more sighting of ``digest`` and return its attempt number (first is 0)."""
        with self._lock:
            attempt = self._counts.pop(digest, 0)
            self._counts[digest] = attempt + 1
            if len(self._counts) > self._capacity:
                self._counts.popitem(last=False)
            return attempt


def draw_fault(config: SimConfig, *, digest: bytes, attempt: int) -> FaultKind | None:
    """The fault this attempt suffers, or ``None``; one uniform draw over the fault fractions."""
    rates = config.fault_rates
    if not any(rate for _, rate in rates):
        return None
    draw = derive_random("fault", config.seed, digest, attempt).random()
    edge = 0.0
    for kind, rate in rates:
        edge += rate
        if draw < edge:
            return kind
    return None
