"""Reading age and gender from a record: a YAML-ish list, a CSV-ish line or a table row.

Models asked for several attributes often answer with one short record per line — ``- male, 30,
asian, no, short, polo shirt`` — or a header line and a value line (``gender, age`` /
``female, 34``). A line is a record when it splits (on ``,`` ``;`` or tabs) into 2 to 12 short
cells (at most 4 words each) and either a cell is exactly a gender word or the line follows a
header naming ``age`` or ``gender``. In a record a bare number cell is the age; any other cell
is ignored. Two different genders in one record give none.
"""

from __future__ import annotations

import re

from ._age import Age, read_age_relaxed
from ._gender import GenderReading
from ._words import FEMALE_WORDS, MALE_WORDS

__all__ = ["read_record"]

_BULLET = re.compile(r"^\s*(?:[-*•·>]+|#|\(?[a-z0-9]{1,2}[.)])?\s*")
_SPLIT = re.compile(r"\s*(?:[,;\t]|\s/\s)\s*")
_SIDES = {word: "male" for word in MALE_WORDS} | {word: "female" for word in FEMALE_WORDS} | {
    "m": "male", "f": "female"}
_ARTICLE = re.compile(r"^(?:an?|the)\s+")
_AGE_CELL = re.compile(
    r"(?:(?:about|around|approximately|approx|~)\s*)?\d{1,3}(?:\s*(?:-|to)\s*\d{1,3})?\s*\+?"
    r"(?:\s*(?:years?(?:\s*old)?|yrs?|y/?o|ish))?|(?:early|mid|late)?[\s-]*\d0'?s"
)
_MAX_CELLS, _MAX_WORDS = 12, 4


def read_record(folded: str) -> tuple[Age | None, GenderReading] | None:
    """(age, gender) from the first record line that has either; ``None`` without one."""
    header: list[str] | None = None
    for line in folded.splitlines():
        cells = [cell.strip(" .\"'") for cell in _SPLIT.split(_BULLET.sub("", line.strip()))]
        if not 2 <= len(cells) <= _MAX_CELLS or any(
            len(cell.split()) > _MAX_WORDS for cell in cells
        ):
            header = None
            continue
        if {"age", "gender", "sex"} & set(cells):
            header = cells
            continue
        found = _read_cells(cells, header)
        if found is not None:
            return found
        header = None
    return None


def _read_cells(cells: list[str], header: list[str] | None) -> tuple[Age | None,
                                                                    GenderReading] | None:
    named = dict(zip(header, cells, strict=False)) if header and len(header) == len(cells) else {}
    genders = {_SIDES.get(_ARTICLE.sub("", cell)) for cell in cells} - {None}
    if "gender" in named or "sex" in named:
        genders = {_SIDES.get(_ARTICLE.sub("", named.get("gender", named.get("sex", ""))))} - {
            None}
    if not genders and not named:
        return None
    # Ignored below: the set holds only "male"/"female" (and no None); mypy reads str | None.
    gender: GenderReading = genders.pop() if len(genders) == 1 else None  # type: ignore[assignment]
    age_cells = [named["age"]] if "age" in named else [c for c in cells if _AGE_CELL.fullmatch(c)]
    age = read_age_relaxed(age_cells[0]) if len(age_cells) == 1 else None
    if age is None and gender is None:
        return None
    return age, gender
