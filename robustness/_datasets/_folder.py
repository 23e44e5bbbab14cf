"""Plain image folders: every image under the root, recursively and sorted, without labels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .._types import Sample
from ._paths import Confinement, list_images
from ._values import BadValue

__all__ = ["load_folder", "samples_from_files"]


def samples_from_files(root: Path, parse: Callable[[Path, str], Sample]) -> list[Sample]:
    """One sample per image file; a file whose name or location is unusable gets ``error`` set.

    ``parse(path, id)`` builds the sample for a confined file and may raise :class:`BadValue`
    (UTKFace's labels live in the name). ``source`` is the file path: there is no annotation row.
    """
    samples = []
    confinement = Confinement(root)
    for relative in list_images(root):
        path = root / relative
        try:
            sample_id, confined = confinement.resolve(relative.as_posix())
            samples.append(parse(confined, sample_id))
        except BadValue as exc:
            samples.append(Sample(
                id=relative.as_posix(), image_path=path, source=str(path), error=f"{path}: {exc}",
            ))
    return samples


def load_folder(root: Path) -> list[Sample]:
    """Unlabelled samples for every image under ``root`` (age and gender stay None)."""
    return samples_from_files(
        root, lambda path, sample_id: Sample(id=sample_id, image_path=path, source=str(path))
    )
