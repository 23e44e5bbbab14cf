"""UTKFace: labels live in file names, ``{age}_{gender}_{race}_{datetime}.jpg[.chip.jpg]``.

Gender ``0`` = male, ``1`` = female; race ``0``–``4`` = White, Black, Asian, Indian, Others (the
dataset's own legend), kept in ``extras`` with the capture ``datetime``. Ages are apparent ages.
A name that does not parse (the real set has a few, e.g. ``39_1_20170116174525125.jpg.chip.jpg``
with no race) becomes a sample with ``error`` naming the file; it is never skipped silently.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from .._types import Gender, Sample
from ._folder import samples_from_files
from ._values import BadValue, point_age

__all__ = ["RACES", "load_utkface", "looks_like_utkface", "parse_utkface_name"]

RACES: Final = ("White", "Black", "Asian", "Indian", "Others")
_GENDERS: Final[dict[str, Gender]] = {"0": "male", "1": "female"}
# Loose shape used only to recognise a UTKFace folder; the strict parse is below.
_LOOKS_LIKE: Final = re.compile(r"\d{1,3}_[01]_\d")
_NAME: Final = re.compile(r"(?P<age>\d+)_(?P<gender>\d+)_(?P<race>\d+)_(?P<datetime>\d+)\..+")


def looks_like_utkface(name: str) -> bool:
    """True for names shaped like UTKFace's (used by format detection)."""
    return _LOOKS_LIKE.match(name) is not None


def parse_utkface_name(path: Path, sample_id: str) -> Sample:
    """The labelled sample for one UTKFace file; :class:`BadValue` if its name does not parse."""
    match = _NAME.fullmatch(path.name)
    if match is None:
        raise BadValue(
            f"file name {path.name!r} is not UTKFace's age_gender_race_datetime.jpg"
        )
    gender = _GENDERS.get(match["gender"])
    if gender is None:
        raise BadValue(f"gender {match['gender']!r} in file name {path.name!r} is not 0 or 1")
    race = int(match["race"])
    if race >= len(RACES):
        raise BadValue(f"race {match['race']!r} in file name {path.name!r} is not 0-4")
    return Sample(
        id=sample_id, image_path=path, age=point_age(match["age"]), gender=gender,
        extras={"race": match["race"], "race_name": RACES[race], "datetime": match["datetime"]},
        source=str(path),
    )


def load_utkface(root: Path) -> list[Sample]:
    """Labelled samples for every image under ``root`` (UTKFace's part1/part2/part3 included)."""
    return samples_from_files(root, parse_utkface_name)
