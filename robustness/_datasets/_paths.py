"""Image paths inside a dataset root: confinement, ids, listing, and error samples.

An annotation file is untrusted input: a row may name ``../../etc/passwd`` or a symlink may lead
out of the dataset. Every image path therefore goes through :class:`Confinement`, which decides
with the *resolved* path (symlinks followed) and names the sample with the *lexical* one, so ids
read the way the annotation file wrote them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Final

from .._exceptions import DataRowError
from .._types import Sample
from ._values import BadValue

__all__ = [
    "IMAGE_SUFFIXES",
    "Confinement",
    "error_sample",
    "list_images",
    "outside_root",
    "with_unique_ids",
]

# What the folder and UTKFace loaders count as an image; anything else in the tree is ignored.
IMAGE_SUFFIXES: Final = frozenset(
    {".bmp", ".gif", ".jpeg", ".jpg", ".png", ".tif", ".tiff", ".webp"}
)


def _relative(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` (normalised strings): ``""`` for the root, None outside."""
    if path == root:
        return ""
    prefix = root if root.endswith(os.sep) else root + os.sep
    return path[len(prefix):] if path.startswith(prefix) else None


class Confinement:
    """Resolves the image paths of one dataset and refuses those that lead outside its root.

    Works on strings and caches each folder's real path: a LAGENDA-sized file has 100k+ rows in a
    handful of folders, and ``Path.resolve`` per row made loading take seconds.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lexical = os.path.normpath(root)
        self._real = os.path.realpath(root)
        self._folders: dict[str, str] = {}

    def _realpath(self, path: str) -> str:
        folder, name = os.path.split(path)
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = self._folders[folder] = os.path.realpath(folder)
        candidate = os.path.join(real_folder, name)
        # Only a symlinked file needs the full (slow) resolution; its folder is already real.
        return os.path.realpath(candidate) if os.path.islink(candidate) else candidate

    def resolve(self, raw: str) -> tuple[str, Path]:
        """Return ``(id, path)`` for an image path written relative to the root (or absolute).

        Raises:
            BadValue: the path is empty or the root itself, or it (or a symlink on the way)
                leads outside the root.
        """
        text = raw.strip()
        if not text:
            raise BadValue("empty image path")
        path = os.path.normpath(os.path.join(self._lexical, text))  # join keeps absolute paths
        real = self._realpath(path)
        inside = _relative(real, self._real)
        if inside is None:
            raise BadValue(f"image path {text!r} leads outside the dataset root {self._lexical!r}")
        # Name the sample the way the file wrote it; an absolute path through another (symlinked)
        # route to the root falls back to the real path's spelling.
        relative = _relative(path, self._lexical)
        relative = inside if relative is None else relative
        if not relative:
            raise BadValue(f"image path {text!r} names the dataset root, not an image")
        return relative.replace(os.sep, "/"), self.root / relative


def outside_root(root: Path, path: Path) -> bool:
    """True when ``path`` (symlinks followed) is not inside ``root``: the image loader's check."""
    return _relative(os.path.realpath(path), os.path.realpath(root)) is None


def error_sample(*, annotation: Path, line: int, message: str, raw_path: str | None,
                 root: Path) -> Sample:
    """A row that cannot be used: kept as a sample so the run records it instead of losing it."""
    source = f"{annotation}:{line}"
    written = (raw_path or "").strip()
    image_path = root / written if written else annotation
    return Sample(
        id=written or source, image_path=image_path, source=source,
        error=str(DataRowError(message, path=str(annotation), line=line)),
    )


def list_images(root: Path) -> Iterator[Path]:
    """Image files under ``root``, recursively, in sorted order, as paths relative to ``root``.

    Hidden entries (``.DS_Store``, macOS ``._x.jpg`` forks, ``.git``) are skipped, and symlinked
    directories are not entered (no cycles; symlinked *files* are listed and checked later).
    """
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        base = Path(folder).relative_to(root)
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix.lower() in IMAGE_SUFFIXES:
                yield base / name


def with_unique_ids(samples: Iterable[Sample]) -> list[Sample]:
    """Make ids unique: the k-th repeat of an id (k >= 1) becomes ``id#k``.

    Several faces of one image (LAGENDA) share a path. The first keeps the bare path so that adding
    a face to an image never renames the ones already stored.
    """
    samples = list(samples)
    taken = {sample.id for sample in samples}
    seen: dict[str, int] = {}
    unique = []
    for sample in samples:
        count = seen.get(sample.id, 0)
        seen[sample.id] = count + 1
        if count == 0:
            unique.append(sample)
            continue
        suffix = count
        while f"{sample.id}#{suffix}" in taken:
            suffix += 1
        taken.add(f"{sample.id}#{suffix}")
        unique.append(replace(sample, id=f"{sample.id}#{suffix}"))
    return unique
