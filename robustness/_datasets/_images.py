"""Decoding one image file into the ``H×W×3`` uint8 RGB array every other stage works on.

Decisions, so that two runs (and two machines) see the same pixels:

- EXIF orientation is applied (``ImageOps.exif_transpose``): the array is the image as a viewer
  displays it, and annotation boxes are assumed to be in those displayed coordinates.
- Transparency (``RGBA``, ``LA``, ``PA``; ``P``, ``L``, ``RGB`` with a transparent colour key) is
  composited on **white**, as a browser or viewer shows a cut-out portrait on a page; black would
  darken hair and edges.
- High bit depth (``I;16``, ``I;16B``, ``I``, ``F``) is scaled linearly from ``[min(0, lowest),
  highest]`` to 0–255: a 12-bit image (0–4095) fills the 8-bit range instead of being clipped to
  white, and non-negative data keeps 0 as black. NaN/inf pixels become 0.
- ``1``, ``L``, ``CMYK``, ``YCbCr`` go through Pillow's own conversion. ICC profiles are ignored, as
  OpenCV and most model pipelines ignore them.
- Truncated files raise (the pixels are decoded eagerly), and images above Pillow's
  ``Image.MAX_IMAGE_PIXELS`` raise as decompression bombs — both read at call time, so a caller's
  global Pillow settings are honoured.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from .._exceptions import ImageError
from ._paths import outside_root

__all__ = ["BACKGROUND", "load_image"]

BACKGROUND: Final = (255, 255, 255)
_ALPHA_MODES: Final = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_KEYED_MODES: Final = frozenset({"1", "L", "P", "RGB"})  # may carry a transparent colour key
_WIDE_MODES: Final = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N", "F"})
# Pillow raises these for broken files besides OSError; none of them means "not an image".
_DECODE_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


def _read(path: Path, root: Path) -> bytes:
    if outside_root(root, path):
        raise ImageError(f"{path}: outside the dataset root {root}")
    if not path.exists():
        raise ImageError(f"{path}: file not found")
    if not path.is_file():
        raise ImageError(f"{path}: not a regular file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    if not data:
        raise ImageError(f"{path}: empty file (zero-byte)")
    return data


def _check_size(image: Image.Image, path: Path) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    width, height = image.size
    if limit is not None and width * height > limit:
        raise ImageError(
            f"{path}: decompression bomb: {width}x{height} = {width * height} pixels "
            f"exceeds the limit of {limit}"
        )


def _scaled_gray(image: Image.Image) -> Image.Image:
    values = np.asarray(image, dtype=np.float64)
    finite = np.isfinite(values)
    gray = np.zeros(values.shape, dtype=np.uint8)
    if finite.any():
        low = min(0.0, float(values[finite].min()))
        high = float(values[finite].max())
        if high > low:
            scaled = (np.where(finite, values, low) - low) * (255.0 / (high - low))
            gray = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    return Image.fromarray(gray, mode="L")


def _on_background(image: Image.Image) -> Image.Image:
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (*BACKGROUND, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def _to_rgb(image: Image.Image, path: Path) -> Image.Image:
    mode = image.mode
    if mode in _ALPHA_MODES or (mode in _KEYED_MODES and "transparency" in image.info):
        return _on_background(image)
    if mode == "RGB":
        return image
    if mode in _WIDE_MODES:
        return _scaled_gray(image).convert("RGB")
    try:
        return image.convert("RGB")
    except ValueError as exc:
        raise ImageError(f"{path}: unsupported image mode {mode!r} ({exc})") from exc


def load_image(path: Path, *, root: Path) -> NDArray[np.uint8]:
    """Decode ``path`` (which must lie inside ``root``) into an ``H×W×3`` uint8 RGB array.

    Raises:
        ImageError: the file is outside ``root``, missing, empty, not an image, truncated,
            corrupt, too large (decompression bomb) or of an unsupported mode; the message
            starts with the path and says which.
    """
    data = _read(path, root)
    try:
        with Image.open(io.BytesIO(data)) as image:
            _check_size(image, path)
            image.load()  # decode now: a truncated file must fail here, not later in a model
            try:
                upright = ImageOps.exif_transpose(image)
            except _DECODE_ERRORS as exc:
                raise ImageError(f"{path}: unreadable EXIF orientation ({exc})") from exc
            rgb = _to_rgb(upright, path)
            return np.array(rgb, dtype=np.uint8)  # a copy: writable, independent of Pillow
    except Image.DecompressionBombError as exc:
        raise ImageError(f"{path}: decompression bomb: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"{path}: not a readable image (no format recognises it)") from exc
    except _DECODE_ERRORS as exc:
        kind = "truncated file" if "truncated" in str(exc).lower() else "corrupt image data"
        raise ImageError(f"{path}: {kind} ({exc})") from exc
