"""Ctrl-C during a run: the first stops it cleanly, the second at once.

The first SIGINT sets the run's ``stop`` event: nothing new is sent, requests in flight get up to
``--timeout`` to finish, every answer received is committed, and the command exits 130 with a line
on how to resume. A second SIGINT exits 130 immediately; what was committed stays committed (the
store's transactions make a half-written group impossible).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["INTERRUPTED", "stop_on_interrupt"]

INTERRUPTED = 130  # 128 + SIGINT, the shell's convention


@contextmanager
def stop_on_interrupt(timeout_s: float) -> Iterator[threading.Event]:
    """Route Ctrl-C to a stop event for the block's duration (main thread only)."""
    stop = threading.Event()

    def interrupted(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            os._exit(INTERRUPTED)
        stop.set()
        # A plain write: a signal handler must not wait on the console's lock.
        os.write(2, (f"\nstopping: nothing new is sent; waiting up to {timeout_s:g} s for "
                     "requests in flight (Ctrl-C again quits at once)\n").encode())

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)
