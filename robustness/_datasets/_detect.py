"""Which format a dataset path is in, and which annotation file(s) to read.

A file is recognised by its header: ``img_name`` → mivolo; ``user_id, original_image, face_id`` →
adience; ``file, age, gender`` → fairface; ``path`` → csv. A folder is read through the one
recognisable annotation file at its top level (``*.csv``, ``*.txt``, ``*.tsv``), or through all its
Adience fold files; several candidates are an error (pass the file), never a guess. With no
annotation file, a folder whose images are mostly named like UTKFace's is utkface, else folder.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .._exceptions import DatasetError
from ._adience import fold_files
from ._paths import IMAGE_SUFFIXES, list_images
from ._table import read_columns
from ._utkface import looks_like_utkface

__all__ = ["FORMATS", "Source", "detect_format", "format_of_columns", "resolve_source"]

FORMATS: Final = ("csv", "mivolo", "utkface", "adience", "fairface", "folder")
_ANNOTATION_SUFFIXES: Final = frozenset({".csv", ".txt", ".tsv"})
_FOLDER_FORMATS: Final = frozenset({"utkface", "folder"})


@dataclass(frozen=True, slots=True)
class Source:
    """A resolved dataset: its format, root (absolute) and annotation files (none for folders)."""

    format: str
    root: Path
    files: tuple[Path, ...]


def format_of_columns(columns: Sequence[str]) -> str | None:
    """The format a header belongs to, or None when it has no recognisable image column."""
    names = {column.lower() for column in columns}
    if "img_name" in names:
        return "mivolo"
    if {"user_id", "original_image", "face_id"} <= names:
        return "adience"
    if {"file", "age", "gender"} <= names:
        return "fairface"
    if "path" in names:
        return "csv"
    return None


def _unknown(path: Path, why: str) -> DatasetError:
    return DatasetError(f"{path}: {why}; known formats are {', '.join(FORMATS)} (pass format=...)")


def _from_file(path: Path, format: str | None) -> Source:
    if format in _FOLDER_FORMATS:
        raise DatasetError(f"{path}: format {format!r} reads a folder of images, not a file")
    if path.suffix.lower() in IMAGE_SUFFIXES:
        raise DatasetError(f"{path}: is an image; pass its folder or an annotation file")
    if format is None:
        format = format_of_columns(read_columns(path))
        if format is None:
            raise _unknown(path, "no image column ('path', 'img_name', 'file' or Adience's)")
    return Source(format, path.parent, (path,))


def _from_folder(folder: Path, format: str | None) -> Source:
    if format in _FOLDER_FORMATS:
        return Source(format, folder, ())
    candidates = sorted(
        path for path in folder.iterdir()
        if path.is_file() and not path.name.startswith(".")
        and path.suffix.lower() in _ANNOTATION_SUFFIXES
    )
    found = {path: format_of_columns(read_columns(path)) for path in candidates}
    folds = fold_files(folder) or [path for path, kind in found.items() if kind == "adience"]
    others = [path for path, kind in found.items() if kind not in (None, "adience")]
    names = ", ".join(path.name for path in [*folds, *others]) or "none"
    if format == "adience" or (format is None and folds and not others):
        if not folds:
            raise DatasetError(f"{folder}: no Adience fold file (fold_N_data.txt)")
        return Source("adience", folder, tuple(folds))
    if format is not None:  # csv, mivolo or fairface forced: find the one file to read that way
        csvs = [path for path in candidates if path.suffix.lower() == ".csv"]
        files = others if len(others) == 1 else csvs
        if len(files) != 1:
            raise DatasetError(
                f"{folder}: cannot tell which file to read as {format!r} "
                f"(recognised: {names}); pass the file itself"
            )
        return Source(format, folder, (files[0],))
    if len(others) > 1 or (others and folds):
        raise DatasetError(f"{folder}: several annotation files ({names}); pass one of them")
    if others:
        return Source(str(found[others[0]]), folder, (others[0],))
    images = [path.name for path in list_images(folder)]
    if not images:
        raise _unknown(folder, "no annotation file and no images")
    if 2 * sum(map(looks_like_utkface, images)) > len(images):
        return Source("utkface", folder, ())
    return Source("folder", folder, ())


def resolve_source(path: str | Path, format: str | None = None) -> Source:
    """Resolve ``path`` (and an optional forced format) into what to read.

    Raises:
        DatasetError: unknown format name, missing path, or no way to tell what to read.
    """
    if format is not None and format not in FORMATS:
        raise DatasetError(f"unknown dataset format {format!r}; choose one of {', '.join(FORMATS)}")
    # Absolute but not symlink-resolved: messages show the path the way the user wrote it.
    absolute = Path(os.path.normpath(Path(path).absolute()))
    if absolute.is_file():
        return _from_file(absolute, format)
    if absolute.is_dir():
        return _from_folder(absolute, format)
    if absolute.exists():
        raise DatasetError(f"{path}: neither a file nor a folder")
    raise DatasetError(f"{path}: no such file or folder")


def detect_format(path: Path) -> str:
    """The format :func:`load_dataset` would read ``path`` as (see the module docstring).

    Raises:
        DatasetError: the path is missing or its format cannot be told; the message lists FORMATS.
    """
    return resolve_source(path).format
