"""Cluster bootstrap confidence intervals for means, seeded per statistic.

Images of one person are not independent evidence: resampling single images would make the interval
too narrow. We resample whole clusters (a subject, or a sample when no subject is known) and take
the ratio of resampled sums, which weights clusters of unequal size correctly. The resampling is
``scipy.stats.bootstrap`` over per-cluster totals (one matrix of cluster indices per batch), so
1000 resamples over 10k items take milliseconds. The summary's percentile intervals come from
``bootstrap_mean_ci``: the same draws and numbers without SciPy's per-call checks, which
dominated a summary's thousand-odd intervals. Resamples are never capped: on cluster totals the
work per interval grows with the clusters (subjects, samples), not with the items, so a million
items cost what their few hundred subjects cost.

Randomness comes only from the ``Generator`` passed in; ``statistic_rng`` derives one from the run
seed and a stable key, so adding a model or condition never moves another statistic's interval.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from robustness._exceptions import ConfigError
from robustness._seeding import stable_hash
from robustness._types import ItemResult

__all__ = [
    "bootstrap_mean_ci",
    "cluster_bootstrap",
    "cluster_key",
    "cluster_totals",
    "statistic_rng",
]

# Cells in one resample matrix at most: memory stays flat (~16 MB) whatever the cluster count.
_CHUNK_CELLS = 2_000_000


def cluster_key(row: ItemResult) -> str:
    """The resampling unit of a row: its subject when known, else its sample.

    The prefixes keep a subject id from colliding with an unrelated sample id of the same text.
    """
    if row.subject_id is not None:
        return f"subject:{row.subject_id}"
    return f"sample:{row.sample_id}"


def statistic_rng(seed: int, *key: object) -> np.random.Generator:
    """A generator for one statistic, from the run seed and what names the statistic."""
    digest = stable_hash("bootstrap", seed, *key)
    return np.random.default_rng([int(digest[i : i + 8], 16) for i in range(0, 32, 8)])


def cluster_totals(
    values: Sequence[float] | np.ndarray, clusters: Sequence[str]
) -> tuple[np.ndarray, np.ndarray] | None:
    """Per-cluster sums and counts of ``values``, or ``None`` with fewer than two clusters.

    Cluster labels are sorted, so what is built on them does not depend on the rows' order.
    """
    vals = np.asarray(values, dtype=float)
    if vals.ndim != 1 or len(vals) != len(clusters):
        raise ValueError(f"need one cluster per value, got {vals.shape} values and {len(clusters)}")
    if len(vals) == 0:
        return None
    # Codes in sorted label order, as ``np.unique`` numbers them, without its string array.
    labels = sorted(set(clusters))
    if len(labels) < 2:
        return None
    number = {label: code for code, label in enumerate(labels)}
    codes = np.fromiter(map(number.__getitem__, clusters), dtype=np.intp, count=len(vals))
    sums = np.bincount(codes, weights=vals)
    return sums, np.bincount(codes).astype(float)


def cluster_bootstrap(
    values: Sequence[float] | np.ndarray,
    clusters: Sequence[str],
    *,
    n_boot: int,
    rng: np.random.Generator,
    level: float = 0.95,
    method: str = "percentile",
    bootstrap_result: Any = None,
) -> Any:
    """``scipy.stats.bootstrap`` of the mean of ``values``, resampling whole ``clusters``.

    The data handed to SciPy are the per-cluster sums and counts, paired, and the statistic is
    sum / count over the draw, so a resample draws whole clusters and a BCa jackknife leaves one
    cluster out. ``bootstrap_result`` reuses an earlier call's resamples (a BCa after a
    percentile, on the same draws); the return value is SciPy's ``BootstrapResult``. Resamples
    are drawn in batches of at most ``_CHUNK_CELLS`` cells, so memory stays flat. ``None`` with
    fewer than two clusters: one cluster says nothing about spread.
    """
    totals = _checked_totals(values, clusters, n_boot=n_boot, level=level)
    if totals is None:
        return None
    sums, counts = totals
    # Imported here: scipy.stats costs half a second, which every CLI start would pay.
    from scipy.stats import DegenerateDataWarning, bootstrap

    with warnings.catch_warnings():
        # A degenerate BCa comes back as NaN; the caller decides what to do about it.
        warnings.simplefilter("ignore", DegenerateDataWarning)
        return bootstrap(
            (sums, counts), _ratio, paired=True, vectorized=True, method=method,
            confidence_level=level, n_resamples=0 if bootstrap_result else n_boot,
            batch=max(1, _CHUNK_CELLS // len(sums)), rng=rng, bootstrap_result=bootstrap_result,
        )


def _checked_totals(
    values: Sequence[float] | np.ndarray, clusters: Sequence[str], *, n_boot: int, level: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """``cluster_totals`` after checking the resample count and the level."""
    if n_boot < 1:
        raise ConfigError(f"n_boot must be at least 1, got {n_boot!r}")
    if not 0.0 < level < 1.0:
        raise ConfigError(f"level must be strictly between 0 and 1, got {level!r}")
    return cluster_totals(values, clusters)


def _ratio(sums: np.ndarray, counts: np.ndarray, axis: int = -1) -> np.ndarray:
    ratio: np.ndarray = np.sum(sums, axis=axis) / np.sum(counts, axis=axis)
    return ratio


def bootstrap_mean_ci(
    values: Sequence[float] | np.ndarray,
    clusters: Sequence[str],
    *,
    n_boot: int,
    rng: np.random.Generator,
    level: float = 0.95,
) -> tuple[float, float] | None:
    """Percentile interval of the mean of ``values``, resampling whole ``clusters``.

    ``clusters[i]`` names the cluster of ``values[i]``. It is the interval ``cluster_bootstrap``
    gives, the same numbers without its overhead: a summary asks for over a thousand intervals
    (about a dozen figures per block, whatever the item count), and SciPy's per-call validation
    dominated them. The same estimator, step for
    step: the same draws from ``rng`` (``rng.integers(0, clusters, (batch, clusters))`` in the
    same batches, as SciPy's paired resampling draws indices), the same ratio of resampled sums,
    and SciPy's default ``quantile`` ("linear", Hyndman & Fan type 7) written out, so the
    interval is bit-identical (``tests/metrics/test_metrics_bootstrap.py`` pins that against
    ``scipy.stats.bootstrap``). Anything unusual (a NaN among the resampled ratios) is left to
    SciPy itself. ``None`` with fewer than two clusters.
    """
    totals = _checked_totals(values, clusters, n_boot=n_boot, level=level)
    if totals is None:
        return None
    sums, counts = totals
    state = rng.bit_generator.state  # to hand SciPy the same draws should it be needed
    batch = max(1, _CHUNK_CELLS // len(sums))
    draws = []
    for start in range(0, n_boot, batch):
        index = rng.integers(0, len(sums), size=(min(batch, n_boot - start), len(sums)),
                             dtype="int64")
        draws.append(_ratio(sums[index], counts[index]))
    ratios = np.concatenate(draws)
    if np.isnan(ratios).any():
        rng.bit_generator.state = state
        result = cluster_bootstrap(values, clusters, n_boot=n_boot, rng=rng, level=level)
        return float(result.confidence_interval.low), float(result.confidence_interval.high)
    alpha = np.asarray((1 - level) / 2, dtype=ratios.dtype)
    low, high = _linear_quantiles(np.sort(ratios), np.stack([alpha, 1 - alpha]))
    return float(low), float(high)


def _linear_quantiles(ordered: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``scipy.stats.quantile(x, p)`` (method "linear") of sorted, NaN-free ``ordered``."""
    n = len(ordered)
    position = p * n + (1 - p)
    upper = position // 1
    lower = upper - 1
    weight = position % 1
    weight[lower < 0] = 0
    lower = np.clip(lower, 0.0, n - 1).astype(np.int64)
    upper = np.clip(upper, 0.0, n - 1).astype(np.int64)
    quantiles: np.ndarray = (1 - weight) * ordered[lower] + weight * ordered[upper]
    return quantiles
