"""``load_dataset``: a path (and optional format) in, an immutable :class:`Dataset` out."""

from __future__ import annotations

import re
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from .._exceptions import DatasetError, DatasetWarning
from .._types import Sample
from ._adience import load_adience
from ._csv import load_csv
from ._detect import Source, resolve_source
from ._fairface import load_fairface
from ._folder import load_folder
from ._paths import with_unique_ids
from ._utkface import load_utkface

__all__ = ["Dataset", "load_dataset", "read_attribution", "without_duplicates"]

# How many duplicate rows the warning names before it only counts them.
_NAMED_DUPLICATES: Final = 3
# A README's licence line is near its top; reading further would pick up unrelated mentions.
_ATTRIBUTION_LINES: Final = 20
_LICENCE: Final = re.compile(r"licen[cs]e|cc[ -]?by|copyright|public domain", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Dataset:
    """A loaded dataset: every annotation row (or image) as a :class:`Sample`, in file order.

    ``root`` is absolute; sample ``image_path``s lie under it. ``attribution`` is the opening of a
    README in ``root`` that states a licence (to be shown wherever its images or results are), or
    None. Samples with ``error`` set are kept: the run records them instead of losing them.
    """

    name: str
    root: Path
    format: str
    samples: tuple[Sample, ...]
    attribution: str | None

    def __repr__(self) -> str:  # the default would print every sample
        return (f"Dataset(name={self.name!r}, root={str(self.root)!r}, format={self.format!r}, "
                f"samples={len(self.samples)}, attribution={self.attribution is not None})")


def read_attribution(root: Path) -> str | None:
    """The top of the first ``README*`` in ``root`` that mentions a licence, or None.

    Returned: the lines from the start through the block (paragraph or list item, continuation
    lines included) holding the last licence mention among the first 20 lines — for the London
    set, its title, description and ``Source: … CC BY 4.0 …`` citation.
    """
    for readme in sorted(p for p in root.glob("[Rr][Ee][Aa][Dd][Mm][Ee]*") if p.is_file()):
        try:
            lines = readme.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue  # an unreadable README is no reason to refuse the dataset
        head = lines[:_ATTRIBUTION_LINES]
        hits = [index for index, line in enumerate(head) if _LICENCE.search(line)]
        if not hits:
            continue
        end = hits[-1] + 1
        # Extend to the end of that item: indented continuation lines belong to it.
        while end < len(lines) and lines[end].strip() and lines[end][:1].isspace():
            end += 1
        return "\n".join(lines[:end]).strip()
    return None


def _with_other_boxes(samples: list[Sample]) -> list[Sample]:
    """Give each sample the face and person boxes of the other rows for the same image file.

    LAGENDA-style files have one row per annotated person; MiVOLO masks everyone else out of a
    body crop, so a sample must know its neighbours' boxes. Rows with an error are left out.
    """
    by_image: dict[Path, list[int]] = defaultdict(list)
    for index, sample in enumerate(samples):
        if sample.error is None:
            by_image[sample.image_path].append(index)
    out = list(samples)
    for indices in by_image.values():
        if len(indices) < 2:
            continue
        for index in indices:
            others = [samples[i] for i in indices if i != index]
            out[index] = replace(
                samples[index],
                other_faces=tuple(s.face_box for s in others if s.face_box is not None),
                other_persons=tuple(s.person_box for s in others if s.person_box is not None),
            )
    return out


def _read(source: Source) -> list[Sample]:
    loaders: dict[str, Callable[[], list[Sample]]] = {
        "csv": lambda: load_csv(source.files[0], root=source.root, format="csv"),
        "mivolo": lambda: load_csv(source.files[0], root=source.root, format="mivolo"),
        "fairface": lambda: load_fairface(source.files[0], root=source.root),
        "adience": lambda: load_adience(source.files, root=source.root),
        "utkface": lambda: load_utkface(source.root),
        "folder": lambda: load_folder(source.root),
    }
    return loaders[source.format]()


def without_duplicates(samples: list[Sample]) -> tuple[list[Sample], list[str]]:
    """Keep the first row of each (image, face box, person box); describe the others.

    A repeated row would be evaluated and counted twice, weighting that face double in every
    figure. Rows that are errors are kept: each names its own line.
    """
    first: dict[tuple[object, ...], Sample] = {}
    kept, skipped = [], []
    for sample in samples:
        key = (str(sample.image_path), sample.face_box, sample.person_box)
        if sample.error is None and key in first:
            original = first[key].source.rpartition(":")[2] or first[key].id
            skipped.append(f"{sample.source or sample.id} repeats line {original}")
            continue
        if sample.error is None:
            first[key] = sample
        kept.append(sample)
    return kept, skipped


def load_dataset(path: str | Path, *, format: str | None = None) -> Dataset:
    """Load a dataset from an annotation file or a folder; ``format`` overrides detection.

    One bad row or image never raises: it becomes a sample with ``error`` set. Duplicate rows
    (same image and boxes) are kept once, with one ``DatasetWarning`` naming them.

    Raises:
        DatasetError: the path is missing, the format is unknown or cannot be told, an annotation
            file is unreadable or lacks its image column, or there is no row or image at all.
    """
    source = resolve_source(path, format)
    samples, duplicates = without_duplicates(_read(source))
    samples = _with_other_boxes(samples)
    if duplicates:
        named = "; ".join(duplicates[:_NAMED_DUPLICATES])
        more = len(duplicates) - _NAMED_DUPLICATES
        warnings.warn(DatasetWarning(
            f"{len(duplicates)} duplicate row(s) (same image and box) skipped, each evaluated "
            f"once: {named}{f'; and {more} more' if more > 0 else ''}"
        ), stacklevel=2)
    if not samples:
        where = ", ".join(map(str, source.files)) or str(source.root)
        raise DatasetError(f"{where}: no rows" if source.files else f"{where}: no images")
    if source.files and len(source.files) == 1 and Path(path).is_file():
        name = f"{source.root.name}/{source.files[0].name}"
    else:
        name = source.root.name
    return Dataset(
        name=name, root=source.root, format=source.format, samples=tuple(with_unique_ids(samples)),
        attribution=read_attribution(source.root),
    )
