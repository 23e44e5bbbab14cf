"""Holm's step-down correction (Holm 1979): family-wise error control for many rows at once.

An experiment tests every condition × metric; at alpha 0.05, twenty untouched rows would show one
"significant" difference on average. Holm controls the chance of *any* false call at alpha, is
uniformly more powerful than Bonferroni, and needs no assumption about how the tests depend on each
other (rows of one experiment share items, so they do depend).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from statsmodels.stats.multitest import multipletests

__all__ = ["holm"]


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values, in the order given (``statsmodels`` ``multipletests``).

    With the m p-values sorted ascending, the i-th (from 0) is multiplied by m − i, capped at 1,
    and made non-decreasing along the sorted order (a step-down procedure stops at the first
    non-rejection, so no later hypothesis can look more significant than an earlier one).

    Raises:
        ValueError: A value is not a probability; the message quotes it.
    """
    for value in pvalues:
        if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= 1.0):
            raise ValueError(f"p-values must be numbers in [0, 1], got {value!r}")
    if not pvalues:
        return []
    _, adjusted, _, _ = multipletests([float(p) for p in pvalues], method="holm")
    return [float(p) for p in adjusted]
