"""Pure parsers for the cells of annotation rows: ages, age groups, genders, boxes.

Every parser either returns a clean value or raises :class:`BadValue` with a message that quotes
the offending text; the row loop adds the ``file:line`` prefix. Nothing here touches the disk.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from .._types import Box, Gender

__all__ = [
    "ADIENCE_GENDERS",
    "CSV_GENDERS",
    "FAIRFACE_GENDERS",
    "MAX_AGE",
    "MIVOLO_GENDERS",
    "AgeLabel",
    "BadValue",
    "Labels",
    "age_group",
    "parse_age",
    "parse_box",
    "parse_gender",
    "point_age",
]

# No person is older than ~122; anything above this is a typo or a unit mix-up, not an age.
MAX_AGE: Final = 150.0

# Gender vocabularies, looked up case-insensitively. ``None`` means "known to be unlabelled".
# ``-1`` is MiVOLO's "missing" marker; generic CSVs reuse it, so both accept it.
CSV_GENDERS: Final[Mapping[str, Gender | None]] = {
    "male": "male", "m": "male", "female": "female", "f": "female",
    "": None, "-1": None, "u": None, "unknown": None,
}
MIVOLO_GENDERS: Final[Mapping[str, Gender | None]] = {
    "m": "male", "f": "female", "": None, "-1": None,
}
FAIRFACE_GENDERS: Final[Mapping[str, Gender | None]] = {
    "male": "male", "female": "female", "": None,
}
ADIENCE_GENDERS: Final[Mapping[str, Gender | None]] = {
    "m": "male", "f": "female", "u": None, "": None,
}


class BadValue(ValueError):
    """One cell (or one row) cannot be used; the message quotes the value."""


@dataclass(frozen=True, slots=True)
class AgeLabel:
    """A point age, a closed group ``[low, high]`` with its midpoint, or nothing."""

    age: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class Labels:
    """Everything a format reads from one row besides the image path."""

    age: AgeLabel = AgeLabel()
    gender: Gender | None = None
    face_box: Box | None = None
    person_box: Box | None = None
    subject_id: str | None = None
    extras: Mapping[str, str] = field(default_factory=dict)


def _number(text: str, *, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadValue(f"{what} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise BadValue(f"{what} {text!r} is not a finite number")
    if value < 0:
        raise BadValue(f"{what} {text!r} is negative")
    return value


def point_age(text: str, *, what: str = "age") -> float:
    """A non-negative, finite, plausible age in years."""
    value = _number(text, what=what)
    if value > MAX_AGE:
        raise BadValue(f"{what} {text!r} is above {MAX_AGE:g} years")
    return value


def age_group(low_text: str, high_text: str, *, text: str) -> AgeLabel:
    """A closed age group; ``age`` is its midpoint so MAE stays defined (see ``Sample``)."""
    low = point_age(low_text.strip(), what=f"age group {text!r}: lower bound")
    high = point_age(high_text.strip(), what=f"age group {text!r}: upper bound")
    if high < low:
        raise BadValue(f"age group {text!r} has its upper bound below its lower bound")
    return AgeLabel(age=(low + high) / 2, low=low, high=high)


def parse_age(text: str) -> AgeLabel:
    """MiVOLO/generic CSV age: a number, a group ``a;b``, or ``-1``/empty for unknown."""
    text = text.strip()
    if text == "":
        return AgeLabel()
    if ";" in text:
        low, _, high = text.partition(";")
        return age_group(low, high, text=text)
    try:
        if float(text) == -1:
            return AgeLabel()
    except ValueError:
        pass  # point_age below quotes the value
    return AgeLabel(age=point_age(text))


def parse_gender(text: str, vocabulary: Mapping[str, Gender | None]) -> Gender | None:
    """Look ``text`` up case-insensitively; an unknown word is an error, never a silent ``None``."""
    key = text.strip().lower()
    if key not in vocabulary:
        expected = ", ".join(repr(word) for word in vocabulary if word)
        raise BadValue(f"unknown gender {text!r} (expected {expected}, or empty)")
    return vocabulary[key]


def parse_box(cells: Sequence[str], *, what: str) -> Box | None:
    """Corners ``x0, y0, x1, y1``; all ``-1`` (or all empty) means no box."""
    texts = [cell.strip() for cell in cells]
    missing = [text in ("", "-1", "-1.0") for text in texts]
    if all(missing):
        return None
    if any(missing):
        raise BadValue(f"{what} box {','.join(texts)!r} is partly missing")
    x0, y0, x1, y1 = (_number(text, what=f"{what} box coordinate") for text in texts)
    if x1 <= x0 or y1 <= y0:
        raise BadValue(f"{what} box {','.join(texts)!r} is empty (needs x1 > x0 and y1 > y0)")
    return (x0, y0, x1, y1)
