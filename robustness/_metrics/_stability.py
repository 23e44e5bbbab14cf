"""Stability: how far a perturbed prediction moves from the same sample's clean prediction.

Needs no labels. Each perturbed row is paired with the clean row (perturbation ``"none"``, severity
0, replicate 0) of the same model, prompt, sample and repeat index, so test–retest noise between
repeats is not counted as a perturbation effect. A pair contributes to the age shift when both rows
have a usable predicted age, and to the gender flip rate when both have a predicted gender; a
pair whose clean side refused or errored is dropped, never imputed (``FIELD.md`` §6).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from robustness._metrics._accuracy import Observations, predicted_age, predicted_gender
from robustness._metrics._bootstrap import cluster_key
from robustness._types import ItemResult

__all__ = ["CleanKey", "age_shifts", "clean_key", "gender_flips", "index_clean", "is_clean", "p90"]

CleanKey = tuple[str, str, str, int]


def is_clean(row: ItemResult) -> bool:
    """Whether the row is of the clean condition."""
    return row.perturbation == "none" and row.severity == 0


def clean_key(row: ItemResult) -> CleanKey:
    """What a perturbed row shares with its clean counterpart."""
    return (row.model, row.prompt, row.sample_id, row.repeat)


def index_clean(rows: Iterable[ItemResult]) -> dict[CleanKey, ItemResult]:
    """Clean replicate-0 rows by ``clean_key``; the first row wins if a key repeats."""
    index: dict[CleanKey, ItemResult] = {}
    for row in rows:
        if is_clean(row) and row.replicate == 0:
            index.setdefault(clean_key(row), row)
    return index


def age_shifts(
    rows: Sequence[ItemResult], clean: Mapping[CleanKey, ItemResult]
) -> Observations:
    """|age_perturbed − age_clean| for each row whose clean counterpart also has an age."""
    shifts: list[float] = []
    clusters: list[str] = []
    for row in rows:
        reference = clean.get(clean_key(row))
        age = predicted_age(row)
        base = predicted_age(reference) if reference is not None else None
        if age is not None and base is not None:
            shifts.append(abs(age - base))
            clusters.append(cluster_key(row))
    return Observations(np.asarray(shifts, dtype=float), tuple(clusters))


def gender_flips(
    rows: Sequence[ItemResult], clean: Mapping[CleanKey, ItemResult]
) -> Observations:
    """1.0 / 0.0 per row whose gender differs / agrees with its clean counterpart's."""
    flips: list[float] = []
    clusters: list[str] = []
    for row in rows:
        reference = clean.get(clean_key(row))
        gender = predicted_gender(row)
        base = predicted_gender(reference) if reference is not None else None
        if gender is not None and base is not None:
            flips.append(float(gender != base))
            clusters.append(cluster_key(row))
    return Observations(np.asarray(flips, dtype=float), tuple(clusters))


def p90(values: Sequence[float] | np.ndarray) -> float | None:
    """90th percentile (linear interpolation, NumPy's default); ``None`` for no values."""
    arr = np.asarray(values, dtype=float)
    return float(np.percentile(arr, 90)) if arr.size else None
