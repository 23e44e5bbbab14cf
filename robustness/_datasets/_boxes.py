"""Box columns of annotation CSVs: the forms people write, read into pixel corners.

For each box kind (``face``, ``person``) a header may hold one of these forms:

- corners (MiVOLO, LAGENDA): ``face_x0, face_y0, face_x1, face_y1``;
- position and size: ``face_x, face_y, face_w, face_h`` (top-left corner, width, height);
- one column ``face_bbox`` — or plain ``bbox`` for the face — holding the corners ``x0 y0 x1 y1``
  separated by commas, spaces or semicolons, brackets allowed (``[10, 20, 90, 110]``).

All ``-1`` or all empty means "no box" in every form. A header with box-like columns that match
no form (``face_xmin …``, a lone ``face_w``, ``x, y, w, h`` with no kind, two forms for one kind)
is refused as a whole: silently ignoring them would fall back to face detection and change every
figure without a word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray

from .._exceptions import DatasetError, ImageError
from .._types import Box, Sample
from ._images import load_image
from ._table import Table
from ._values import BadValue, parse_box

__all__ = ["BOX_FORMS", "BoxReader", "box_outside", "box_readers", "load_sample_image"]

KINDS: Final = ("face", "person")
# name → (column suffixes, converter of the four numbers to corners)
BOX_FORMS: Final[Mapping[str, tuple[str, ...]]] = {
    "corners": ("x0", "y0", "x1", "y1"),
    "xywh": ("x", "y", "w", "h"),
    "bbox": ("bbox",),
}
_COORDINATE: Final = (r"x|y|w|h|x0|y0|x1|y1|x2|y2|xmin|ymin|xmax|ymax|left|top|right|bottom|"
                      r"width|height|bbox|box")
# A column that looks like part of a box: a kind-prefixed coordinate, or a bare short one.
_BOX_LIKE: Final = re.compile(
    rf"^(?:(?:face|person|body)[_ ]?(?:{_COORDINATE})|x|y|w|h|x0|y0|x1|y1|x2|y2|"
    r"xmin|ymin|xmax|ymax|bbox|box|bboxes)$",
    re.IGNORECASE,
)
_FORM_HELP: Final = ("known forms: face_x0,face_y0,face_x1,face_y1 (corners); "
                     "face_x,face_y,face_w,face_h; one face_bbox or bbox column 'x0 y0 x1 y1'; "
                     "the same with person_")
_SEPARATORS: Final = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class BoxReader:
    """Reads one box kind from a row, in the form its header uses."""

    kind: str
    form: str
    columns: tuple[str, ...]

    def __call__(self, cells: Mapping[str, str]) -> Box | None:
        values = [cells.get(column, "") for column in self.columns]
        if self.form == "bbox":
            values = _bbox_cells(values[0], kind=self.kind)
        if self.form == "xywh":
            return _from_xywh(values, kind=self.kind)
        return parse_box(values, what=self.kind)


def _bbox_cells(text: str, *, kind: str) -> list[str]:
    stripped = text.strip().strip("[]()").strip()
    if stripped in ("", "-1"):
        return ["", "", "", ""]
    parts = [part for part in _SEPARATORS.split(stripped) if part]
    if len(parts) != 4:
        raise BadValue(f"{kind} bbox {text!r} needs four numbers x0 y0 x1 y1")
    return parts


def _from_xywh(cells: list[str], *, kind: str) -> Box | None:
    texts = [cell.strip() for cell in cells]
    if all(text in ("", "-1", "-1.0") for text in texts):
        return None
    try:
        x, y, w, h = (float(text) for text in texts)
    except ValueError:
        raise BadValue(f"{kind} box x,y,w,h {','.join(texts)!r} is not four numbers") from None
    if w <= 0 or h <= 0:
        raise BadValue(f"{kind} box x,y,w,h {','.join(texts)!r} has no area (needs w, h > 0)")
    # The corner parser checks finiteness and signs and quotes the corners it was given.
    return parse_box([repr(x), repr(y), repr(x + w), repr(y + h)], what=kind)


def _find(table: Table, kind: str, form: str) -> tuple[tuple[str, ...], list[str]]:
    """(the header's spellings of the form's columns, the names it lacks)."""
    wanted = [f"{kind}_{suffix}" for suffix in BOX_FORMS[form]]
    if form == "bbox" and kind == "face" and table.column(wanted[0]) is None:
        wanted = ["bbox"]
    found = [table.column(name) for name in wanted]
    present = tuple(name for name in found if name is not None)
    missing = [name for name, got in zip(wanted, found, strict=True) if got is None]
    return present, missing


def box_readers(table: Table) -> tuple[dict[str, Callable[[Mapping[str, str]], Box | None]],
                                       set[str]]:
    """The reader of each box kind the header has, and the columns they use.

    Raises:
        DatasetError: a form is incomplete, a kind has two forms, or box-like columns match no
            form — one line naming the columns and the known forms.
    """
    readers: dict[str, Callable[[Mapping[str, str]], Box | None]] = {}
    used: set[str] = set()
    for kind in KINDS:
        complete = []
        for form in BOX_FORMS:
            present, missing = _find(table, kind, form)
            if present and missing:
                raise DatasetError(f"{table.path}: {kind} box columns are incomplete, "
                                   f"missing {missing}")
            if present:
                complete.append(BoxReader(kind, form, present))
        if len(complete) > 1:
            names = " and ".join(",".join(reader.columns) for reader in complete)
            raise DatasetError(f"{table.path}: two {kind} box forms ({names}); keep one")
        if complete:
            readers[kind] = complete[0]
            used.update(complete[0].columns)
    stray = [column for column in table.columns
             if column not in used and _BOX_LIKE.match(column.strip())]
    if stray:
        raise DatasetError(f"{table.path}: box-like columns {stray} match no known box form "
                           f"({_FORM_HELP})")
    return readers, used


def box_outside(sample: Sample, width: int, height: int) -> str | None:
    """Why a sample's box cannot be cropped from a ``width`` × ``height`` image, or None.

    A box that overhangs the border is cropped to the image, as annotation tools draw them; one
    with less than a pixel inside it names the row and the box.
    """
    for kind, box in (("face", sample.face_box), ("person", sample.person_box)):
        if box is None:
            continue
        x0, y0, x1, y1 = box
        if min(x1, width) - max(x0, 0) < 1 or min(y1, height) - max(y0, 0) < 1:
            where = sample.source or str(sample.image_path)
            corners = ", ".join(f"{value:g}" for value in box)
            return (f"{where}: {kind} box ({corners}) lies outside the {width}x{height} image "
                    f"{sample.image_path.name}")
    return None


def load_sample_image(sample: Sample, *, root: Path) -> NDArray[np.uint8]:
    """The sample's image (``load_image``), its boxes checked against the image's size.

    Raises:
        ImageError: the image cannot be used, or a box lies outside it.
    """
    image = load_image(sample.image_path, root=root)
    problem = box_outside(sample, width=image.shape[1], height=image.shape[0])
    if problem is not None:
        raise ImageError(problem)
    return image
