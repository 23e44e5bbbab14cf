"""Per-item random generators, independent of order, subset and process.

A condition's generator is seeded from a stable hash of what identifies it, never from the global
NumPy state, so any single item can be recomputed alone and gives byte-identical images.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["item_rng", "stable_hash"]


def stable_hash(*parts: object) -> str:
    """Hex SHA-256 of the parts' ``repr`` joined by a separator that no ``repr`` contains alone."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def item_rng(
    sample_id: str, perturbation: str, severity: int, replicate: int, seed: int
) -> np.random.Generator:
    """The generator for one (sample, perturbation, severity, replicate) under a run seed."""
    digest = stable_hash("item", sample_id, perturbation, severity, replicate, seed)
    return np.random.default_rng([int(digest[i : i + 8], 16) for i in range(0, 32, 8)])
