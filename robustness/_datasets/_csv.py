"""Generic CSV and MiVOLO (LAGENDA / IMDB-clean) annotation files: one parser, two vocabularies.

Columns (matched case-insensitively): an image column ``path`` or ``img_name``, optional ``age``
(number, group ``a;b``, ``-1``/empty = unknown), optional ``gender``, optional box columns
``face_x0 … face_y1`` and ``person_x0 … person_y1`` (all ``-1`` = no box), optional ``subject_id``.
Every other column is kept verbatim in ``extras``.

Boxes are taken to be in the coordinates of the image *as displayed*, i.e. after its EXIF
orientation is applied, which is what :func:`load_image` returns (annotation tools draw on the
displayed image).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final, Literal

from .._exceptions import DatasetError
from .._types import Box, Gender, Sample
from ._table import Table, read_table, samples_from_table
from ._values import (
    CSV_GENDERS,
    MIVOLO_GENDERS,
    AgeLabel,
    Labels,
    parse_age,
    parse_box,
    parse_gender,
)

__all__ = ["BOX_COLUMNS", "IMAGE_COLUMNS", "load_csv"]

IMAGE_COLUMNS: Final = ("path", "img_name")
BOX_COLUMNS: Final = {
    kind: tuple(f"{kind}_{corner}" for corner in ("x0", "y0", "x1", "y1"))
    for kind in ("face", "person")
}


def _box_columns(table: Table, kind: str) -> tuple[str, ...] | None:
    """The header's names of one box's four columns, or None when the file has no such box."""
    found = [table.column(name) for name in BOX_COLUMNS[kind]]
    if all(name is None for name in found):
        return None
    if any(name is None for name in found):
        missing = [name for name, got in zip(BOX_COLUMNS[kind], found, strict=True) if got is None]
        raise DatasetError(f"{table.path}: {kind} box columns are incomplete, missing {missing}")
    return tuple(name for name in found if name is not None)


def load_csv(path: Path, *, root: Path, format: Literal["csv", "mivolo"]) -> list[Sample]:
    """Read a generic or MiVOLO CSV; ``format`` picks the gender vocabulary and preferred column.

    Raises:
        DatasetError: the file cannot be read, or has no image column or half a box's columns.
    """
    table = read_table(path)
    preferred = IMAGE_COLUMNS if format == "csv" else tuple(reversed(IMAGE_COLUMNS))
    image_column = next((c for c in map(table.column, preferred) if c is not None), None)
    if image_column is None:
        raise DatasetError(
            f"{path}: no image column ({' or '.join(map(repr, IMAGE_COLUMNS))}); "
            f"columns are {list(table.columns)}"
        )
    age_column, gender_column = table.column("age"), table.column("gender")
    subject_column = table.column("subject_id")
    face_columns, person_columns = _box_columns(table, "face"), _box_columns(table, "person")
    vocabulary: Mapping[str, Gender | None] = CSV_GENDERS if format == "csv" else MIVOLO_GENDERS
    known = {image_column, age_column, gender_column, subject_column,
             *(face_columns or ()), *(person_columns or ())}
    extra_columns = [column for column in table.columns if column not in known]

    def box(cells: Mapping[str, str], columns: tuple[str, ...] | None, kind: str) -> Box | None:
        return None if columns is None else parse_box([cells[c] for c in columns], what=kind)

    def labels_of(cells: Mapping[str, str]) -> Labels:
        return Labels(
            age=parse_age(cells[age_column]) if age_column else AgeLabel(),
            gender=parse_gender(cells[gender_column], vocabulary) if gender_column else None,
            face_box=box(cells, face_columns, "face"),
            person_box=box(cells, person_columns, "person"),
            subject_id=(cells[subject_column] or None) if subject_column else None,
            extras={column: cells[column] for column in extra_columns},
        )

    return samples_from_table(
        table, root=root, image_of=lambda cells: cells.get(image_column), labels_of=labels_of
    )
