"""Test–retest noise: how much a model's answer moves when the same question is simply asked again.

Within one summary block (one model, prompt and condition) rows group by (sample, replicate); a
group's repeats are its rows of distinct ``repeat`` index (the first row wins if an index repeats).
A block has a ``retest`` figure only when some group has at least two repeats; otherwise ``None``:

- ``repeats``: the most repeats any group has.
- ``groups``: groups with at least two usable predicted ages, the ones ``age_sd_mean`` averages.
- ``age_sd_mean``: mean over those groups of the population SD (ddof 0) of their ages.
- ``age_sd_mean_ci``: cluster-bootstrap interval of that mean (one value per group).
- ``age_diff_mean``: mean over those groups of the mean |difference| between two of their ages
  (every pair): the same kind of figure as a condition's ``age_shift_mean``, for re-asking.
- ``gender_change_rate``: share of groups with at least two predicted genders whose genders are
  not all the same; ``gender_n`` counts those groups, ``gender_change_rate_ci`` is its interval
  (a rate's, as ``_intervals`` chooses), and ``ci_method`` names both intervals' methods.

Refused, unparseable and errored repeats are dropped, never imputed. A condition row's
``age_shift_mean_vs_retest`` is its ``age_shift_mean`` over the ``age_diff_mean`` of its prompt's
clean block: about 1 when a perturbation moves answers no more than asking again does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from robustness._metrics._accuracy import (
    Interval,
    Observations,
    mean_or_none,
    predicted_age,
    predicted_gender,
)
from robustness._metrics._bootstrap import cluster_key
from robustness._types import ItemResult

__all__ = ["population_sd", "retest", "shift_vs_retest"]


def population_sd(values: Sequence[float]) -> float:
    """Population SD (ddof 0) as a Python float; exactly 0.0 when all values are equal.

    The equality check keeps rounding in the mean (three times 0.1 is not 0.3) from turning
    identical answers into a tiny non-zero spread.
    """
    if max(values) == min(values):
        return 0.0
    return float(np.std(np.asarray(values, dtype=float)))


def _repeats_by_group(rows: Sequence[ItemResult]) -> dict[tuple[str, int], dict[int, ItemResult]]:
    groups: dict[tuple[str, int], dict[int, ItemResult]] = {}
    for row in rows:
        groups.setdefault((row.sample_id, row.replicate), {}).setdefault(row.repeat, row)
    return groups


def retest(rows: Sequence[ItemResult], interval: Interval) -> dict[str, Any] | None:
    """The block's test–retest figure (module docstring), ``None`` without repeats."""
    groups = _repeats_by_group(rows)
    most = max((len(repeats) for repeats in groups.values()), default=0)
    if most < 2:
        return None
    ages_by_group: list[list[float]] = []
    clusters: list[str] = []
    changes: list[float] = []
    change_clusters: list[str] = []
    for key in sorted(groups):  # sorted: the figures do not depend on the order of the rows
        repeats = [groups[key][index] for index in sorted(groups[key])]
        ages = [age for row in repeats if (age := predicted_age(row)) is not None]
        genders = [gender for row in repeats if (gender := predicted_gender(row)) is not None]
        if len(ages) >= 2:
            ages_by_group.append(ages)
            clusters.append(cluster_key(repeats[0]))
        if len(genders) >= 2:
            changes.append(float(len(set(genders)) > 1))
            change_clusters.append(cluster_key(repeats[0]))
    spreads, diffs = _spreads_and_differences(ages_by_group)
    spread_ci, spread_method = interval(
        Observations(np.asarray(spreads, dtype=float), tuple(clusters)), "retest_age_sd_mean",
        "mean")
    change_ci, change_method = interval(
        Observations(np.asarray(changes, dtype=float), tuple(change_clusters)),
        "retest_gender_change_rate", "rate")
    return {
        "repeats": most,
        "groups": len(spreads),
        "age_sd_mean": mean_or_none(spreads),
        "age_sd_mean_ci": spread_ci,
        "age_diff_mean": mean_or_none(diffs),
        "gender_change_rate": mean_or_none(changes),
        "gender_change_rate_ci": change_ci,
        "gender_n": len(changes),
        "ci_method": {"age_sd_mean": spread_method, "gender_change_rate": change_method},
    }


def _spreads_and_differences(groups: Sequence[Sequence[float]]) -> tuple[list[float], list[float]]:
    """``population_sd`` and the mean |difference| over every pair (each pair once) of each group
    of two or more ages.

    Computed for all groups of one size at once (a million-item run has ~200k groups): one row
    per group, reduced along the row as NumPy reduces a single group, so each value is the one
    ``population_sd`` gives (its exact 0.0 for equal ages included).
    """
    spreads = [0.0] * len(groups)
    diffs = [0.0] * len(groups)
    by_size: dict[int, list[int]] = {}
    for index, ages in enumerate(groups):
        by_size.setdefault(len(ages), []).append(index)
    for size, indices in by_size.items():
        values = np.asarray([groups[index] for index in indices], dtype=float)
        sds = np.std(values, axis=1)
        sds[values.max(axis=1) == values.min(axis=1)] = 0.0
        first, second = np.triu_indices(size, k=1)
        # C order: each group's pairs contiguous, so NumPy sums a row as it sums one group.
        means = np.ascontiguousarray(np.abs(values[:, first] - values[:, second])).mean(axis=1)
        for index, sd, mean in zip(indices, sds.tolist(), means.tolist(), strict=True):
            spreads[index], diffs[index] = sd, mean
    return spreads, diffs


def shift_vs_retest(
    age_shift_mean: float | None, clean_retest: Mapping[str, Any] | None
) -> float | None:
    """``age_shift_mean`` / the clean block's retest ``age_diff_mean``; ``None`` unless both exist.

    Both are mean |differences| between two answers to the same sample — one across the
    perturbation, one across re-asking — so pure sampling noise gives a ratio near 1, and a ratio
    well above 1 means the perturbation moves answers more than asking again does. ``None`` when
    re-asking never moved the clean answers (difference 0): any shift is then the perturbation's.
    """
    if age_shift_mean is None or clean_retest is None:
        return None
    noise = clean_retest["age_diff_mean"]
    if noise is None or noise == 0.0 or not math.isfinite(age_shift_mean / noise):
        return None
    return float(age_shift_mean / noise)
