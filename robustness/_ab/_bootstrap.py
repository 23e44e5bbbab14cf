"""A clustered BCa bootstrap interval for the mean paired difference.

The statistic is the mean of the per-pair differences d = B − A, i.e. sum(d) / count(d). Pairs of
one subject (or one sample, across replicates and repeats) are not independent evidence, so a
resample draws whole clusters with replacement and takes the ratio of the drawn sums, which weights
clusters of unequal size correctly (as ``robustness._metrics._bootstrap`` does for means).

BCa (Efron 1987) corrects the percentile interval for bias (``z0``) and skew (acceleration ``a``):

- ``z0 = Φ⁻¹(share of resamples below the estimate)``, ties with the estimate counted half:
  integer ages make many resamples land exactly on it, and counting them as "not below" (as plain
  implementations do) would bias ``z0`` downwards;
- ``a`` comes from the grouped jackknife: leave one *cluster* out, so the acceleration describes
  the same sampling unit the resample draws.

BCa is degenerate when every resample gives the same value, when no resample (or every one) falls
below the estimate (``z0`` infinite), when the jackknife has no spread, or when the adjusted levels
are undefined. Then the percentile interval is returned and the reason is given in ``note``. Fewer
than two clusters give no interval at all: one cluster says nothing about spread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import ndtr, ndtri

from .._metrics._bootstrap import cluster_totals

__all__ = ["Interval", "clustered_bca"]

# Cells in one resample matrix at most, so memory stays flat whatever the cluster count.
_CHUNK_CELLS = 2_000_000


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval, how it was computed, and why it fell back if it did."""

    low: float
    high: float
    method: Literal["bca", "percentile"]
    note: str | None = None


def clustered_bca(
    values: Sequence[float] | np.ndarray,
    clusters: Sequence[str],
    *,
    n_boot: int,
    rng: np.random.Generator,
    level: float = 0.95,
) -> Interval | None:
    """The BCa interval of the mean of ``values``, resampling whole ``clusters``.

    Args:
        values: One paired difference per pair.
        clusters: The cluster of each value (subject, else sample).
        n_boot: Resamples to draw.
        rng: The only source of randomness.
        level: Coverage of the interval, e.g. 0.95.

    Returns:
        The interval, or ``None`` with fewer than two clusters.
    """
    totals = cluster_totals(values, clusters)
    if totals is None:
        return None
    sums, counts = totals
    estimate = float(sums.sum() / counts.sum())
    replicates = _resample(sums, counts, n_boot, rng)
    tail = (1.0 - level) / 2.0
    percentile = np.quantile(replicates, [tail, 1.0 - tail])
    reason, levels = _bca_levels(replicates, estimate, sums, counts, tail)
    if levels is None:
        return Interval(float(percentile[0]), float(percentile[1]), "percentile",
                        f"BCa degenerate ({reason}); percentile interval")
    low, high = np.quantile(replicates, levels)
    return Interval(float(low), float(high), "bca")


def _resample(
    sums: np.ndarray, counts: np.ndarray, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    n_clusters = len(sums)
    replicates = np.empty(n_boot)
    chunk = max(1, _CHUNK_CELLS // n_clusters)
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        draw = rng.integers(0, n_clusters, size=(stop - start, n_clusters))
        replicates[start:stop] = sums[draw].sum(axis=1) / counts[draw].sum(axis=1)
    return replicates


def _bca_levels(
    replicates: np.ndarray, estimate: float, sums: np.ndarray, counts: np.ndarray, tail: float
) -> tuple[str, list[float] | None]:
    """The BCa-adjusted quantile levels, or why there are none."""
    tolerance = 1e-12 * max(1.0, abs(estimate))
    if np.ptp(replicates) <= tolerance:
        return "every resample gives the same mean", None
    below = np.count_nonzero(replicates < estimate - tolerance)
    ties = np.count_nonzero(np.abs(replicates - estimate) <= tolerance)
    share = (below + 0.5 * ties) / len(replicates)
    if share <= 0.0 or share >= 1.0:
        return "no resample falls on one side of the estimate", None
    z0 = float(ndtri(share))
    # Grouped jackknife: the mean without each cluster in turn.
    jackknife = (sums.sum() - sums) / (counts.sum() - counts)
    spread = jackknife.mean() - jackknife
    denominator = 6.0 * float(np.sum(spread**2)) ** 1.5
    if denominator <= 0.0:
        return "the jackknife has no spread", None
    acceleration = float(np.sum(spread**3)) / denominator
    levels = []
    for z in (ndtri(tail), ndtri(1.0 - tail)):
        shifted = z0 + z
        scale = 1.0 - acceleration * shifted
        if scale <= 0.0:
            return "the acceleration is too large for this level", None
        levels.append(float(ndtr(z0 + shifted / scale)))
    if not all(np.isfinite(levels)):
        return "the adjusted levels are undefined", None
    return "", levels
