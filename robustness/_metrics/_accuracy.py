"""Accuracy against labels, as MiVOLO's evaluation computes it (``FIELD.md`` §2).

What counts, exactly:

- A row *answered* when its outcome is ``answer`` or ``partial``. Only answered rows contribute a
  predicted age or gender; a value on a refusal, unparseable or error row is ignored, never used.
- Age metrics (MAE, CS@5, bias) use answered rows with a finite predicted age and a finite
  ``age_true``. For group labels ``age_true`` is the group midpoint the loader set.
- Age-group accuracy uses answered rows with a predicted age and a range label (``age_low`` and/or
  ``age_high``; a missing bound is open). The prediction is rounded half up to whole years and
  the bounds are inclusive.
- Gender accuracy uses answered rows with a predicted gender and a known ``gender_true``.
- Refusal rate is refusals / (rows − error rows): an error is the pipeline failing, not the model
  declining, so it is neither a refusal nor a chance to refuse. Only full refusals count; a partial
  answer is answered (``_refusals`` reports its refusal kind separately). The rates are rows of the
  metric table (``_definitions``); the per-item values they average are built here.

Every metric is ``None`` when nothing qualifies for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from robustness._metrics._bootstrap import cluster_key
from robustness._types import ItemResult

__all__ = [
    "ANSWERED",
    "Answer",
    "Interval",
    "Observations",
    "age_errors",
    "CS_TOLERANCE",
    "age_group_hits",
    "answered_count",
    "cs_at",
    "gender_hits",
    "in_age_group",
    "indicators",
    "mae",
    "mean_or_none",
    "predicted_age",
    "predicted_gender",
    "within",
]

ANSWERED = frozenset({"answer", "partial"})


@dataclass(frozen=True, slots=True)
class Observations:
    """Per-item values that a metric averages, each with the bootstrap cluster it came from."""

    values: np.ndarray
    clusters: tuple[str, ...]


# The 95 % interval of observations' mean, seeded by the statistic's name, for a "rate" (0/1
# values) or a "mean": ``([low, high] or None, method or None)``, as ``_intervals`` chooses.
Interval = Callable[[Observations, str, str], tuple[list[float] | None, str | None]]


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


class Answer(Protocol):
    """What an item row and a live ``Prediction`` share: enough to read an answer from."""

    @property
    def outcome(self) -> str: ...
    @property
    def age(self) -> float | None: ...
    @property
    def gender(self) -> str | None: ...


def predicted_age(row: Answer) -> float | None:
    """The row's predicted age if the model answered with a usable number, else ``None``."""
    if row.outcome in ANSWERED:  # ``_finite`` written out: this runs for every item, often
        age = row.age
        if age is not None and math.isfinite(age):
            return age
    return None


def predicted_gender(row: Answer) -> str | None:
    """The row's predicted gender if the model answered with one, else ``None``."""
    return row.gender if row.outcome in ANSWERED else None


def mean_or_none(values: Sequence[float] | np.ndarray) -> float | None:
    """Plain mean as a Python float, ``None`` for no values. Signed errors give the mean bias."""
    arr = np.asarray(values, dtype=float)
    return float(arr.mean()) if arr.size else None


def mae(errors: Sequence[float] | np.ndarray) -> float | None:
    """Mean absolute error of signed (or absolute) errors; ``None`` for no errors."""
    return mean_or_none(np.abs(np.asarray(errors, dtype=float)))


# MiVOLO's evaluation counts |error| <= 5 + 1e-6 on unrounded ages; so do we (``FIELD.md`` §2).
CS_TOLERANCE = 1e-6


def within(errors: Sequence[float] | np.ndarray, k: float = 5.0) -> np.ndarray:
    """1.0 / 0.0 per error: |error| <= k (+ ``CS_TOLERANCE``), predicted ages never rounded."""
    hits: np.ndarray = (np.abs(np.asarray(errors, dtype=float)) <= k + CS_TOLERANCE).astype(float)
    return hits


def cs_at(errors: Sequence[float] | np.ndarray, k: float = 5.0) -> float | None:
    """Cumulative score: share of errors with |error| <= k (a fraction); ``None`` for none."""
    return mean_or_none(within(errors, k))


def in_age_group(age: float, low: float | None, high: float | None) -> bool:
    """Whether ``age``, rounded half up, lies in [low, high]; a ``None`` bound is open."""
    years = math.floor(age + 0.5)
    return (low is None or years >= low) and (high is None or years <= high)


def age_errors(rows: Sequence[ItemResult]) -> Observations:
    """Signed errors (predicted − true) of the rows that have both ages."""
    errors: list[float] = []
    clusters: list[str] = []
    for row in rows:
        age, truth = predicted_age(row), _finite(row.age_true)
        if age is not None and truth is not None:
            errors.append(age - truth)
            clusters.append(cluster_key(row))
    return Observations(np.asarray(errors, dtype=float), tuple(clusters))


def gender_hits(rows: Sequence[ItemResult]) -> Observations:
    """1.0 / 0.0 per row that has both a predicted and a true gender."""
    hits: list[float] = []
    clusters: list[str] = []
    for row in rows:
        gender = predicted_gender(row)
        if gender is not None and row.gender_true is not None:
            hits.append(float(gender == row.gender_true))
            clusters.append(cluster_key(row))
    return Observations(np.asarray(hits, dtype=float), tuple(clusters))


def age_group_hits(rows: Sequence[ItemResult]) -> Observations:
    """1.0 / 0.0 per row with a predicted age and a range label."""
    return indicators(
        (row, in_age_group(age, _finite(row.age_low), _finite(row.age_high)))
        for row in rows
        if (age := predicted_age(row)) is not None
        and (_finite(row.age_low) is not None or _finite(row.age_high) is not None)
    )


def indicators(flags: Iterable[tuple[ItemResult, bool]]) -> Observations:
    """1.0 / 0.0 per (row, flag), each with the row's bootstrap cluster."""
    pairs = list(flags)
    return Observations(np.asarray([float(flag) for _, flag in pairs], dtype=float),
                        tuple(cluster_key(row) for row, _ in pairs))


def answered_count(rows: Sequence[ItemResult]) -> int:
    """How many rows the model answered, fully or partly."""
    return sum(row.outcome in ANSWERED for row in rows)
