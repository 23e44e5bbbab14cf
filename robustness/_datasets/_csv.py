"""Generic CSV and MiVOLO (LAGENDA / IMDB-clean) annotation files: one parser, two vocabularies.

Columns (matched case-insensitively): an image column ``path`` or ``img_name``, optional ``age``
(number, group ``a;b``, ``-1``/empty = unknown), optional ``gender``, optional face and person
boxes in any form ``_boxes`` reads (corners ``face_x0 … face_y1``, ``face_x, face_y, face_w,
face_h``, one ``bbox`` column; all ``-1`` = no box), optional ``subject_id``. Every other column
is kept verbatim in ``extras``.

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
from ._boxes import box_readers
from ._table import read_table, samples_from_table
from ._values import (
    CSV_GENDERS,
    MIVOLO_GENDERS,
    AgeLabel,
    Labels,
    parse_age,
    parse_gender,
)

__all__ = ["IMAGE_COLUMNS", "load_csv"]

IMAGE_COLUMNS: Final = ("path", "img_name")


def load_csv(path: Path, *, root: Path, format: Literal["csv", "mivolo"]) -> list[Sample]:
    """Read a generic or MiVOLO CSV; ``format`` picks the gender vocabulary and preferred column.

    Raises:
        DatasetError: the file cannot be read, or has no image column, or box columns that are
            incomplete or match no known form.
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
    boxes, box_columns = box_readers(table)
    vocabulary: Mapping[str, Gender | None] = CSV_GENDERS if format == "csv" else MIVOLO_GENDERS
    known = {image_column, age_column, gender_column, subject_column, *box_columns}
    extra_columns = [column for column in table.columns if column not in known]

    def box(cells: Mapping[str, str], kind: str) -> Box | None:
        reader = boxes.get(kind)
        return None if reader is None else reader(cells)

    def labels_of(cells: Mapping[str, str]) -> Labels:
        return Labels(
            age=parse_age(cells[age_column]) if age_column else AgeLabel(),
            gender=parse_gender(cells[gender_column], vocabulary) if gender_column else None,
            face_box=box(cells, "face"),
            person_box=box(cells, "person"),
            subject_id=(cells[subject_column] or None) if subject_column else None,
            extras={column: cells[column] for column in extra_columns},
        )

    return samples_from_table(
        table, root=root, image_of=lambda cells: cells.get(image_column), labels_of=labels_of
    )
