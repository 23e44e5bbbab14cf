"""What each A/B row compares, and which pairs count for it.

Every measure yields, for the eligible pairs of one condition, A's value, B's value and the pair's
cluster. A pair is eligible only when *both* arms produced what the measure needs, so the two arms
are always averaged over the same questions (an arm that refuses more must not get an easier MAE):

============  ========================================================  ================  =======
metric        eligible pairs                                            value per arm     better
============  ========================================================  ================  =======
mae           both answered with a usable age, and the age label is     |age − label|     lower
              known
gender_acc    both answered with a gender, and the gender label is      1 if correct      higher
              known
refusal_rate  both were asked: neither item is an ``error`` (a           1 if refused      lower
              pipeline failure is no chance to refuse)
age_shift     perturbed pairs whose sample's clean pair (same repeat,   |age − clean age| lower
              replicate 0) exists, all four answers with an age
============  ========================================================  ================  =======

"Answered" follows the metrics module: outcome ``answer`` or ``partial``; a refused answer is
never imputed. ``age_shift`` needs no label, so it is the one comparison an unlabelled folder has
besides refusals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from robustness._ab._pairs import Pair
from robustness._metrics._accuracy import predicted_age, predicted_gender

__all__ = ["MEASURES", "CleanIndex", "Measure", "Paired", "index_clean"]

CleanIndex = Mapping[tuple[str, int], Pair]


@dataclass(frozen=True, slots=True)
class Paired:
    """A's and B's values over the eligible pairs, and each pair's cluster."""

    a: np.ndarray
    b: np.ndarray
    clusters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Measure:
    """One compared quantity: its name, its kind, which way is better, how to extract it."""

    name: str
    binary: bool
    higher_is_better: bool
    extract: Callable[[Sequence[Pair], CleanIndex], Paired]


def index_clean(pairs: Sequence[Pair]) -> dict[tuple[str, int], Pair]:
    """Clean replicate-0 pairs by (sample, repeat): the reference of each perturbed pair."""
    index: dict[tuple[str, int], Pair] = {}
    for pair in pairs:
        row = pair.a
        if row.perturbation == "none" and row.severity == 0 and row.replicate == 0:
            index[(row.sample_id, row.repeat)] = pair
    return index


def _collect(values: list[tuple[float, float, str]]) -> Paired:
    a = np.asarray([v[0] for v in values], dtype=float)
    b = np.asarray([v[1] for v in values], dtype=float)
    return Paired(a, b, tuple(v[2] for v in values))


def _abs_errors(pairs: Sequence[Pair], clean: CleanIndex) -> Paired:
    values = []
    for pair in pairs:
        age_a, age_b = predicted_age(pair.a), predicted_age(pair.b)
        if age_a is not None and age_b is not None and pair.age_true is not None:
            values.append((abs(age_a - pair.age_true), abs(age_b - pair.age_true), pair.cluster))
    return _collect(values)


def _gender_correct(pairs: Sequence[Pair], clean: CleanIndex) -> Paired:
    values = []
    for pair in pairs:
        gender_a, gender_b = predicted_gender(pair.a), predicted_gender(pair.b)
        if gender_a is not None and gender_b is not None and pair.gender_true is not None:
            values.append((float(gender_a == pair.gender_true),
                           float(gender_b == pair.gender_true), pair.cluster))
    return _collect(values)


def _refused(pairs: Sequence[Pair], clean: CleanIndex) -> Paired:
    values = [
        (float(pair.a.outcome == "refusal"), float(pair.b.outcome == "refusal"), pair.cluster)
        for pair in pairs
        if pair.a.outcome != "error" and pair.b.outcome != "error"
    ]
    return _collect(values)


def _age_shift(pairs: Sequence[Pair], clean: CleanIndex) -> Paired:
    values = []
    for pair in pairs:
        if pair.a.perturbation == "none":
            continue
        reference = clean.get((pair.a.sample_id, pair.a.repeat))
        if reference is None:
            continue
        ages = [predicted_age(row) for row in (pair.a, reference.a, pair.b, reference.b)]
        if all(age is not None for age in ages):
            age_a, clean_a, age_b, clean_b = ages
            values.append((abs(age_a - clean_a), abs(age_b - clean_b), pair.cluster))  # type: ignore[operator]
    return _collect(values)


MEASURES: tuple[Measure, ...] = (
    Measure("mae", binary=False, higher_is_better=False, extract=_abs_errors),
    Measure("gender_acc", binary=True, higher_is_better=True, extract=_gender_correct),
    Measure("refusal_rate", binary=True, higher_is_better=False, extract=_refused),
    Measure("age_shift", binary=False, higher_is_better=False, extract=_age_shift),
)
