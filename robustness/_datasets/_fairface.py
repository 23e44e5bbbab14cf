"""FairFace label files: ``file, age, gender, race, service_test`` with age groups.

Age groups ``a-b`` (``0-2``, ``3-9``, ``20-29``) become a closed group with its midpoint as ``age``.
The open group ``more than 70`` becomes ``age_low=70, age_high=120`` (120: about the longest human
life span, so age-group accuracy counts any prediction of 70 or more as right) with ``age=None``:
a midpoint of 95 would be a made-up point label that inflates MAE, so these samples count for
age-group accuracy but not for MAE. ``race``, ``service_test`` and any other column go to
``extras``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from .._exceptions import DatasetError
from .._types import Sample
from ._table import read_table, samples_from_table
from ._values import (
    FAIRFACE_GENDERS,
    AgeLabel,
    BadValue,
    Labels,
    age_group,
    parse_gender,
    point_age,
)

__all__ = ["OPEN_GROUP_HIGH", "load_fairface", "parse_fairface_age"]

OPEN_GROUP_HIGH: Final = 120.0

_GROUP: Final = re.compile(r"(\d+)\s*-\s*(\d+)")
_OPEN_GROUP: Final = re.compile(r"(?:more than\s*(\d+)|(\d+)\s*\+)", re.IGNORECASE)
_POINT: Final = re.compile(r"\d+(?:\.\d+)?")


def parse_fairface_age(text: str) -> AgeLabel:
    """``20-29`` → group; ``more than 70`` / ``70+`` → open group; a bare number → point age."""
    text = text.strip()
    if text == "":
        return AgeLabel()
    if match := _GROUP.fullmatch(text):
        return age_group(match[1], match[2], text=text)
    if match := _OPEN_GROUP.fullmatch(text):
        low = float(match[1] or match[2])
        if low > OPEN_GROUP_HIGH:
            raise BadValue(f"age group {text!r} starts above {OPEN_GROUP_HIGH:g}")
        return AgeLabel(age=None, low=low, high=OPEN_GROUP_HIGH)
    if _POINT.fullmatch(text):
        return AgeLabel(age=point_age(text))
    raise BadValue(f"age {text!r} is not a FairFace age group (like '20-29' or 'more than 70')")


def load_fairface(path: Path, *, root: Path) -> list[Sample]:
    """Read a FairFace label CSV; image paths (``val/1.jpg``) are relative to the CSV's folder.

    Raises:
        DatasetError: the file cannot be read or has no ``file`` column.
    """
    table = read_table(path)
    file_column = table.column("file")
    if file_column is None:
        raise DatasetError(f"{path}: no 'file' column; columns are {list(table.columns)}")
    age_column, gender_column = table.column("age"), table.column("gender")
    known = {file_column, age_column, gender_column}
    extra_columns = [column for column in table.columns if column not in known]

    def labels_of(cells: Mapping[str, str]) -> Labels:
        return Labels(
            age=parse_fairface_age(cells[age_column]) if age_column else AgeLabel(),
            gender=parse_gender(cells[gender_column], FAIRFACE_GENDERS) if gender_column else None,
            extras={column: cells[column] for column in extra_columns},
        )

    return samples_from_table(
        table, root=root, image_of=lambda cells: cells.get(file_column), labels_of=labels_of
    )
