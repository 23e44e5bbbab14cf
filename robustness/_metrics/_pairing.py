"""The one pairing of a perturbed answer with its clean reference, and the one instability score.

Every consumer that compares an answer "with the clean answer" — the summary's |Δage| and flip
rate, the report's rankings and gallery, the pytest checks, ``robustness ab`` and the
counterexample search — pairs through this module, so they cannot disagree about a condition.

The rule:

- A row's **reference** is the clean row (perturbation ``"none"``, severity 0) of the same model,
  prompt, sample, input mode and repeat index, **replicate 0**. Repeats pair with their own repeat,
  so test–retest noise is not counted as a perturbation effect.
- **Replicates**: every replicate of a perturbed condition pairs with clean replicate 0 (the clean
  image does not depend on the replicate); a clean row of another replicate is never a reference.
  Were a reference key to occur twice (a store holds one prediction per planned item, so it
  should not), the first row in the order given wins.
- A pair counts towards the **age shift** when both rows were answered with a usable age, and
  towards the **gender flip** when both have a predicted gender; a side that refused, errored or
  was unparseable drops the pair, never imputed (``FIELD.md`` §6).

The **instability score** of a set of pairs is mean |Δage| + ``FLIP_WEIGHT_YEARS`` × flip rate: a
gender flip weighs as much as a 5-year move. Samples and conditions are ranked by it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from robustness._metrics._accuracy import Answer, predicted_age, predicted_gender
from robustness._metrics._bootstrap import cluster_key
from robustness._types import ItemResult

__all__ = [
    "FLIP_WEIGHT_YEARS",
    "Move",
    "Pairing",
    "ReferenceKey",
    "clean_references",
    "compare_answers",
    "instability",
    "is_clean",
    "least_stable_samples",
    "moves",
    "pairs_instability",
    "reference_key",
    "sample_instability",
]

# A gender flip weighs as much as a move of this many years when ranking instability.
FLIP_WEIGHT_YEARS = 5.0

ReferenceKey = tuple[str, str, str, str, int]  # (model, prompt, sample, input mode, repeat)


def is_clean(row: ItemResult) -> bool:
    """Whether the row is of the clean condition."""
    return row.perturbation == "none" and row.severity == 0


def reference_key(row: ItemResult) -> ReferenceKey:
    """What a row shares with its clean reference."""
    return (row.model, row.prompt, row.sample_id, row.input_mode, row.repeat)


def clean_references(rows: Iterable[ItemResult]) -> dict[ReferenceKey, ItemResult]:
    """The clean replicate-0 rows by ``reference_key``; the first wins if a key repeats."""
    index: dict[ReferenceKey, ItemResult] = {}
    for row in rows:
        if is_clean(row) and row.replicate == 0:
            index.setdefault(reference_key(row), row)
    return index


@dataclass(frozen=True, slots=True)
class Move:
    """A perturbed row against its clean reference: how far the age moved, whether gender flipped.

    ``shift`` is |age − clean age| (``None`` unless both have an age); ``flip`` is 1.0 / 0.0
    (``None`` unless both have a gender); ``reference`` is ``None`` when no clean row exists.
    """

    row: ItemResult
    reference: ItemResult | None
    shift: float | None
    flip: float | None

    @property
    def cluster(self) -> str:
        return cluster_key(self.row)


def moves(
    rows: Iterable[ItemResult], references: Mapping[ReferenceKey, ItemResult]
) -> list[Move]:
    """One ``Move`` per perturbed row of ``rows`` (clean rows are skipped), in their order."""
    found: list[Move] = []
    # A reference serves every perturbed row of its sample: read its answer once.
    readings: dict[int, _Reading] = {}
    for row in rows:
        if is_clean(row):
            continue
        reference = references.get(reference_key(row))
        if reference is None:
            found.append(Move(row, None, None, None))
            continue
        base = readings.get(id(reference))
        if base is None:
            base = readings[id(reference)] = _reading(reference)
        found.append(Move(row, reference, *_compare(_reading(row), base)))
    return found


class Pairing:
    """Every perturbed row of one set of rows against its clean reference, paired once.

    A summary reads the same pairs per condition, pooled per model and prompt, per slice and in
    its report's gallery; at a million rows pairing them again for each costs seconds apiece.
    """

    def __init__(self, rows: Iterable[ItemResult]) -> None:
        rows = list(rows)
        self.references = clean_references(rows)
        self.all = moves(rows, self.references)
        # Moves hold their rows, so no id here can be reused by another row while this lives.
        self._by_row = {id(move.row): move for move in self.all}

    def moves(self, rows: Iterable[ItemResult]) -> list[Move]:
        """``moves(rows, self.references)``: the pairs already made; a row not among those paired
        is paired now."""
        found = []
        for row in rows:
            if is_clean(row):
                continue
            move = self._by_row.get(id(row))
            found.append(move if move is not None else moves([row], self.references)[0])
        return found


_Reading = tuple[float | None, str | None]  # (predicted age, predicted gender)


def _reading(answer: Answer) -> _Reading:
    return predicted_age(answer), predicted_gender(answer)


def _compare(answer: _Reading, reference: _Reading) -> tuple[float | None, float | None]:
    shift = flip = None
    if answer[0] is not None and reference[0] is not None:
        shift = abs(answer[0] - reference[0])
    if answer[1] is not None and reference[1] is not None:
        flip = float(answer[1] != reference[1])
    return shift, flip


def compare_answers(answer: Answer, reference: Answer) -> tuple[float | None, float | None]:
    """(|age − reference age|, 1.0 / 0.0 gender flipped) of one answer against its reference;
    each ``None`` unless both sides answered with that value. Rows and live predictions alike."""
    return _compare(_reading(answer), _reading(reference))


def instability(shift_mean: float | None, flip_rate: float | None) -> float | None:
    """Mean |Δage| + ``FLIP_WEIGHT_YEARS`` × flip rate; ``None`` when neither is defined."""
    if shift_mean is None and flip_rate is None:
        return None
    return (shift_mean or 0.0) + FLIP_WEIGHT_YEARS * (flip_rate or 0.0)


def pairs_instability(group: Sequence[Move]) -> float | None:
    """The instability score of a group of pairs (one sample, one condition, …)."""
    shifts = [m.shift for m in group if m.shift is not None]
    flips = [m.flip for m in group if m.flip is not None]
    return instability(sum(shifts) / len(shifts) if shifts else None,
                       sum(flips) / len(flips) if flips else None)


def sample_instability(pairs: Iterable[Move]) -> dict[str, float]:
    """Each sample's instability score over its pairs (samples with no usable pair left out)."""
    by_sample: dict[str, list[Move]] = {}
    for move in pairs:
        by_sample.setdefault(move.row.sample_id, []).append(move)
    scores = {sample: pairs_instability(group) for sample, group in by_sample.items()}
    return {sample: score for sample, score in scores.items() if score is not None}


def least_stable_samples(
    pairs: Iterable[Move], count: int | None = None
) -> list[tuple[str, float]]:
    """Samples by instability score, highest first, with their scores.

    Scores equal to 1e-9 tie (two sums of the same numbers in another order may differ in the
    last bit), and ties go by sample id, so the ranking does not depend on the rows' order.
    """
    ranked = sorted(sample_instability(pairs).items(),
                    key=lambda item: (-round(item[1], 9), item[0]))
    return ranked if count is None else ranked[:count]
