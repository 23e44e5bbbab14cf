"""Which 95 % interval a figure gets, and the name of the method that produced it.

A rate (a share of 0/1 values) never gets a zero-width interval on finite n:

- **cluster bootstrap** (percentile, whole subjects resampled) when some subject has several
  items in the figure, so the items are not independent;
- **Clopper–Pearson** (exact binomial) when no subject repeats: every item is its own cluster
  and the exact interval is the honest one (56 of 56 correct is [93.6 %, 100 %], not [100, 100]);
- **Clopper–Pearson at the cluster count** when subjects repeat but the bootstrap degenerates
  (every resample gives the same rate, e.g. all correct) or there is a single cluster: the
  exact interval of the observed share with n = the number of clusters, wider than one over items
  because a subject's items are not independent evidence.

A mean (MAE, |Δage|, bias, SDs) gets the cluster bootstrap whenever two or more clusters
contribute; if every value is equal its interval has zero width and the method says so
(``cluster-bootstrap-degenerate``). With fewer than two clusters a mean has no interval.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from robustness._metrics._bootstrap import bootstrap_mean_ci

__all__ = ["LEVEL", "METHODS", "StatisticKind", "figure_interval", "interval_settings"]

LEVEL = 0.95

StatisticKind = Literal["rate", "mean"]

METHODS = {
    "cluster-bootstrap": "percentile interval of the cluster bootstrap (scipy.stats.bootstrap over "
                         "per-cluster sums and counts; whole subjects, else samples, resampled)",
    "cluster-bootstrap-degenerate": "cluster bootstrap whose every value is equal: zero width",
    "clopper-pearson": "exact binomial (Clopper-Pearson) interval over items; no subject has two "
                       "items in the figure",
    "clopper-pearson-clusters": "exact binomial (Clopper-Pearson) interval of the observed share "
                                "at n = number of clusters; the cluster bootstrap degenerated",
}


def _exact(successes: float, n: int) -> tuple[float, float]:
    """Clopper–Pearson: the beta quantiles statsmodels' ``proportion_confint(method="beta")``
    takes (``beta.ppf`` / ``beta.isf``), from SciPy's special functions directly: the same
    numbers (``tests/metrics/test_metrics_intervals.py`` pins them against statsmodels) without
    importing statsmodels and ``scipy.stats`` (2 s, half of an identical rerun of 4,000 items).
    An end is 0 or 1 when no or every item succeeded."""
    # Imported here: `import robustness` should not pay for SciPy.
    from scipy.special import betainccinv, betaincinv

    tail = (1.0 - LEVEL) / 2.0
    low = betaincinv(successes, n - successes + 1, tail) if successes > 0 else 0.0
    high = betainccinv(successes + 1, n - successes, tail) if successes < n else 1.0
    return float(np.nan_to_num(low, nan=0.0)), float(np.nan_to_num(high, nan=1.0))


def figure_interval(
    values: np.ndarray, clusters: tuple[str, ...], kind: StatisticKind, *, n_boot: int,
    rng: np.random.Generator,
) -> tuple[tuple[float, float] | None, str | None]:
    """The interval of the mean of ``values`` and its method name (module docstring)."""
    n = len(values)
    if n == 0:
        return None, None
    n_clusters = len(set(clusters))
    if kind == "rate" and n_clusters == n:
        return _exact(float(np.sum(values)), n), "clopper-pearson"
    interval = bootstrap_mean_ci(values, clusters, n_boot=n_boot, rng=rng, level=LEVEL)
    if interval is not None:
        low, high = interval
        if high > low:
            return (low, high), "cluster-bootstrap"
        if kind == "mean":
            return (low, high), "cluster-bootstrap-degenerate"
    if kind == "rate":
        return _exact(float(np.mean(values)) * n_clusters, n_clusters), "clopper-pearson-clusters"
    return None, None


def interval_settings(*, seed: int, n_boot: int) -> dict[str, object]:
    """What ``summary.json`` records about its intervals: level, methods, resamples, seed."""
    return {
        "level": LEVEL,
        "resamples": n_boot,
        "seed": seed,
        "cluster": "subject_id, else sample_id",
        "methods": dict(METHODS),
    }
