"""The p90 of a sample of values (the stability figures themselves come from ``_pairing``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["p90"]


def p90(values: Sequence[float] | np.ndarray) -> float | None:
    """90th percentile (linear interpolation, NumPy's default); ``None`` for no values."""
    arr = np.asarray(values, dtype=float)
    return float(np.percentile(arr, 90)) if arr.size else None
