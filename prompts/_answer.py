"""``ParsedAnswer``: what one MLLM answer says about age and gender, checked at construction."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

from ._age import MAX_AGE, MIN_AGE
from ._gender import Gender
from ._refusal import REFUSAL_KINDS, RefusalKind

__all__ = ["OUTCOMES", "Outcome", "ParsedAnswer"]

Outcome = Literal["answer", "partial", "refusal", "unparseable"]
OUTCOMES: Final[tuple[Outcome, ...]] = ("answer", "partial", "refusal", "unparseable")


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    """How one answer was read.

    Attributes:
        age: Point estimate in years (a range's midpoint), or ``None``.
        age_low: Lower end of a stated range ("25-30", "late twenties"), else ``None``.
        age_high: Upper end of that range, else ``None``.
        gender: ``"male"``, ``"female"`` or ``None`` (not stated, ambiguous, or refused).
        outcome: ``answer`` (both fields), ``partial`` (one), ``refusal`` (none, with a refusal
            signal) or ``unparseable`` (none, and no refusal signal).
        refusal_kind: Why something is missing: ``api_refusal``, ``content_filter``, ``policy``,
            ``cannot_determine`` or ``hedged``; ``None`` for answers, for partials whose missing
            field was simply not mentioned, and for unparseable text.

    Raises:
        ValueError: When the fields contradict each other or the outcome, quoting the value.
    """

    age: float | None = None
    age_low: float | None = None
    age_high: float | None = None
    gender: Gender | None = None
    outcome: Outcome = "unparseable"
    refusal_kind: RefusalKind | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, got {self.outcome!r}")
        if self.gender not in (None, "male", "female"):
            raise ValueError(f"gender must be 'male', 'female' or None, got {self.gender!r}")
        if self.refusal_kind is not None and self.refusal_kind not in REFUSAL_KINDS:
            raise ValueError(f"refusal_kind must be one of {', '.join(REFUSAL_KINDS)} or None, "
                             f"got {self.refusal_kind!r}")
        self._check_ages()
        found = (self.age is not None) + (self.gender is not None)
        expected = {"answer": 2, "partial": 1, "refusal": 0, "unparseable": 0}[self.outcome]
        if found != expected:
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
        if (self.age_low is None) != (self.age_high is None):
            raise ValueError(f"age_low and age_high go together, got {self.age_low!r} and "
                             f"{self.age_high!r}")
        if self.age_low is not None and self.age_high is not None and not (
            self.age is not None and self.age_low <= self.age <= self.age_high
        ):
            raise ValueError(f"age must lie within age_low-age_high, got {self.age!r} outside "
                             f"{self.age_low!r}-{self.age_high!r}")
