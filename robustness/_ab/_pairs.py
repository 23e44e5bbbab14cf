"""Pairing two arms' items: the same question (sample, condition, repeat) answered by A and by B.

An A/B comparison is only as honest as its pairing. Items are matched on
``(sample_id, perturbation, severity, replicate, repeat)``; model and prompt are what differ
between the arms, so they are not part of the key. Items present in one arm only are counted and
reported, never silently dropped, and an arm holding two items for one key is an error: it would
mean two models or prompts were mixed into one arm, and any pairing of them would be arbitrary.

Labels come from the dataset, so both arms normally agree on them. Where they do not (two runs
over different label files), the pair keeps its answers but is treated as unlabelled, and the
disagreement is counted: accuracy against a label one arm does not share would be meaningless.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from robustness._exceptions import ConfigError
from robustness._metrics import cluster_key
from robustness._types import Gender, ItemResult

__all__ = ["Pair", "PairKey", "Pairing", "pair_items", "pair_key"]

PairKey = tuple[str, str, int, int, int]


def pair_key(row: ItemResult) -> PairKey:
    """What A's and B's answers to the same question share."""
    return (row.sample_id, row.perturbation, row.severity, row.replicate, row.repeat)


@dataclass(frozen=True, slots=True)
class Pair:
    """A's and B's answers to one question, the label both arms agree on, its bootstrap cluster."""

    a: ItemResult
    b: ItemResult
    age_true: float | None
    gender_true: Gender | None
    cluster: str

    @property
    def condition(self) -> tuple[str, int]:
        """The (perturbation, severity) the pair belongs to; replicates pool within it."""
        return (self.a.perturbation, self.a.severity)


@dataclass(frozen=True, slots=True)
class Pairing:
    """The pairs, in A's order, and what could not be paired."""

    pairs: tuple[Pair, ...]
    a_only: int
    b_only: int
    label_conflicts: int


def pair_items(a: Sequence[ItemResult], b: Sequence[ItemResult]) -> Pairing:
    """Match A's items with B's by ``pair_key``; raises ``ConfigError`` on a duplicate key."""
    index_b = _index(b, "B")
    index_a = _index(a, "A")
    pairs: list[Pair] = []
    conflicts = 0
    for key, row_a in index_a.items():
        row_b = index_b.get(key)
        if row_b is None:
            continue
        age, gender, agreed = _shared_label(row_a, row_b)
        conflicts += not agreed
        # A's subject decides the cluster: with agreeing labels both arms carry the same one.
        pairs.append(Pair(row_a, row_b, age, gender, cluster_key(row_a)))
    return Pairing(
        pairs=tuple(pairs),
        a_only=sum(key not in index_b for key in index_a),
        b_only=sum(key not in index_a for key in index_b),
        label_conflicts=conflicts,
    )


def _index(rows: Sequence[ItemResult], arm: str) -> dict[PairKey, ItemResult]:
    index: dict[PairKey, ItemResult] = {}
    for row in rows:
        key = pair_key(row)
        if key in index:
            raise ConfigError(
                f"arm {arm} holds two items for (sample, perturbation, severity, replicate, "
                f"repeat) = {key!r} (models {index[key].model!r}/{row.model!r}, prompts "
                f"{index[key].prompt!r}/{row.prompt!r}); give each arm one model and one prompt"
            )
        index[key] = row
    return index


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _shared_label(a: ItemResult, b: ItemResult) -> tuple[float | None, Gender | None, bool]:
    """The label both arms agree on, and whether they agreed at all."""
    age_a, age_b = _finite(a.age_true), _finite(b.age_true)
    if age_a != age_b or a.gender_true != b.gender_true:
        return None, None, False
    return age_a, a.gender_true, True
