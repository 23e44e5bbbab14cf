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
age_shift     perturbed pairs where both arms' answers have a shift from  |age − clean age| lower
              their own arm's clean reference (``_metrics`` pairing)
============  ========================================================  ================  =======

"Answered" follows the metrics module: outcome ``answer`` or ``partial``; a refused answer is
never imputed. The clean reference of each arm's answer is the one ``robustness._metrics`` pairs it
with (same model, prompt, sample, input mode, repeat; clean replicate 0), so an arm's |Δage| here is
the summary's whenever both arms answered the same items. ``age_shift`` needs no label, so it is
the one comparison an unlabelled folder has besides refusals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from robustness._ab._pairs import Pair
from robustness._metrics import (
    ReferenceKey,
    clean_references,
    moves,
    predicted_age,
    predicted_gender,
)
from robustness._types import ItemResult

__all__ = ["MEASURES", "CleanIndex", "Measure", "Paired", "index_clean"]

# Each arm's clean references, as ``_metrics`` pairs them: (arm A's, arm B's).
CleanIndex = tuple[Mapping[ReferenceKey, ItemResult], Mapping[ReferenceKey, ItemResult]]


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


def index_clean(a: Sequence[ItemResult], b: Sequence[ItemResult]) -> CleanIndex:
    """Each arm's clean references, from all of its items (paired or not)."""
    return clean_references(a), clean_references(b)


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
    perturbed = [pair for pair in pairs if pair.a.perturbation != "none"]
    moves_a = moves([pair.a for pair in perturbed], clean[0])
    moves_b = moves([pair.b for pair in perturbed], clean[1])
    return _collect([(move_a.shift, move_b.shift, pair.cluster)
                     for pair, move_a, move_b in zip(perturbed, moves_a, moves_b, strict=True)
                     if move_a.shift is not None and move_b.shift is not None])


MEASURES: tuple[Measure, ...] = (
    Measure("mae", binary=False, higher_is_better=False, extract=_abs_errors),
    Measure("gender_acc", binary=True, higher_is_better=True, extract=_gender_correct),
    Measure("refusal_rate", binary=True, higher_is_better=False, extract=_refused),
    Measure("age_shift", binary=False, higher_is_better=False, extract=_age_shift),
)
