"""Adience: tab-separated ``fold_N_data.txt`` files beside the face crops of the official archives.

Supported layout (as the archives from the Adience site unpack, fold files beside them)::

    root/fold_0_data.txt … fold_4_data.txt        (or fold_frontal_N_data.txt)
    root/faces/{user_id}/coarse_tilt_aligned_face.{face_id}.{original_image}    faces.tar.gz
    root/aligned/{user_id}/landmark_aligned_face.{face_id}.{original_image}     aligned.tar.gz

``faces/`` is used when that folder exists, else ``aligned/`` — one choice per dataset, so every id
names the same kind of crop. Both kinds are already face crops, while the fold's ``x, y, dx, dy``
are in the *original* Flickr photo's coordinates: no box is set (the whole crop is the face) and
those columns stay in ``extras`` only. ``user_id`` is the subject id. Ages: ``(25, 32)`` → group
with midpoint, ``35`` → point, ``None``/empty → unknown. Genders ``m``/``f``; ``u``/empty → unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from .._exceptions import DatasetError
from .._types import Sample
from ._table import read_table, samples_from_table
from ._values import ADIENCE_GENDERS, AgeLabel, BadValue, Labels, age_group, parse_gender, point_age

__all__ = ["ADIENCE_COLUMNS", "fold_files", "image_layout", "load_adience", "parse_adience_age"]

ADIENCE_COLUMNS: Final = ("user_id", "original_image", "face_id", "age", "gender")
# (folder, file prefix), in order of preference.
_LAYOUTS: Final = (("faces", "coarse_tilt_aligned_face"), ("aligned", "landmark_aligned_face"))
_FOLD: Final = re.compile(r"fold_(\d+)_data\.txt")
_FRONTAL_FOLD: Final = re.compile(r"fold_frontal_(\d+)_data\.txt")
_GROUP: Final = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)")


def fold_files(folder: Path) -> list[Path]:
    """The fold files in ``folder``, by fold number.

    The frontal folds are a subset of the full ones, so they are used only when no full fold
    file is present (loading both would count the frontal faces twice).
    """
    for pattern in (_FOLD, _FRONTAL_FOLD):
        found = [(int(m[1]), p) for p in folder.iterdir() if (m := pattern.fullmatch(p.name))]
        if found:
            return [path for _, path in sorted(found)]
    return []


def image_layout(root: Path) -> tuple[str, str]:
    """``(folder, prefix)`` of the crops this dataset holds (``faces/`` preferred)."""
    return next((layout for layout in _LAYOUTS if (root / layout[0]).is_dir()), _LAYOUTS[0])


def parse_adience_age(text: str) -> AgeLabel:
    """``(25, 32)`` → group, ``35`` → point, ``None``/empty → unknown."""
    text = text.strip()
    if text in ("", "None"):
        return AgeLabel()
    if match := _GROUP.fullmatch(text):
        return age_group(match[1], match[2], text=text)
    if text.isdigit():
        return AgeLabel(age=point_age(text))
    raise BadValue(f"age {text!r} is neither '(low, high)' nor a whole number")


def _load_fold(path: Path, *, root: Path, layout: tuple[str, str]) -> list[Sample]:
    table = read_table(path)
    names = {name: table.column(name) for name in ADIENCE_COLUMNS}
    missing = [name for name, column in names.items() if column is None]
    if missing:
        raise DatasetError(f"{path}: not an Adience fold file, missing columns {missing}")
    user, original, face, age, gender = (str(names[name]) for name in ADIENCE_COLUMNS)
    extra_columns = [column for column in table.columns if column not in (user, age, gender)]
    fold = _FOLD.fullmatch(path.name) or _FRONTAL_FOLD.fullmatch(path.name)
    folder, prefix = layout

    def image_of(cells: Mapping[str, str]) -> str | None:
        parts = (cells.get(user), cells.get(face), cells.get(original))
        if not all(parts):
            return None
        return f"{folder}/{parts[0]}/{prefix}.{parts[1]}.{parts[2]}"

    def labels_of(cells: Mapping[str, str]) -> Labels:
        extras = {column: cells[column] for column in extra_columns}
        if fold is not None:
            extras["fold"] = fold[1]
        return Labels(
            age=parse_adience_age(cells[age]), gender=parse_gender(cells[gender], ADIENCE_GENDERS),
            subject_id=cells[user], extras=extras,
        )

    return samples_from_table(table, root=root, image_of=image_of, labels_of=labels_of)


def load_adience(files: Sequence[Path], *, root: Path) -> list[Sample]:
    """Read one or several fold files whose images live under ``root``.

    Raises:
        DatasetError: a fold file cannot be read or lacks the Adience columns.
    """
    layout = image_layout(root)
    return [sample for path in files for sample in _load_fold(path, root=root, layout=layout)]
