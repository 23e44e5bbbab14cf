"""Pausing Python's cyclic garbage collector while a run's items are read and summarised.

A million-item summary builds millions of small objects (items, rows, pairs) that hold no
reference cycles and all live until the summary is done. The collector does not know that: each
time allocations pass its thresholds it walks every live object again, which cost a third of the
summary's time at a million items (``python bench/store_scale.py``). Reference counting still
frees everything as usual; only the search for cycles waits until the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["cycles_collected_later"]


@contextmanager
def cycles_collected_later() -> Iterator[None]:
    """Run the block with the cyclic collector paused (as it was before, after it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
