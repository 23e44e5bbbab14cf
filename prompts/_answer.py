"""``ParsedAnswer``: what one MLLM answer says about age and gender, checked at construction."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

from ._age import MAX_AGE, MIN_AGE
from ._gender import Gender
from ._refusal import REFUSAL_KINDS, RefusalKind

__all__ = ["ALL_ASKS", "ASKABLE", "OUTCOMES", "Field", "Outcome", "ParsedAnswer"]

Outcome = Literal["answer", "partial", "refusal", "unparseable"]
OUTCOMES: Final[tuple[Outcome, ...]] = ("answer", "partial", "refusal", "unparseable")
Field = Literal["age", "gender"]
ASKABLE: Final[tuple[Field, ...]] = ("age", "gender")
ALL_ASKS: Final[tuple[Field, ...]] = ASKABLE  # what a prompt asks when nothing says otherwise


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    """How one answer was read.

    Attributes:
        age: Point estimate in years (a range's midpoint; an open range's stated bound), or
            ``None``.
        age_low: Lower end of a stated range ("25-30", "late twenties", "70+"), else ``None``.
        age_high: Upper end of that range ("under 18" has only this one), else ``None``. An
            open range keeps its one stated bound and no invented other one.
        gender: ``"male"``, ``"female"`` or ``None`` (not stated, ambiguous, or refused).
        outcome: ``answer`` (every asked field), ``partial`` (some), ``refusal`` (none, with a
            refusal signal) or ``unparseable`` (none, and no refusal signal). A field that was
            not asked is kept when the answer states it, and counts for nothing.
        refusal_kind: Why something is missing: ``api_refusal``, ``content_filter``, ``policy``,
            ``cannot_determine`` or ``hedged``; ``None`` for answers, for partials whose missing
            field was simply not mentioned, and for unparseable text.
        asks: The fields the prompt asked for, in ``ASKABLE`` order.

    Raises:
        ValueError: When the fields contradict each other or the outcome, quoting the value.
    """

    age: float | None = None
    age_low: float | None = None
    age_high: float | None = None
    gender: Gender | None = None
    outcome: Outcome = "unparseable"
    refusal_kind: RefusalKind | None = None
    asks: tuple[Field, ...] = ALL_ASKS

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, got {self.outcome!r}")
        if self.gender not in (None, "male", "female"):
            raise ValueError(f"gender must be 'male', 'female' or None, got {self.gender!r}")
        if self.refusal_kind is not None and self.refusal_kind not in REFUSAL_KINDS:
            raise ValueError(f"refusal_kind must be one of {', '.join(REFUSAL_KINDS)} or None, "
                             f"got {self.refusal_kind!r}")
        if not self.asks or any(f not in ASKABLE for f in self.asks) or tuple(
            sorted(set(self.asks), key=ASKABLE.index)
        ) != self.asks:
            raise ValueError(f"asks must be a non-empty subset of {ASKABLE!r} in that order, "
                             f"got {self.asks!r}")
        self._check_ages()
        found = sum(getattr(self, field) is not None for field in self.asks)
        if self.outcome == "answer":
            fits = found == len(self.asks)
        elif self.outcome == "partial":
            fits = 0 < found < len(self.asks)
        else:
            fits = found == 0
        if not fits:
            raise ValueError(f"outcome {self.outcome!r} does not fit age={self.age!r}, "
                             f"gender={self.gender!r}")
        kind_required = {"answer": False, "refusal": True, "unparseable": False}
        if kind_required.get(self.outcome, self.refusal_kind is not None) != (
            self.refusal_kind is not None
        ):
            raise ValueError(f"outcome {self.outcome!r} does not fit "
                             f"refusal_kind={self.refusal_kind!r}")

    def _check_ages(self) -> None:
        for name in ("age", "age_low", "age_high"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and MIN_AGE <= value <= MAX_AGE):
                raise ValueError(f"{name} must be within {MIN_AGE:g}-{MAX_AGE:g} years, "
                                 f"got {value!r}")
        if self.age_low is None and self.age_high is None:
            return
        low = self.age_low if self.age_low is not None else MIN_AGE
        high = self.age_high if self.age_high is not None else MAX_AGE
        if self.age is None or not low <= self.age <= high:
            raise ValueError(f"age must lie within age_low-age_high, got {self.age!r} outside "
                             f"{self.age_low!r}-{self.age_high!r}")
