"""Seeded random streams, derived from stable parts so every choice can be replayed."""

from __future__ import annotations

import hashlib
import random

__all__ = ["derive_random"]


def derive_random(*parts: object) -> random.Random:
    """A ``random.Random`` seeded from ``parts`` (ints, strings, bytes).

    ``hash()`` is salted per process, so the seed comes from SHA-256 of the parts' ``repr``: the
    same request gets the same answer in every run of the server.
    """
    digest = hashlib.sha256(repr(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))
