"""Paired significance tests, with the cluster (subject, else sample) as the independent unit.

Both tests assume independent pairs. Images of one person, replicates of one image and repeats of
one question are not independent, so each test first collapses the pairs of a cluster; with one
pair per cluster (the usual case: one image per subject, one replicate, one repeat) the tests are
exactly the textbook ones.

- Continuous losses (absolute age error, shift from the clean answer): Wilcoxon signed-rank on the
  per-cluster mean of d = loss_B − loss_A, ``zero_method="pratt"``. Integer ages make many d
  exactly zero. Pratt (1959) ranks the zeros with the rest and then leaves them out of the signed
  sums, with the null mean and variance adjusted for them (Cureton 1967), so the test stays exact
  under the null given the zeros; ``zsplit`` gives half of each zero's rank to either side, which
  overstates the null variance and makes the test conservative, and ``wilcox`` throws the zeros
  away before ranking. SciPy's ``method="auto"`` picks the exact distribution (no zeros or ties,
  n ≤ 50), an exhaustive sign-flip permutation (n ≤ 13) or the normal approximation.
- Binary outcomes (gender correct, refused): the exact sign test on the discordant units. With one
  pair per cluster this is the exact McNemar test, ``binomtest(b01, b01 + b10, 0.5)``; with larger
  clusters the unit is a cluster whose A/B counts differ, and the direction is which arm has more.

A row is *testable* when its test could reach ``alpha`` at all: with n informative units
(non-zero cluster differences, discordant units) the smallest two-sided exact p is 2 · 0.5ⁿ, so
n ≥ ceil(log2(2 / alpha)) — 6 at alpha 0.05. An untestable row still reports its p (1.0 when no
unit is informative: identical arms), but stays out of the Holm family, where it could only cost
the other rows power without ever being significant itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest, rankdata, wilcoxon

__all__ = [
    "WILCOXON_ZERO_METHOD",
    "TestOutcome",
    "min_informative",
    "paired_binary",
    "signed_rank",
]

WILCOXON_ZERO_METHOD = "pratt"

# Cluster means closer to zero than this are zero: 0.1 + 0.2 − 0.3 is not an age difference.
_ZERO = 1e-9


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """One test's result. ``direction`` is the sign of B − A that the test saw (−1, 0, +1)."""

    test: str
    p: float
    direction: int
    informative: int
    testable: bool
    b01: int | None = None
    b10: int | None = None


def min_informative(alpha: float) -> int:
    """The fewest informative units whose most extreme outcome has two-sided p ≤ alpha."""
    return max(1, math.ceil(math.log2(2.0 / alpha) - 1e-12))


def _cluster_codes(clusters: Sequence[str]) -> tuple[np.ndarray, int, bool]:
    """Integer cluster codes, the cluster count, and whether every cluster holds one pair."""
    _, codes, sizes = np.unique(np.asarray(clusters, dtype=str), return_inverse=True,
                                return_counts=True)
    return codes, len(sizes), bool(np.all(sizes == 1))


def signed_rank(diffs: np.ndarray, clusters: Sequence[str], *, alpha: float) -> TestOutcome:
    """Wilcoxon signed-rank (Pratt) on the per-cluster mean of ``diffs`` (B − A losses)."""
    codes, n_clusters, _ = _cluster_codes(clusters)
    means = np.bincount(codes, weights=diffs, minlength=n_clusters) / np.bincount(codes)
    d = np.where(np.abs(means) < _ZERO, 0.0, np.round(means, 9))
    nonzero = int(np.count_nonzero(d))
    # Pratt's signed sums: zeros take part in the ranking, then count for neither side.
    ranks = rankdata(np.abs(d))
    balance = float(ranks[d > 0].sum() - ranks[d < 0].sum())
    direction = int(np.sign(balance))
    if nonzero == 0:
        p = 1.0
    else:
        p = float(wilcoxon(d, zero_method=WILCOXON_ZERO_METHOD, method="auto").pvalue)
        p = min(1.0, max(0.0, p)) if math.isfinite(p) else 1.0
    return TestOutcome(
        test=f"wilcoxon-{WILCOXON_ZERO_METHOD}", p=p, direction=direction,
        informative=nonzero, testable=nonzero >= min_informative(alpha),
    )


def paired_binary(
    a: np.ndarray, b: np.ndarray, clusters: Sequence[str], *, alpha: float
) -> TestOutcome:
    """Exact McNemar (one pair per cluster) or exact cluster sign test on two 0/1 arrays."""
    a_flags, b_flags = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    b01 = int(np.count_nonzero(~a_flags & b_flags))
    b10 = int(np.count_nonzero(a_flags & ~b_flags))
    codes, n_clusters, singletons = _cluster_codes(clusters)
    if singletons:
        test, up, down = "mcnemar-exact", b01, b10
    else:
        per_cluster = np.bincount(codes, weights=b_flags.astype(float) - a_flags,
                                  minlength=n_clusters)
        test = "mcnemar-exact-clusters"
        up, down = int(np.count_nonzero(per_cluster > 0)), int(np.count_nonzero(per_cluster < 0))
    informative = up + down
    p = 1.0 if informative == 0 else float(binomtest(up, informative, 0.5).pvalue)
    return TestOutcome(
        test=test, p=min(1.0, p), direction=int(np.sign(up - down)), informative=informative,
        testable=informative >= min_informative(alpha), b01=b01, b10=b10,
    )
