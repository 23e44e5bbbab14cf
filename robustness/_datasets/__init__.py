"""Dataset loaders: annotation files and image folders in, :class:`Sample` tuples out.

Formats (``FORMATS``): ``csv`` (generic, e.g. the London set), ``mivolo`` (LAGENDA / IMDB-clean),
``utkface``, ``adience``, ``fairface`` and ``folder`` (unlabelled images). A bad row or image never
stops loading: it becomes a sample with ``error`` set, or an :class:`ImageError` at decode time.
Importing this package loads neither images nor dlib.
"""

from __future__ import annotations

from ._boxes import load_sample_image
from ._detect import FORMATS, detect_format
from ._faces import detect_face
from ._images import load_image
from ._load import Dataset, load_dataset

__all__ = [
    "FORMATS",
    "Dataset",
    "detect_face",
    "detect_format",
    "load_dataset",
    "load_image",
    "load_sample_image",
]
