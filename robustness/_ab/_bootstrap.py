"""A clustered BCa bootstrap interval for the mean paired difference.

The statistic is the mean of the per-pair differences d = B − A, i.e. sum(d) / count(d). Pairs of
one subject (or one sample, across replicates and repeats) are not independent evidence, so a
resample draws whole clusters with replacement and takes the ratio of the drawn sums, which weights
clusters of unequal size correctly (as ``robustness._metrics._bootstrap`` does for means).

BCa (Efron 1987) corrects the percentile interval for bias (``z0``) and skew (acceleration ``a``).
It is ``scipy.stats.bootstrap(method="BCa")`` over per-cluster sums and counts
(``robustness._metrics._bootstrap.cluster_bootstrap``), which gives exactly what this needs:

- ``z0 = Φ⁻¹(share of resamples below the estimate)``, ties with the estimate counted half
  (SciPy's "mean" percentile of score): integer ages make many resamples land exactly on it;
- ``a`` comes from the jackknife over the per-cluster totals, i.e. leave one *cluster* out, so
  the acceleration describes the same sampling unit the resample draws.

BCa is degenerate when every resample gives the same value, when no resample falls on one side of
the estimate (``z0`` infinite), or when SciPy's adjusted levels are undefined (NaN). Then the
percentile interval is returned and the reason is given in ``note``. Fewer than two clusters give
no interval at all: one cluster says nothing about spread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .._metrics import cluster_bootstrap

__all__ = ["Interval", "clustered_bca"]


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
    percentile = cluster_bootstrap(values, clusters, n_boot=n_boot, rng=rng, level=level)
    if percentile is None:
        return None
    low, high = (float(percentile.confidence_interval.low),
                 float(percentile.confidence_interval.high))
    reason = _degenerate(percentile.bootstrap_distribution, values)
    if reason is None:
        # The same resamples, BCa-adjusted: SciPy adds the grouped jackknife's acceleration.
        bca = cluster_bootstrap(values, clusters, n_boot=n_boot, rng=rng, level=level,
                                method="BCa", bootstrap_result=percentile)
        bca_low, bca_high = bca.confidence_interval.low, bca.confidence_interval.high
        if np.isfinite(bca_low) and np.isfinite(bca_high):
            return Interval(float(bca_low), float(bca_high), "bca")
        reason = "the adjusted levels are undefined"
    return Interval(low, high, "percentile", f"BCa degenerate ({reason}); percentile interval")


def _degenerate(replicates: np.ndarray, values: Sequence[float] | np.ndarray) -> str | None:
    """Why BCa cannot be used on these resamples, or ``None`` when it can."""
    estimate = float(np.mean(np.asarray(values, dtype=float)))
    tolerance = 1e-12 * max(1.0, abs(estimate))
    if np.ptp(replicates) <= tolerance:
        return "every resample gives the same mean"
    # Ties with the estimate count half on each side, as SciPy's z0 counts them.
    if np.all(replicates > estimate + tolerance) or np.all(replicates < estimate - tolerance):
        return "no resample falls on one side of the estimate"
    return None
